"""Deciding whether an example's actual output matches the expected one.

Flags are doctest's option flags (`doctest.ELLIPSIS`, ...) plus garden's `TOLERANCE`; by default
ELLIPSIS, NORMALIZE_WHITESPACE and TOLERANCE are on, and `# doctest:` directives or a block's
`#| doctest:` option switch any of them. Rules, tried in order; the first that matches names
the result:

- `exact`: equal, after doctest's `<BLANKLINE>` handling (and True for 1, as doctest accepts it
  unless DONT_ACCEPT_TRUE_FOR_1);
- `whitespace`: doctest's NORMALIZE_WHITESPACE;
- `ellipsis`: `...` in the expected output matches any text, as doctest's ELLIPSIS, with or
  without the whitespace rule;
- `numeric` (TOLERANCE): numbers agree within `rtol`/`atol` and the text around them agrees
  ignoring whitespace; `...` still works here under ELLIPSIS (see `garden.check.numeric`).

So whatever doctest with the same flags accepts is accepted; TOLERANCE only accepts more.
"""

from __future__ import annotations

import difflib
import doctest
from dataclasses import dataclass

from garden.check.numeric import has_numbers, numeric_match
from garden.code.directives import FLAGS, TOLERANCE
from garden.model import Directives

CHECKER = doctest.OutputChecker()
TOLERANCE_FLAG = FLAGS[TOLERANCE]
DEFAULT_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | TOLERANCE_FLAG
STRICTNESS = doctest.DONT_ACCEPT_BLANKLINE | doctest.DONT_ACCEPT_TRUE_FOR_1
DOCTEST_RULES = [
    ("exact", 0),
    ("whitespace", doctest.NORMALIZE_WHITESPACE),
    ("ellipsis", doctest.ELLIPSIS),
    ("ellipsis", doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE),
]
DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9


@dataclass(frozen=True)
class Comparison:
    """The verdict on one output: whether and how it matched, and a diff when it did not."""

    matched: bool
    how: str
    diff: str


def flags_for(*layers: Directives) -> int:
    """The default flags with each layer of directives applied in turn (block, then example)."""
    flags = DEFAULT_FLAGS
    for directives in layers:
        for name, on in directives:
            flags = flags | FLAGS[name] if on else flags & ~FLAGS[name]
    return flags


def compare(expected: str, actual: str, flags: int = DEFAULT_FLAGS,
            rtol: float = DEFAULT_RTOL, atol: float = DEFAULT_ATOL) -> Comparison:
    """Compare `actual` output with `expected` by the rules above, as far as `flags` allow."""
    strictness = flags & STRICTNESS
    for how, rule in DOCTEST_RULES:
        if rule & ~flags == 0 and CHECKER.check_output(expected, actual, rule | strictness):
            return Comparison(True, how, "")
    if flags & TOLERANCE_FLAG and (has_numbers(expected) or has_numbers(actual)) and numeric_match(
            expected, actual, rtol, atol, ellipsis=bool(flags & doctest.ELLIPSIS),
            blanklines=not flags & doctest.DONT_ACCEPT_BLANKLINE):
        return Comparison(True, "numeric", "")
    return Comparison(False, "mismatch", unified_diff(expected, actual))


def exception_matches(expected: str, actual: str, flags: int, rtol: float, atol: float) -> Comparison:
    """Compare a raised exception's `Type: message` line with the expected one, as doctest does:
    under IGNORE_EXCEPTION_DETAIL only the exception's name (without module path) must agree."""
    verdict = compare(expected, actual, flags, rtol, atol)
    if verdict.matched or not flags & doctest.IGNORE_EXCEPTION_DETAIL:
        return verdict
    detail = doctest._strip_exception_details  # the stdlib's own rule for this flag
    if CHECKER.check_output(detail(expected), detail(actual), flags & ~TOLERANCE_FLAG):
        return Comparison(True, "exception type", "")
    return verdict


def unified_diff(expected: str, actual: str) -> str:
    """A unified diff from `expected` to `actual`, labelled so."""
    lines = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm=""
    )
    return "\n".join(lines)
