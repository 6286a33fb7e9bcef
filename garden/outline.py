"""Turns a note's text into a tree of blocks: Roam's `- ` outline, with source lines."""

from __future__ import annotations

import re
from dataclasses import dataclass

from garden.model import Block

BULLET = re.compile(r"^(?P<indent>[ \t]*)[-*+](?: (?P<text>.*)|$)")
NUMBERED = re.compile(r"^(?P<indent>[ \t]*)\d{1,9}[.)] (?P<text>.*)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
BLOCK_ID = re.compile(r"(?:^|\s)\^([\w-]*[^\W\d_][\w-]*)\s*$")
HIDDEN_PROPERTY = re.compile(r"^(id|collapsed):: *(\S*) *(?:\n|$)", re.MULTILINE)  # Logseq's, not for readers
MAX_DEPTH = 100  # deeper blocks are attached at this level
MAX_BLOCKS = 100_000  # a note with more is not built
TOO_DEEP = f"outline nested deeper than {MAX_DEPTH} levels; deeper blocks are shown at level {MAX_DEPTH}"


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


class TooManyBlocks(ValueError):
    """An outline with more blocks than a note may have."""

    def __init__(self) -> None:
        super().__init__(f"has more than {MAX_BLOCKS:,} blocks, the most a note may have")


class _Builder:
    """The tree so far: roots, the open blocks by indent, the block taking lines, problems found."""

    def __init__(self) -> None:
        self.roots: list[Block] = []
        self.problems: list[tuple[int, str]] = []
        self.stack: list[_Open] = []
        self.current: _Open | None = None
        self.count = 0
        self.flattened = False

    def add_line(self, line_no: int, line: str) -> None:
        """Feed one line of the note."""
        current = self.current
        bullet = BULLET.match(line) or self._numbered_child(line)
        if bullet and current is not None and current.fence is not None \
                and _indent_width(bullet.group("indent")) >= current.content_column:
            bullet = None
        if bullet is not None:
            current = self._open_bullet(line_no, _indent_width(bullet.group("indent")), bullet.group("text") or "")
            current.block.ordered = bullet.re is NUMBERED
        elif current is None:
            if not line.strip():
                return
            current = self._open_paragraph(line_no, line)
        elif current.indent < 0 and current.fence is None and not line.strip():
            self.close()
            return
        else:
            current.lines.append(_dedent(line, current.content_column))
        _update_fence(current, current.lines[-1], line_no)

    def _numbered_child(self, line: str) -> re.Match[str] | None:
        """A `1. ` line indented under an open block: a child in a numbered view, as Roam writes them."""
        numbered = NUMBERED.match(line)
        if numbered and self.stack and self.stack[0].indent < _indent_width(numbered.group("indent")):
            return numbered
        return None

    def close(self) -> None:
        """Finish the block taking lines: its text, its `^id`, an unclosed fence."""
        item, self.current = self.current, None
        if item is None:
            return
        if item.fence is not None:
            self.problems.append((item.fence_line, "code fence opened here is never closed"))
        body = "\n".join(item.lines).rstrip()
        match = BLOCK_ID.search(body)
        if match and item.fence is None:
            item.block.uid = match.group(1)
            body = body[: match.start()].rstrip()
        if "::" in body and item.fence is None:
            body = self._hide_properties(item.block, body)
        item.block.text = body

    @staticmethod
    def _hide_properties(block: Block, body: str) -> str:
        """Take Logseq's `id:: …` (the block's id) and `collapsed:: …` lines out of a block's text."""
        for match in HIDDEN_PROPERTY.finditer(body):
            if match.group(1) == "id" and match.group(2) and block.uid is None:
                block.uid = match.group(2)
        return HIDDEN_PROPERTY.sub("", body).rstrip()

    def _open_bullet(self, line_no: int, indent: int, text: str) -> _Open:
        """Start a `- ` block under the nearest open block indented less."""
        self.close()
        while self.stack and self.stack[-1].indent >= indent:
            self.stack.pop()
        if len(self.stack) >= MAX_DEPTH:
            self._flatten(line_no)
        parent = self.stack[-1].block if self.stack else None
        block = self._new_block(line_no, parent)
        self.current = _Open(block, indent, indent + 2, [text])
        self.stack.append(self.current)
        return self.current

    def _open_paragraph(self, line_no: int, line: str) -> _Open:
        """Start a top-level block for a paragraph written before the first bullet."""
        self.current = _Open(self._new_block(line_no, None), -1, 0, [line])
        self.stack = []
        return self.current

    def _new_block(self, line_no: int, parent: Block | None) -> Block:
        """A new block in the tree; raises TooManyBlocks past MAX_BLOCKS."""
        self.count += 1
        if self.count > MAX_BLOCKS:
            raise TooManyBlocks()
        block = Block(line_no, "", parent=parent)
        (parent.children if parent else self.roots).append(block)
        return block

    def _flatten(self, line_no: int) -> None:
        """Make room for a block past MAX_DEPTH: it becomes a sibling of the deepest open block."""
        if not self.flattened:
            self.flattened = True
            self.problems.append((line_no, TOO_DEEP))
        del self.stack[MAX_DEPTH - 1:]


def parse_outline(text: str, first_line: int = 1) -> tuple[list[Block], list[tuple[int, str]]]:
    """Parse outline text whose first line is `first_line` of the file.

    Returns the top-level blocks and problems as (line, message). Lines before the first
    bullet become one block per paragraph, so notes written as plain markdown still work.
    Blocks nested deeper than MAX_DEPTH are kept at that level; an outline of more than
    MAX_BLOCKS blocks raises TooManyBlocks as soon as it has one too many.
    """
    builder = _Builder()
    for offset, line in enumerate(text.split("\n")):
        builder.add_line(first_line + offset, line)
    builder.close()
    return builder.roots, builder.problems
