"""Notes written as prose (Obsidian's way): CommonMark's own structure as blocks.

Each paragraph, heading, fence, table, quote or other top-level element is a block; each list item
is a block whose nested list items are its children. A link's backlink then shows the paragraph
or list item that holds it, and a fence holding `- ` lines stays one fence.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.token import Token

from garden.model import Block
from garden.outline import BLOCK_ID, MAX_BLOCKS, TooManyBlocks
from garden.syntax.fences import FenceTracker
from garden.syntax.tokens import closing_index

BULLET_OR_NUMBER = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
LIST_OPENERS = ("bullet_list_open", "ordered_list_open")
_STRUCTURE = MarkdownIt("commonmark", {"html": True}).enable(["table"])


def is_prose(text: str) -> bool:
    """Whether a note is prose rather than an outline: it has no `- ` block at all, or after its
    first one a line outside code starts at the margin without being a list item."""
    seen_bullet, code = False, FenceTracker()
    for line in text.split("\n"):
        if code.is_code(line):
            continue
        if BULLET_OR_NUMBER.match(line):
            seen_bullet = True
        elif line.strip() and not line[0].isspace() and seen_bullet:
            return True
    return not seen_bullet


def _item_text(lines: list[str], start: int, end: int) -> str:
    """A list item's own lines without its marker, dedented to its content column."""
    first = lines[start]
    marker = re.match(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]?)", first)
    width = len(marker.group(1)) if marker else 0
    rest = [line[width:] if line[:width].strip() == "" else line.lstrip() for line in lines[start + 1:end]]
    return "\n".join([first[width:], *rest]).rstrip()


def _take_id(block: Block) -> None:
    """A trailing ` ^id` names the block, as in outlines."""
    match = BLOCK_ID.search(block.text)
    if match:
        block.uid = match.group(1)
        block.text = block.text[: match.start()].rstrip()



def _is_comment(token: Token) -> bool:
    """Whether a token is an HTML comment and nothing else: no block for it."""
    content = token.content.strip()
    return token.type == "html_block" and content.startswith("<!--") and content.endswith("-->") \
        and content.count("<!--") == 1


class _Builder:
    """Blocks from the block tokens of a note, their lines counted from `first_line`."""

    def __init__(self, lines: list[str], first_line: int) -> None:
        self.lines = lines
        self.first_line = first_line

    def blocks(self, tokens: list[Token], parent: Block | None) -> list[Block]:
        """The blocks of one level of tokens (the whole note, or a list item's content)."""
        blocks: list[Block] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            end = closing_index(tokens, index) if token.nesting == 1 else index
            if token.type in LIST_OPENERS:
                blocks += self._list(tokens[index + 1:end], parent, token.type == "ordered_list_open")
            elif token.map is not None and not _is_comment(token):
                blocks.append(self._block(token.map[0], token.map[1], parent))
            index = end + 1
        return blocks

    def _block(self, start: int, end: int, parent: Block | None, text: str | None = None) -> Block:
        text = "\n".join(self.lines[start:end]).rstrip() if text is None else text
        block = Block(self.first_line + start, text, parent=parent)
        _take_id(block)
        return block

    def _list(self, tokens: list[Token], parent: Block | None, ordered: bool) -> list[Block]:
        """One block per item of a list; an item's nested lists are its children."""
        items = []
        index = 0
        while index < len(tokens):
            end = closing_index(tokens, index)
            start_line, end_line = tokens[index].map or (0, 0)
            content = tokens[index + 1:end]
            lists = [position for position, token in enumerate(content)
                     if token.type in LIST_OPENERS and token.level == content[0].level]
            own_end = content[lists[0]].map[0] if lists and content[lists[0]].map else end_line
            block = self._block(start_line, end_line, parent, _item_text(self.lines, start_line, own_end))
            block.ordered = ordered
            for position in lists:
                block.children += self._list(content[position + 1:closing_index(content, position)], block,
                                             content[position].type == "ordered_list_open")
            items.append(block)
            index = end + 1
        return items


def parse_prose(text: str, first_line: int = 1) -> list[Block]:
    """The blocks of a prose note whose first line is `first_line` of the file; raises TooManyBlocks
    for more than MAX_BLOCKS."""
    text = text.replace("\r", " ")  # markdown-it would end a line at a lone CR, the file does not
    tokens = _STRUCTURE.parse(text)
    if sum(token.nesting == 1 or token.type in ("fence", "code_block", "hr", "html_block") for token in tokens) \
            > 2 * MAX_BLOCKS:
        raise TooManyBlocks()
    blocks = _Builder(text.split("\n"), first_line).blocks(tokens, None)
    if sum(1 for root in blocks for _ in root.walk()) > MAX_BLOCKS:
        raise TooManyBlocks()
    return blocks
