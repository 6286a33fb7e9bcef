"""HTML for links and images with relative paths and for `![[…]]` embeds: notes, sections, blocks,
images, audio, video and other files. Every URL is relative to the page, every `#anchor` an id
on its target page."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from garden.model import Block
from garden.render.anchors import section
from garden.render.context import MAX_EMBED_DEPTH, RenderContext
from garden.render.outline import render_outline
from garden.syntax.embeds import AUDIO, IMAGES, VIDEO
from garden.urls import heading_id, relative_href

Env = dict[str, Any]


def _shown_with(token: Token, **attributes: str) -> Token:
    """A copy of a parsed token with these attributes set, as this page shows it: the parsed notes
    are shared by every page and every build, and are never written to."""
    return dataclasses.replace(token, attrs={**token.attrs, **attributes})


def _file_href(ctx: RenderContext, token: Token) -> str | None:
    """The relative URL of the attachment a token names; None, with a warning, when it was not found."""
    path, name = token.meta["file"]
    placed = ctx.view.attachment(path, name)
    if placed is None:
        where = "is outside the notes folder" if path is None and name.startswith("..") else "is not in the garden"
        ctx.warn(f"attachment {name!r} {where}; it is shown as text")
        return None
    return relative_href(ctx.page_path, placed)


def _in_page_href(ctx: RenderContext, href: str) -> str:
    """`#heading` of a Markdown link, pointing at the page of the block that holds it (wherever the
    block is shown); `#` alone when that page has no such id."""
    if ctx.page is None:
        return "#"
    anchor = ctx.anchor_on(ctx.page, unquote(href.removeprefix("#")))
    return relative_href(ctx.page_path, ctx.page.url, anchor) if ctx.page.url else "#"


def _unpublished_target(ctx: RenderContext, token: Token) -> bool:
    """Whether a Markdown link's token names a note that is not published (its text then shows plain)."""
    return bool(token.meta and "target" in token.meta and ctx.view.page(token.meta["target"]) is None)


def link_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A Markdown link: to a note's page, to an attachment's copy, or as CommonMark has it."""
    ctx, token = env["ctx"], tokens[idx]
    meta = token.meta or {}
    if _unpublished_target(ctx, token):
        return '<span class="unpublished">'
    if "target" in meta:
        href, page = ctx.link(meta["target"], meta.get("anchor"))
        token = _shown_with(token, href=href, **{"class": "wikilink" + (" ghost" if page is None or page.ghost else "")})
    elif "file" in meta:
        href = _file_href(ctx, token)
        if href is None:
            return '<a class="attachment missing">'
        token = _shown_with(token, href=href, **{"class": "attachment"})
    elif (token.attrGet("href") or "").startswith("#"):
        token = _shown_with(token, href=_in_page_href(ctx, str(token.attrGet("href"))))
    return self.renderToken([token], 0, options, env)  # an inline token: rendered from itself alone


def link_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """The end of a Markdown link (links do not nest: the nearest `link_open` before it began it)."""
    opening = next(token for token in reversed(tokens[:idx]) if token.type == "link_open")
    return "</span>" if _unpublished_target(env["ctx"], opening) else self.renderToken(tokens, idx, options, env)


def image(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A Markdown image: of an attachment's copy (its alt text when the file is missing)."""
    ctx, token = env["ctx"], tokens[idx]
    if token.meta and "file" in token.meta:
        href = _file_href(ctx, token)
        if href is None:
            alt = self.renderInlineAsText(token.children or [], options, env)
            return f'<span class="attachment missing">{escape(alt or token.meta["file"][1])}</span>'
        return self.image([_shown_with(token, src=href)], 0, options, env)
    return self.image(tokens, idx, options, env)


def _file_embed(ctx: RenderContext, token: Token) -> str:
    meta = token.meta
    name = meta["file"][1]
    label = meta["label"] or name
    href = _file_href(ctx, token)
    if href is None:
        return f'<span class="attachment missing">{escape(label)}</span>'
    src = escape(href)
    extension = meta["extension"]
    if extension in IMAGES:
        size = "".join(f' {key}="{meta[key]}"' for key in ("width", "height") if meta[key])
        return f'<img class="attachment" src="{src}" alt="{escape(label)}"{size}>'
    if extension in AUDIO:
        return f'<audio class="attachment" controls src="{src}"></audio>'
    if extension in VIDEO:
        return f'<video class="attachment" controls src="{src}"></video>'
    return f'<a class="attachment" href="{src}">{escape(label)}</a>'


def _embedded_blocks(ctx: RenderContext, target: str, anchor: str | None) -> tuple[str | None, list[Block]]:
    """(href of the source, blocks shown) for `![[target#anchor]]`; no blocks when there is nothing."""
    page = ctx.view.page(target)
    if page is None or page.note is None:
        return None, []
    note = ctx.view.note(page.note)
    if not anchor:
        return ctx.link(page.title)[0], note.blocks
    if anchor.startswith("^"):
        block = next((block for block in note.walk() if block.uid == anchor[1:]), None)
        return (ctx.block_href(page, block), [block]) if block is not None else (None, [])
    blocks = section(note, heading_id(anchor))
    return relative_href(ctx.page_path, page.url, heading_id(anchor)), blocks


def wiki_embed(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """`![[…]]`: a file as image, audio, video or link; a note, section or block shown in place."""
    ctx, token = env["ctx"], tokens[idx]
    if "file" in token.meta:
        return _file_embed(ctx, token)
    target, anchor = token.meta["target"], token.meta.get("anchor")
    title = target + (f" » {anchor}" if anchor else "")
    href, blocks = _embedded_blocks(ctx, target, anchor)
    if href is None or not blocks:
        ctx.warn(f"embed of {title!r} points at nothing")
        return f'<span class="embed broken">{escape(title)}</span>'
    source = f'<a class="embed-source" href="{escape(href)}">{escape(title)}</a>'
    if ctx.would_show_itself(blocks):
        ctx.warn(f"embed of {title!r} would show itself; shown as a link")
        return f'<span class="embed">{source}</span>'
    if ctx.depth >= MAX_EMBED_DEPTH:
        return f'<span class="embed">{source}</span>'
    with ctx.embedded():
        body = render_outline(ctx, blocks, ctx.view.page(target), anchors=False)
    return f'<span class="embed">{source}{body}</span>'


def file_link(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """`[[paper.pdf]]`: a link to the attachment's copy."""
    ctx, token = env["ctx"], tokens[idx]
    href = _file_href(ctx, token)
    if href is None:
        return f'<span class="attachment missing">{escape(token.content)}</span>'
    return f'<a class="attachment" href="{escape(href)}">{escape(token.content)}</a>'


def anchor_link(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """`[[#Heading]]`: a link to a heading of the block's own page."""
    ctx, token = env["ctx"], tokens[idx]
    href = _in_page_href(ctx, "#" + token.meta["anchor"])
    return f'<a class="wikilink" href="{escape(href)}">{escape(token.content)}</a>'


RULES = {"link_open": link_open, "link_close": link_close, "image": image, "wiki_embed": wiki_embed, "file_link": file_link,
         "anchor_link": anchor_link}
