"""`[[Page]]`, `[[Page|alias]]`, `[[Page#Heading]]`, nested `[[[[a]] b]]` and `[alias]([[Page]])`."""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.syntax.scan import find_closing, split_top_level, strip_brackets


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


def _push_wikilink(state: StateInline, inner: str, label: str | None = None) -> None:
    target, anchor, default_label = split_link(inner)
    token = state.push("wikilink", "a", 0)
    token.content = label if label is not None else default_label
    token.meta = {"target": target, "anchor": anchor, "kind": "link"}


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    """Match `[[…]]` at the current position, nesting included."""
    start = state.pos
    if not state.src.startswith("[[", start):
        return False
    end = find_closing(state.src, start, "[[", "]]", state.posMax)
    if end is None or end == start + 2:
        return False
    if not silent:
        _push_wikilink(state, state.src[start + 2:end])
    state.pos = end + 2
    return True


def alias_link_rule(state: StateInline, silent: bool) -> bool:
    """Match Roam's aliased link `[label]([[Page]])`."""
    src, start = state.src, state.pos
    if src[start] != "[" or src.startswith("[[", start):
        return False
    label_end = src.find("]", start)
    if label_end == -1 or "\n" in src[start:label_end] or "[" in src[start + 1:label_end] \
            or not src.startswith("([[", label_end + 1):
        return False
    link_end = find_closing(src, label_end + 2, "[[", "]]", state.posMax)
    if link_end is None or not src.startswith(")", link_end + 2):
        return False
    if not silent:
        _push_wikilink(state, src[label_end + 4:link_end], label=src[start + 1:label_end])
    state.pos = link_end + 3
    return True


def wikilinks_plugin(md: MarkdownIt) -> None:
    """Add the wikilink rules (before markdown links, so `[[` is never a link label)."""
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
    md.inline.ruler.before("link", "alias_link", alias_link_rule)
