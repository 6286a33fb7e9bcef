"""Roam macros `{{…}}`: TODO/DONE, word-count, embeds, queries, videos and tables.

Roam's interactive components (`{{[[slider]]}}`, `{{calc: …}}`, `{{[[kanban]]}}`…) become a quiet
placeholder naming the component. As in Roam, a `[[link]]` in a macro's name or argument is a
reference to that page.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from garden.syntax.blockrefs import BLOCK_REF
from garden.syntax.env import scanned, warn
from garden.syntax.scan import MAX_LINK_DEPTH, brace_pairs, link_depth
from garden.syntax.wikilinks import TOO_DEEP, split_link

MACRO_NAME = re.compile(r"\s*(?:\[\[([^\]]+)\]\]|([\w/-]+))\s*(?::\s*(.*))?$", re.DOTALL)
PAGE_LINK = re.compile(r"\s*\[\[(.+)\]\]\s*$", re.DOTALL)
WEB_ADDRESS = re.compile(r"https?://[^\s<>\"']+$")
EMBEDS = {"embed": "whole", "embed-children": "children", "embed-path": "path"}
VIDEOS = {"video", "youtube", "vimeo"}


def macro_end(state: StateInline, start: int) -> int | None:
    """Index just past the `}}` closing the macro at `start` before `state.posMax`, counting single braces."""
    close = scanned(state, brace_pairs).get(start)
    if close is None or close >= state.posMax or state.src[close - 1] != "}":
        return None
    return close + 1


def _push_embed(state: StateInline, argument: str, raw: str, show: str) -> None:
    """An embed of a block (`show`: the block with its children, only its children, or with the
    path of blocks above it) or of a page."""
    token = state.push("embed", "div", 0)
    token.content = raw
    block = BLOCK_REF.fullmatch(argument.strip())
    page = PAGE_LINK.match(argument)
    if page and link_depth(page.group(1)) >= MAX_LINK_DEPTH:
        warn(state, TOO_DEEP)
        page = None
    if block:
        token.meta = {"block": block.group(1), "show": show}
    elif page and show == "whole":
        target, _, _ = split_link(page.group(1))
        token.meta = {"target": target, "anchor": None, "kind": "embed"}
    else:
        token.type = "macro"
        token.meta = {"name": "embed"}


def _links_in(state: StateInline, argument: str) -> list[Token]:
    """The link and tag tokens of a macro's argument (none from macros nested in it)."""
    if "{{" in argument or not argument.strip():
        return []
    tokens = state.md.parseInline(argument, state.env)[0].children or []
    return [token for token in tokens if token.meta and token.meta.get("target")]


def _push_video(state: StateInline, argument: str, raw: str) -> Token | None:
    """A link card for a video's web address (nothing is loaded from it); None if there is none."""
    address = argument.strip()
    if not WEB_ADDRESS.match(address):
        return None
    token = state.push("video", "a", 0)
    token.content = raw
    token.meta = {"url": address}
    return token


def _push_component(state: StateInline, name: str, argument: str, raw: str) -> Token:
    """A placeholder for a macro garden cannot show; the links in its argument count."""
    token = state.push("macro", "span", 0)
    token.content = raw
    token.meta = {"name": name}
    token.children = _links_in(state, argument)
    return token


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
        written = (match.group(1) or match.group(2)).strip() if match else ""
        name = written.lower()
        argument = (match.group(3) or "") if match else body
        linked = bool(match and match.group(1))
        if name in ("todo", "done") and not argument:
            token = state.push("todo", "input", 0)
            token.meta = {"target": name.upper(), "anchor": None, "kind": "link", "done": name == "done"}
        elif name in EMBEDS:
            _push_embed(state, argument, raw, EMBEDS[name])
        elif name == "query" and argument:
            body_start = start + 2 + body.index(":") + 1
            _push_query(state, body_start, end - 2, raw)
        else:
            token = (name in VIDEOS and _push_video(state, argument, raw)) or \
                _push_component(state, name, argument, raw)
            if linked:  # `{{[[name]]: …}}` refers to the page `name`, as in Roam
                token.meta.update(target=written, anchor=None, kind="link")
    state.pos = end
    return True


def macros_plugin(md: MarkdownIt) -> None:
    """Add the macro rule."""
    md.inline.ruler.before("link", "macro", macro_rule)
