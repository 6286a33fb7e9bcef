"""Roam's own inline formatting: `^^highlight^^` and `__italic__`."""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

InlineRule = Callable[[StateInline, bool], bool]


def delimited_rule(marker: str, tag: str, name: str) -> InlineRule:
    """A rule wrapping the text between two `marker`s in `<tag>`, parsing what is inside."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not state.src.startswith(marker, start):
            return False
        content_start = start + len(marker)
        end = state.src.find(marker, content_start, state.posMax)
        if end <= content_start:
            return False
        if not silent:
            old_max = state.posMax
            state.push(f"{name}_open", tag, 1).markup = marker
            state.pos, state.posMax = content_start, end
            state.md.inline.tokenize(state)
            state.posMax = old_max
            state.push(f"{name}_close", tag, -1).markup = marker
        state.pos = end + len(marker)
        return True

    return rule


def formatting_plugin(md: MarkdownIt) -> None:
    """Add highlight (`<mark>`) and Roam italics (`<em>`, instead of markdown's bold)."""
    md.inline.ruler.before("emphasis", "highlight", delimited_rule("^^", "mark", "highlight"))
    md.inline.ruler.before("emphasis", "roam_italic", delimited_rule("__", "em", "roam_italic"))
