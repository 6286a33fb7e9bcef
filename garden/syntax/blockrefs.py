"""Block references `((id))` and Roam's aliased ones `[label](((id)))`; the ids themselves (` ^id`)
are read by the outline parser."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

BLOCK_REF = re.compile(r"\(\(([\w-]+)\)\)")
ALIASED_BLOCK_REF = re.compile(r"\[([^\[\]\n]+)\]\(\(\(([\w-]+)\)\)\)")


def blockref_rule(state: StateInline, silent: bool) -> bool:
    """Match `((block-id))`."""
    match = BLOCK_REF.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("blockref", "span", 0)
        token.content = match.group(0)
        token.meta = {"block": match.group(1)}
    state.pos = match.end()
    return True


def aliased_blockref_rule(state: StateInline, silent: bool) -> bool:
    """Match `[label](((block-id)))`: a link to the block, showing the label."""
    match = ALIASED_BLOCK_REF.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("blockref_alias", "a", 0)
        token.content = match.group(1)
        token.meta = {"block": match.group(2)}
    state.pos = match.end()
    return True


def blockrefs_plugin(md: MarkdownIt) -> None:
    """Add the block reference rule; `(` must stop plain text for it to be seen."""
    md.inline.add_terminator_char("(")
    md.inline.ruler.before("link", "blockref", blockref_rule)
    md.inline.ruler.before("link", "aliased_blockref", aliased_blockref_rule)
