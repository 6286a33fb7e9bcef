"""Finds `[[`, `((` and `{{` that are never closed, outside code and math."""

from __future__ import annotations

import heapq
import re
from array import array
from collections.abc import Iterable, Iterator

CODE_OR_MATH = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|(`+).*?\1|\$\$.*?\$\$", re.DOTALL)
OPENERS = ("[[", "{{")
DELIMITER = re.compile(r"(\[\[)|(\{\{)|(\]\])|(\}\})")  # groups: the OPENERS, then their closers
PARENTHESIS = re.compile(r"[()]")


def _blank_out(match: re.Match[str]) -> str:
    """Keep newlines (for line numbers) and erase everything else."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _unclosed_pairs(visible: str) -> Iterator[tuple[int, str]]:
    """(index, opener) of each `[[` and `{{` left open, in order; pairs match (a stray closer is ignored)."""
    positions, kinds = array("q"), array("b")  # the open ones, innermost last; kind indexes OPENERS
    open_count = [0] * len(OPENERS)
    for match in DELIMITER.finditer(visible):
        kind = match.lastindex - 1
        if kind < len(OPENERS):
            positions.append(match.start())
            kinds.append(kind)
            open_count[kind] += 1
            continue
        kind -= len(OPENERS)
        if open_count[kind]:
            while kinds[-1] != kind:
                open_count[kinds.pop()] -= 1
                positions.pop()
            open_count[kinds.pop()] -= 1
            positions.pop()
    return ((position, OPENERS[kind]) for position, kind in zip(positions, kinds))


def _unclosed_block_refs(visible: str) -> list[tuple[int, str]]:
    """(index, `((`) of each `((` whose parentheses never close, counting single ones so `((a + b) * c)` is fine."""
    open_at = array("q")
    for match in PARENTHESIS.finditer(visible):
        if match.group() == "(":
            open_at.append(match.start())
        elif open_at:
            open_at.pop()
    return [(offset, "((") for index, offset in enumerate(open_at)
            if index + 1 < len(open_at) and open_at[index + 1] == offset + 1
            and (index == 0 or open_at[index - 1] != offset - 1)]


def _line_offsets(text: str, found: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """(line offset, opener) for each (index, opener) of `found`, in order of index; each pair once."""
    lines: dict[tuple[int, str], None] = {}
    line, counted = 0, 0
    for offset, opener in found:
        line += text.count("\n", counted, offset)
        counted = offset
        lines[line, opener] = None
    return list(lines)


def unclosed_delimiters(text: str) -> list[tuple[int, str]]:
    """(line offset within `text`, delimiter) for each opener that is never closed, once per line."""
    visible = CODE_OR_MATH.sub(_blank_out, text)
    return _line_offsets(visible, heapq.merge(_unclosed_pairs(visible), _unclosed_block_refs(visible)))
