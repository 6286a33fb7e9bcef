"""Turns a note's text into a tree of blocks: Roam's `- ` outline, with source lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from garden.model import Block

BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+](?: (?P<text>.*)|$)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
BLOCK_ID = re.compile(r"(?:^|\s)\^([\w-]*[^\W\d_][\w-]*)\s*$")


@dataclass
class _Open:
    """A block still receiving lines, with what the parser needs to know about it."""

    block: Block
    indent: int
    content_column: int
    lines: list[str]
    fence: str | None = None
    fence_line: int = 0


def _indent_width(whitespace: str) -> int:
    return len(whitespace.replace("\t", "    "))


def _dedent(line: str, column: int) -> str:
    expanded = line.replace("\t", "    ")
    strip = min(column, len(expanded) - len(expanded.lstrip(" ")))
    return expanded[strip:]


def _update_fence(current: _Open, line: str, line_no: int) -> None:
    match = FENCE.match(line)
    if match is None:
        return
    marker = match.group(1)
    if current.fence is None:
        current.fence, current.fence_line = marker, line_no
    elif marker[0] == current.fence[0] and len(marker) >= len(current.fence) and not line.strip(" `~"):
        current.fence = None


def parse_outline(text: str, first_line: int = 1) -> tuple[list[Block], list[tuple[int, str]]]:
    """Parse outline text whose first line is `first_line` of the file.

    Returns the top-level blocks and problems as (line, message). Lines before the first
    bullet become one block per paragraph, so notes written as plain markdown still work.
    """
    roots: list[Block] = []
    problems: list[tuple[int, str]] = []
    stack: list[_Open] = []
    current: _Open | None = None

    def finish(item: _Open) -> None:
        if item.fence is not None:
            problems.append((item.fence_line, "code fence opened here is never closed"))
        body = "\n".join(item.lines).rstrip()
        match = BLOCK_ID.search(body)
        if match and item.fence is None:
            item.block.uid = match.group(1)
            body = body[: match.start()].rstrip()
        item.block.text = body

    for offset, line in enumerate(text.split("\n")):
        line_no = first_line + offset
        bullet = BULLET.match(line)
        if bullet and current is not None and current.fence is not None:
            if _indent_width(bullet.group("indent")) >= current.content_column:
                bullet = None
        if bullet is not None:
            if current is not None:
                finish(current)
            indent = _indent_width(bullet.group("indent"))
            while stack and stack[-1].indent >= indent:
                stack.pop()
            block = Block(line_no, "", parent=stack[-1].block if stack else None)
            (block.parent.children if block.parent else roots).append(block)
            current = _Open(block, indent, indent + 2, [bullet.group("text") or ""])
            stack.append(current)
        elif current is None:
            if not line.strip():
                continue
            current = _Open(Block(line_no, ""), -1, 0, [line])
            roots.append(current.block)
            stack = []
        elif current.indent < 0 and current.fence is None and not line.strip():
            finish(current)
            current = None
            continue
        else:
            current.lines.append(_dedent(line, current.content_column))
        _update_fence(current, current.lines[-1], line_no)
    if current is not None:
        finish(current)
    return roots, problems
