"""Small scanners shared by the Roam syntax rules, each reading its text once.

The rules run at every position of a paragraph, so instead of looking for the end of a bracket
from every opener they look it up in tables built in one pass (`garden.syntax.env` keeps them
for the parse).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass

MAX_LINK_DEPTH = 10  # links nested deeper than this are text
BRACKET_RUN = re.compile(r"\[{2,}|\]{2,}")
BRACE = re.compile(r"[{}]")


@dataclass(frozen=True)
class LinkBrackets:
    """For each index of a text where a `[[` closes: where its `]]` is, and how many levels of links it holds.

    `close` is -1 and `depth` 0 elsewhere. A link holding no other link has depth 1; `[[[[a]] b]]`
    has depth 2.
    """

    close: array
    depth: array

    def closing(self, start: int, limit: int) -> int | None:
        """Index of the `]]` closing the `[[` at `start`, or None when it does not close before `limit`."""
        end = self.close[start]
        return end if 0 <= end < limit else None


def link_brackets(text: str) -> LinkBrackets:
    """Match every `[[` of `text` with its `]]` in one pass, nesting honoured.

    Brackets are read two at a time from the start of each run (`[[[` is `[[` then `[`); a
    scan that starts inside a run of `[` (at `[[[`'s second one) gets the answer it would
    have read from there.
    """
    close, depth = array("q", [-1]) * len(text), array("q", [0]) * len(text)
    opened = array("q")  # positions of the `[[` still open, innermost last
    deepest = array("q")  # for each of them, the depth of the deepest link closed inside it so far
    opening_runs: list[tuple[int, int]] = []
    for run in BRACKET_RUN.finditer(text):
        start, end = run.span()
        if text[start] == "[":
            opening_runs.append((start, end))
            opened.extend(range(start, end - 1, 2))
            deepest.frombytes(bytes(deepest.itemsize * ((end - start) // 2)))
            continue
        for position in range(start, end - 1, 2):
            if not opened:
                break
            opener, inner = opened.pop(), deepest.pop()
            close[opener], depth[opener] = position, inner + 1
            if deepest:
                deepest[-1] = max(deepest[-1], inner + 1)
    for start, end in opening_runs:
        _align_run(close, depth, start, end)
    return LinkBrackets(close, depth)


def link_depth(text: str) -> int:
    """How deeply links nest in `text`: 0 when it holds none, 1 for `[[a]]`, 2 for `[[[[a]] b]]`."""
    return max(link_brackets(text).depth, default=0)


def _align_run(close: array, depth: array, start: int, end: int) -> None:
    """Give the `[[` at odd offsets of the run `text[start:end]` the answer of the `[[` they act as.

    From `start + j` the rest of the run holds `(end - start - j) // 2` openers, as many as the
    run's last ones read from its start, so it closes where the first of those does. A run's
    openers close innermost first, so only a tail of them closes at all.
    """
    openers = (end - start) // 2
    for position in reversed(range(start + 1, end - 1, 2)):
        same = start + 2 * (openers - (end - position) // 2)
        if close[same] < 0:
            break
        close[position], depth[position] = close[same], depth[same]


def brace_pairs(text: str) -> dict[int, int]:
    """Index of the `}` matching each `{` of `text` that closes (single braces, nested)."""
    close: dict[int, int] = {}
    open_at: list[int] = []
    for brace in BRACE.finditer(text):
        if brace.group() == "{":
            open_at.append(brace.start())
        elif open_at:
            close[open_at.pop()] = brace.start()
    return close


def split_top_level(text: str, separator: str) -> tuple[str, str] | None:
    """Split `text` at the first `separator` outside `[[…]]`, or None if there is none."""
    depth = 0
    pos = 0
    while pos < len(text):
        if text.startswith("[[", pos):
            depth += 1
            pos += 2
        elif text.startswith("]]", pos):
            depth -= 1
            pos += 2
        elif depth == 0 and text.startswith(separator, pos):
            return text[:pos], text[pos + len(separator):]
        else:
            pos += 1
    return None


def strip_brackets(title: str) -> str:
    """Display form of a title that holds nested links: `[[a]] b` -> `a b`."""
    return title.replace("[[", "").replace("]]", "")


def nested_targets(title: str) -> list[str]:
    """Titles of the links nested inside a page title (`[[a]] b` -> ["a"]), outer ones first.

    Reading stops at the first `[[` that never closes; links more than MAX_LINK_DEPTH levels
    down are left out.
    """
    found: list[str | None] = []  # one entry per `[[`, in order; None until (unless) it closes
    open_links: list[tuple[int, int]] = []  # (position of `[[`, its index in found)
    for run in BRACKET_RUN.finditer(title):
        start, end = run.span()
        for position in range(start, end - 1, 2):
            if title[start] == "[":
                open_links.append((position, len(found)))
                found.append(None)
            elif open_links:
                opener, index = open_links.pop()
                if len(open_links) < MAX_LINK_DEPTH:
                    found[index] = title[opener + 2:position]
    first_unclosed = open_links[0][1] if open_links else len(found)
    return [inner for inner in found[:first_unclosed] if inner is not None]
