"""`#tag` and `#[[multi word tag]]`; a nested tag `#a/b` also tags its parents (`a`), as Obsidian's do."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.syntax.wikilinks import link_end

TAG_WORD = re.compile(r"#([\w/-]*\w)")


def tag_rule(state: StateInline, silent: bool) -> bool:
    """Match a tag that starts a word: `#tag` or `#[[multi word tag]]`."""
    src, start = state.src, state.pos
    if src[start] != "#" or (start > 0 and not (src[start - 1].isspace() or src[start - 1] in "([")):
        return False
    if src.startswith("#[[", start):
        end = link_end(state, start + 1)
        if end is None or end == start + 3:
            return False
        target, stop = src[start + 3:end].strip(), end + 2
    else:
        match = TAG_WORD.match(src, start, state.posMax)
        if match is None:
            return False
        target, stop = match.group(1), match.end()
        if target.isdigit() and not state.md.options.get("numeric_tags", True):
            return False
    if not silent:
        token = state.push("tag", "a", 0)
        token.content = "#" + target
        target = unicodedata.normalize("NFC", target)
        token.meta = {"target": target, "anchor": None, "kind": "tag"}
        if not src.startswith("#[[", start) and "/" in target.strip("/"):
            parts = target.split("/")
            token.meta["parents"] = ["/".join(parts[:depth]) for depth in range(1, len(parts)) if parts[depth - 1]]
    state.pos = stop
    return True


def tags_plugin(md: MarkdownIt) -> None:
    """Add the tag rule."""
    md.inline.ruler.before("link", "tag", tag_rule)
