"""Deciding whether an example's actual output matches the expected one.

Rules, tried in order; the first that matches names the result:

- `exact`: equal, after doctest's `<BLANKLINE>` handling;
- `whitespace`: equal with every run of whitespace (newlines included) as one space and the
  ends ignored, i.e. doctest's NORMALIZE_WHITESPACE;
- `ellipsis`: `...` in the expected output matches any text, as doctest's ELLIPSIS, with or
  without the whitespace rule;
- `numeric`: numbers agree within `rtol`/`atol` and the text around them agrees ignoring
  whitespace; `...` still works here (see `garden.check.numeric`).

Unlike doctest, `True` is never accepted for an expected `1` (nor `False` for `0`).
"""

from __future__ import annotations

import difflib
import doctest
from dataclasses import dataclass

from garden.check.numeric import has_numbers, numeric_match

CHECKER = doctest.OutputChecker()
DOCTEST_RULES = [
    ("exact", 0),
    ("whitespace", doctest.NORMALIZE_WHITESPACE),
    ("ellipsis", doctest.ELLIPSIS),
    ("ellipsis", doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE),
]


@dataclass(frozen=True)
class Comparison:
    """The verdict on one output: whether and how it matched, and a diff when it did not."""

    matched: bool
    how: str
    diff: str


def compare(expected: str, actual: str, rtol: float = 1e-6, atol: float = 1e-9) -> Comparison:
    """Compare `actual` output with `expected` by the rules above."""
    for how, flags in DOCTEST_RULES:
        if CHECKER.check_output(expected, actual, flags | doctest.DONT_ACCEPT_TRUE_FOR_1):
            return Comparison(True, how, "")
    if (has_numbers(expected) or has_numbers(actual)) and numeric_match(expected, actual, rtol, atol):
        return Comparison(True, "numeric", "")
    return Comparison(False, "mismatch", unified_diff(expected, actual))


def unified_diff(expected: str, actual: str) -> str:
    """A unified diff from `expected` to `actual`, labelled so."""
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""
    )
    return "\n".join(lines)
