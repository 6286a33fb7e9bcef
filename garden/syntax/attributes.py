"""Attributes: `Key:: value` (or Roam's `**Key::** value`) at the start of any line of a block, as
Roam and Logseq's property lines write them; the key is a page."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

ATTRIBUTE = re.compile(r"([^\s:`\[\]{}#*][^:`\[\]{}\n]*?)::(?=\s|$)|\*\*([^\s:`\[\]{}#*][^:`\[\]{}\n*]*?)::\*\*(?=\s|$)")


def attribute_rule(state: StateInline, silent: bool) -> bool:
    """Match `Key::` or `**Key::**` when it opens a line."""
    if state.pos != 0 and state.src[state.pos - 1] != "\n":
        return False
    match = ATTRIBUTE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        key = (match.group(1) or match.group(2)).strip()
        token = state.push("attribute", "a", 0)
        token.content = key
        token.meta = {"target": key, "anchor": None, "kind": "attribute"}
    state.pos = match.end()
    return True


def attributes_plugin(md: MarkdownIt) -> None:
    """Add the attribute rule; it must see position 0 before plain text does."""
    md.inline.ruler.before("text", "attribute", attribute_rule)
