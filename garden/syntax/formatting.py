"""Roam's and Obsidian's own inline formatting: `^^highlight^^` and `==highlight==`, `__italic__`, and
Roam's lenient `**bold **` (a space before the closing stars, which CommonMark would not close)."""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

InlineRule = Callable[[StateInline, bool], bool]


def delimited_rule(marker: str, tag: str, name: str, tight_start: bool = False) -> InlineRule:
    """A rule wrapping the text between two `marker`s in `<tag>`, parsing what is inside
    (`tight_start`: only when the text starts right after the marker, with neither a space nor the
    marker's own character, so that `a == b` and `***both***` keep their CommonMark meaning)."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not state.src.startswith(marker, start):
            return False
        content_start = start + len(marker)
        if tight_start and (content_start >= state.posMax or state.src[content_start] in f" \t\n{marker[0]}"):
            return False
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
    """Add highlights (`<mark>`), Roam italics (`<em>`, instead of markdown's bold) and Roam bold."""
    md.inline.ruler.before("emphasis", "highlight", delimited_rule("^^", "mark", "highlight"))
    md.inline.ruler.before("emphasis", "obsidian_highlight", delimited_rule("==", "mark", "highlight", True))
    md.inline.ruler.before("emphasis", "roam_italic", delimited_rule("__", "em", "roam_italic"))
    md.inline.ruler.before("emphasis", "roam_bold", delimited_rule("**", "strong", "strong", True))
