"""`[[Page]]`, `[[Page|alias]]`, `[[Page#Heading]]`, nested `[[[[a]] b]]` and `[alias]([[Page]])`."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.syntax.env import scanned, warn
from garden.syntax.scan import MAX_LINK_DEPTH, link_brackets, split_top_level, strip_brackets

ALIAS_LABEL = re.compile(r"\[([^\[\]\n]*)\]\(\[\[")
TOO_DEEP = f"links nested more than {MAX_LINK_DEPTH} deep are shown as text"


def _touches(before: str, after: str) -> bool:
    """A heading `#` touches words on both sides (`Page#Heading`); `C# Notes` is a title."""
    return bool(before) and bool(after) and not before[-1].isspace() and not after[0].isspace()


def split_link(inner: str) -> tuple[str, str | None, str]:
    """Split the inside of `[[…]]` into (target title, heading anchor, label)."""
    target, label = inner, None
    aliased = split_top_level(inner, "|")
    if aliased is not None:
        target, label = aliased
    anchor = None
    headed = split_top_level(target, "#")
    if headed is not None and _touches(*headed):
        target, anchor = headed[0], headed[1].strip()
    target = unicodedata.normalize("NFC", target.strip())
    if label is None:
        label = strip_brackets(target) + (f" » {anchor}" if anchor else "")
    return target, anchor, label


def link_end(state: StateInline, start: int) -> int | None:
    """Index of the `]]` closing the `[[` at `start` before `state.posMax`, nesting included.

    None when it never closes, or when it holds links nested more than MAX_LINK_DEPTH deep
    (a warning): such brackets are text, and the links inside them are read on their own.
    """
    brackets = scanned(state, link_brackets)
    end = brackets.closing(start, state.posMax)
    if end is not None and brackets.depth[start] > MAX_LINK_DEPTH:
        warn(state, TOO_DEEP)
        return None
    return end


def _push_wikilink(state: StateInline, inner: str, label: str | None = None) -> None:
    target, anchor, default_label = split_link(inner)
    token = state.push("wikilink", "a", 0)
    token.content = label if label is not None else default_label
    token.meta = {"target": target, "anchor": anchor, "kind": "link"}


def _last_label_end(src: str) -> int:
    """Index of the last `](` of `src`: a markdown or aliased link's label ends there or before (-1: none)."""
    return src.rfind("](")


def _plain_bracket(state: StateInline, pos: int) -> bool:
    """Whether the `[` at `pos` can start no link: no `](` follows, no reference is defined, no `[[` closes here."""
    return (state.src[pos] == "[" and "references" not in state.env and scanned(state, _last_label_end) < pos
            and not (state.src.startswith("[[", pos) and link_end(state, pos) is not None))


def bracket_text_rule(state: StateInline, silent: bool) -> bool:
    """Take a run of `[` that can start no link as text at once.

    markdown-it's link rule would otherwise look for the end of a label from each of them.
    """
    start = state.pos
    if not _plain_bracket(state, start):
        return False
    end = start + 1
    if not silent:
        while end < state.posMax and _plain_bracket(state, end):
            end += 1
        state.pending += state.src[start:end]
    state.pos = end
    return True


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    """Match `[[…]]` at the current position, nesting included."""
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = link_end(state, start)
    if end is None or end == start + 2:
        return False
    if not silent:
        _push_wikilink(state, state.src[start + 2:end])
    state.pos = end + 2
    return True


def alias_link_rule(state: StateInline, silent: bool) -> bool:
    """Match Roam's aliased link `[label]([[Page]])`."""
    src, start = state.src, state.pos
    label = ALIAS_LABEL.match(src, start)
    if label is None:
        return False
    label_end = label.end(1)
    end = link_end(state, label_end + 2)
    if end is None or not src.startswith(")", end + 2):
        return False
    if not silent:
        _push_wikilink(state, src[label_end + 4:end], label=label.group(1))
    state.pos = end + 3
    return True


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Add the wikilink rules (before markdown links, so `[[` is never a link label)."""
    md.inline.ruler.before("link", "bracket_text", bracket_text_rule)
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.inline.ruler.before("link", "alias_link", alias_link_rule)
