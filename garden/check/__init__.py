"""Checking code examples: parse `>>>` examples and compare their output doctest-style."""

from garden.check.compare import Comparison, compare
from garden.check.examples import Example, has_examples, parse_examples
from garden.check.tolerance import parse_tolerance

__all__ = ["Comparison", "Example", "compare", "has_examples", "parse_examples", "parse_tolerance"]
