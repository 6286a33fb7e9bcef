"""Comparing outputs number by number, within a tolerance.

Each side is split into numbers and a skeleton: the text around them, with every number
replaced by a placeholder and whitespace dropped (except a single space between two words,
so `hello world` still differs from `helloworld`). Two outputs match when their skeletons are
equal and their numbers agree pairwise: ints exactly, otherwise within
`abs(actual - expected) <= atol + rtol * abs(expected)`; `nan` matches `nan`, `inf` only `inf` (any case).
numpy 2 scalar reprs (`np.float64(0.5)`, `numpy.int64(3)`, `np.True_`) count as their plain
value. `...` in the expected output stands for any text, numbers included, so
`array([0.1, ...])` matches `array([0.1       , 0.2       ])`.
"""

from __future__ import annotations

import doctest
import math
import re
from dataclasses import dataclass

NUMBER = re.compile(
    r"""
    (?<![\w.])                                  # not inside a name or a dotted version
    [-+]?(?: (?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)? | (?i:inf|nan) )
    (?![\w.])
    """,
    re.VERBOSE,
)
INTEGER = re.compile(r"[-+]?\d+")
NUMPY_NUMBER = re.compile(r"\b(?:np|numpy)\.(?:u?int|float)\d*\(([^()]*)\)")
NUMPY_BOOL = re.compile(r"\b(?:np|numpy)\.(True|False)_(?!\w)")
BLANKLINE = re.compile(rf"(?m)^{re.escape(doctest.BLANKLINE_MARKER)}\s*?$")
WORD_GAP = re.compile(r"(?<=\w)\s+(?=\w)")
PLACEHOLDER = "\x00"  # stands for a number in a skeleton
KEPT_SPACE = "\x01"  # marks a space between words while the rest is dropped


@dataclass(frozen=True)
class Split:
    """Text as a skeleton with one placeholder per number, and the numbers as written."""

    skeleton: str
    numbers: list[str]


def has_numbers(text: str) -> bool:
    """Whether `text` holds a number or a numpy scalar repr."""
    return NUMBER.search(text) is not None or unwrap_numpy(text) != text


def unwrap_numpy(text: str) -> str:
    """`text` with numpy scalar reprs replaced by their plain values."""
    return NUMPY_BOOL.sub(r"\1", NUMPY_NUMBER.sub(r"\1", text))


def split(text: str) -> Split:
    """The skeleton and numbers of `text`."""
    numbers = [match.group() for match in NUMBER.finditer(text)]
    marked = WORD_GAP.sub(KEPT_SPACE, NUMBER.sub(PLACEHOLDER, text))
    return Split("".join(marked.split()).replace(KEPT_SPACE, " "), numbers)


def close(expected: str, actual: str, rtol: float, atol: float) -> bool:
    """Whether two written numbers agree: ints exactly, anything else within tolerance."""
    if INTEGER.fullmatch(expected) and INTEGER.fullmatch(actual):
        return int(expected) == int(actual)
    want, got = float(expected), float(actual)
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    if math.isinf(want) or math.isinf(got):
        return want == got
    return abs(got - want) <= atol + rtol * abs(want)


def numeric_match(want: str, got: str, rtol: float, atol: float, *, ellipsis: bool = True,
                  blanklines: bool = True) -> bool:
    """Whether `got` matches `want` number by number; with `ellipsis`, `...` in `want` is a
    wildcard; with `blanklines`, `<BLANKLINE>` in `want` stands for an empty line."""
    if blanklines:
        want = BLANKLINE.sub("", want)
    want = unwrap_numpy(want)
    pieces = [split(piece) for piece in (want.split(doctest.ELLIPSIS_MARKER) if ellipsis else [want])]
    target = split(unwrap_numpy(got))
    first, last = pieces[0], pieces[-1]
    if len(pieces) == 1:
        return first.skeleton == target.skeleton and fits(first, target, 0, rtol, atol)
    start, end = len(first.skeleton), len(target.skeleton) - len(last.skeleton)
    if end < start or not (fits(first, target, 0, rtol, atol) and fits(last, target, end, rtol, atol)):
        return False
    for piece in pieces[1:-1]:
        found = find(piece, target, start, end, rtol, atol)
        if found is None:
            return False
        start = found
    return True


def fits(piece: Split, target: Split, at: int, rtol: float, atol: float) -> bool:
    """Whether `piece` matches `target` starting at skeleton position `at`."""
    if target.skeleton[at:at + len(piece.skeleton)] != piece.skeleton:
        return False
    first = target.skeleton.count(PLACEHOLDER, 0, at)
    pairs = zip(piece.numbers, target.numbers[first:])
    return all(close(expected, actual, rtol, atol) for expected, actual in pairs)


def find(piece: Split, target: Split, start: int, end: int, rtol: float, atol: float) -> int | None:
    """Where the leftmost match of `piece` within `target.skeleton[start:end]` ends, if any.

    The leftmost match ends earliest, so taking it never rules out a later piece.
    """
    at = target.skeleton.find(piece.skeleton, start, end)
    while at != -1:
        if fits(piece, target, at, rtol, atol):
            return at + len(piece.skeleton)
        at = target.skeleton.find(piece.skeleton, at + 1, end)
    return None
