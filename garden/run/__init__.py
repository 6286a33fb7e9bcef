"""Execution engine: runs the code cells of notes in isolated worker processes."""
