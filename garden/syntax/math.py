"""Roam math: `$$…$$`, inline inside text, display when it is all the paragraph holds."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline


def math_rule(state: StateInline, silent: bool) -> bool:
    """Match `$$latex$$`; Roam has no single-dollar math, so `$5` stays text."""
    start = state.pos
    if not state.src.startswith("$$", start):
        return False
    end = state.src.find("$$", start + 2, state.posMax)
    if end == -1 or not state.src[start + 2:end].strip():
        return False
    if not silent:
        alone = start == 0 and state.src[end + 2:state.posMax].strip() == ""
        token = state.push("math_display" if alone else "math_inline", "math", 0)
        token.content = state.src[start + 2:end].strip()
        token.markup = "$$"
    state.pos = end + 2
    return True


def math_plugin(md: MarkdownIt) -> None:
    """Add the `$$` math rule."""
    md.inline.ruler.before("escape", "math", math_rule)
