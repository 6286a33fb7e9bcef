"""Roam attributes: `Key:: value` at the start of a block; the key is a page."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

ATTRIBUTE = re.compile(r"([^\s:`\[\]{}#][^:`\[\]{}\n]*?)::(?=\s|$)")


def attribute_rule(state: StateInline, silent: bool) -> bool:
    """Match `Key::` when it opens the paragraph."""
    if state.pos != 0:
        return False
    match = ATTRIBUTE.match(state.src, 0, state.posMax)
    if match is None:
        return False
    if not silent:
        key = match.group(1).strip()
        token = state.push("attribute", "a", 0)
        token.content = key
        token.meta = {"target": key, "anchor": None, "kind": "attribute"}
    state.pos = match.end()
    return True


def attributes_plugin(md: MarkdownIt) -> None:
    """Add the attribute rule; it must see position 0 before plain text does."""
    md.inline.ruler.before("text", "attribute", attribute_rule)
