"""Checking code examples: doctest-style comparison of outputs, and the verdict on each check."""
