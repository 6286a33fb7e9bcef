"""Roam macros `{{…}}`: TODO/DONE, word-count, embeds, queries; others stay as inert text."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.syntax.blockrefs import BLOCK_REF
from garden.syntax.env import scanned, warn
from garden.syntax.scan import MAX_LINK_DEPTH, brace_pairs, link_depth
from garden.syntax.wikilinks import TOO_DEEP, split_link

MACRO_NAME = re.compile(r"\s*(?:\[\[([^\]]+)\]\]|([\w-]+))\s*(?::\s*(.*))?$", re.DOTALL)
PAGE_LINK = re.compile(r"\s*\[\[(.+)\]\]\s*$", re.DOTALL)


def macro_end(state: StateInline, start: int) -> int | None:
    """Index just past the `}}` closing the macro at `start` before `state.posMax`, counting single braces."""
    close = scanned(state, brace_pairs).get(start)
    if close is None or close >= state.posMax or state.src[close - 1] != "}":
        return None
    return close + 1


def _push_embed(state: StateInline, argument: str, raw: str) -> None:
    token = state.push("embed", "div", 0)
    token.content = raw
    block = BLOCK_REF.fullmatch(argument.strip())
    page = PAGE_LINK.match(argument)
    if page and link_depth(page.group(1)) >= MAX_LINK_DEPTH:
        warn(state, TOO_DEEP)
        page = None
    if block:
        token.meta = {"block": block.group(1)}
    elif page:
        target, _, _ = split_link(page.group(1))
        token.meta = {"target": target, "anchor": None, "kind": "embed"}
    else:
        token.type = "macro"
        token.meta = {"name": "embed"}


def _push_query(state: StateInline, body_start: int, body_end: int, raw: str) -> None:
    state.push("query_open", "span", 1).meta = {"prefix": raw[: body_start - state.pos]}
    first_new = len(state.tokens)
    old_max = state.posMax
    state.pos, state.posMax = body_start, body_end
    state.md.inline.tokenize(state)
    state.posMax = old_max
    for token in state.tokens[first_new:]:
        if token.meta.get("kind") in ("link", "tag"):
            token.meta["kind"] = "query"
    state.push("query_close", "span", -1)


def macro_rule(state: StateInline, silent: bool) -> bool:
    """Match a `{{…}}` macro."""
    src, start = state.src, state.pos
    if not src.startswith("{{", start):
        return False
    end = macro_end(state, start)
    if end is None:
        return False
    if not silent:
        raw = src[start:end]
        body = raw[2:-2]
        match = MACRO_NAME.match(body)
        name = (match.group(1) or match.group(2)).strip().lower() if match else ""
        argument = (match.group(3) or "") if match else ""
        if name in ("todo", "done") and not argument:
            token = state.push("todo", "input", 0)
            token.meta = {"target": name.upper(), "anchor": None, "kind": "link", "done": name == "done"}
        elif name == "embed":
            _push_embed(state, argument, raw)
        elif name == "query" and argument:
            body_start = start + 2 + body.index(":") + 1
            _push_query(state, body_start, end - 2, raw)
        else:
            token = state.push("macro", "span", 0)
            token.content = raw
            token.meta = {"name": name}
    state.pos = end
    return True


def macros_plugin(md: MarkdownIt) -> None:
    """Add the macro rule."""
    md.inline.ruler.before("link", "macro", macro_rule)
