"""Writing a garden: `garden init` (a new garden) and `garden new` (a new note); neither overwrites a file."""
