"""The ids a note's page has (its headings' and blocks'), and the blocks under one heading."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from garden.model import Block, Note
from garden.render.text import plain_text
from garden.urls import heading_id

_ANCHORS: WeakKeyDictionary[Note, frozenset[str]] = WeakKeyDictionary()


def block_headings(block: Block) -> list[tuple[int, str]]:
    """(level, id) of each heading in a block's own text."""
    tokens = block.tokens
    return [(int(token.tag[1]), heading_id(plain_text(tokens[index + 1].children or [])))
            for index, token in enumerate(tokens) if token.type == "heading_open" and index + 1 < len(tokens)]


def page_anchors(note: Note) -> frozenset[str]:
    """Every id the note's page gives a heading or a block (worked out once per note)."""
    if note not in _ANCHORS:
        _ANCHORS[note] = frozenset(id_ for block in note.walk()
                                   for id_ in [block.anchor, *(found for _, found in block_headings(block))])
    return _ANCHORS[note]


def section(note: Note, wanted: str) -> list[Block]:
    """The blocks of the section under the heading with id `wanted`: its block (with its children)
    and the blocks after it up to the next heading of the same or a higher level; [] when none."""
    for block in note.walk():
        levels = [level for level, found in block_headings(block) if found == wanted]
        if not levels:
            continue
        siblings = block.parent.children if block.parent else note.blocks
        blocks = [block]
        for after in siblings[siblings.index(block) + 1:]:
            if any(level <= levels[0] for level, _ in block_headings(after)):
                break
            blocks.append(after)
        return blocks
    return []
