"""garden: a knowledge-graph note compiler with executable examples."""

__version__ = "0.1.0"
