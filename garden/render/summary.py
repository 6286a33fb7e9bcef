"""The blocks that sum a page up: its prose, not its `Key:: value` attributes."""

from __future__ import annotations

from collections.abc import Iterator

from garden.model import Block, Note


def is_attribute(block: Block) -> bool:
    """Whether a block opens with a `Key::` attribute."""
    inline = next((token for token in block.tokens if token.type == "inline"), None)
    return bool(inline and inline.children and inline.children[0].type == "attribute")


def prose_blocks(note: Note) -> Iterator[Block]:
    """The note's blocks in document order, leaving out attributes and what is nested under one."""
    return (block for block in note.walk() if not any(map(is_attribute, [block, *block.ancestors()])))
