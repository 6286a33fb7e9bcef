"""HTML for the Roam tokens: links, tags, attributes, macros, block refs, embeds and math."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from garden.graph import Page
from garden.model import Block, code_of
from garden.render import embeds
from garden.render.context import MAX_EMBED_DEPTH, RenderContext
from garden.render.highlight import highlight_code
from garden.render.math import to_mathml
from garden.render.outline import render_outline
from garden.render.outputs import render_output
from garden.render.sanitize import HTML_TAGS, MATHML_TAGS, SVG_TAGS
from garden.render.text import plain_text
from garden.urls import heading_id, relative_href

Env = dict[str, Any]
RAW_TAG = re.compile(r"</?([A-Za-z][\w-]*)")
KNOWN_TAGS = {tag.lower() for tag in HTML_TAGS | MATHML_TAGS | SVG_TAGS} | {"script", "style", "iframe", "object"}


def _ctx(env: Env) -> RenderContext:
    return env["ctx"]


def _page_link(ctx: RenderContext, token: Token, css: str, label: str) -> str:
    """A link to the page `token` names; its label as plain text when the page is not published."""
    href, page = ctx.link(token.meta["target"], token.meta.get("anchor"))
    if page is None:
        return f'<span class="unpublished">{escape(label)}</span>'
    classes = css + (" ghost" if page is None or page.ghost else "")
    return f'<a class="{classes}" href="{escape(href)}">{escape(label)}</a>'


def wikilink(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    token = tokens[idx]
    return _page_link(_ctx(env), token, "wikilink", token.content)


def tag(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    token = tokens[idx]
    return _page_link(_ctx(env), token, "tag", token.content)


def attribute(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    token = tokens[idx]
    return f'<strong class="attribute">{_page_link(_ctx(env), token, "attribute-key", token.content)}:</strong>'


def todo(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    checked = " checked" if tokens[idx].meta["done"] else ""
    return f'<input type="checkbox" class="todo" disabled{checked}>'


def macro(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """Roam's word count, or a quiet placeholder naming a component only Roam can show."""
    token = tokens[idx]
    name = token.meta.get("name") or "component"
    if name == "word-count":
        count = _ctx(env).children_word_count()
        return f'<span class="word-count" title="words in this block\'s children">{count} words</span>'
    if name == "table":
        return ""
    return (f'<span class="macro" title="{escape(token.content)}: a Roam component, shown in Roam only">'
            f'{escape(name)}</span>')


def video(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A link card to a video: nothing is requested from the video's site until the reader follows it."""
    url = tokens[idx].meta["url"]
    site = urlsplit(url).hostname or url
    return (f'<a class="video-card" href="{escape(url)}" rel="noopener noreferrer">'
            f'<span class="video-play" aria-hidden="true">▶</span> video on {escape(site)}</a>')


def query_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    return f'<span class="macro query">{escape(tokens[idx].meta["prefix"])}'


def query_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    return "}}</span>"


def blockref(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    ctx, token = _ctx(env), tokens[idx]
    uid = token.meta["block"]
    found = ctx.view.block_with_id(uid)
    if found is None:
        ctx.warn(f"block reference (({uid})) points at no block")
        return f'<span class="block-ref broken" title="no block has the id {escape(uid)}">{escape(token.content)}</span>'
    if ctx.depth >= MAX_EMBED_DEPTH:
        return f'<span class="block-ref">{escape(token.content)}</span>'
    page, block = found
    ctx.depth += 1
    try:
        inner = ctx.render_inline(block, page)
    finally:
        ctx.depth -= 1
    href = escape(ctx.block_href(page, block))
    return (f'<span class="block-ref">{inner} <a class="block-ref-source" href="{href}" '
            f'title="{escape(page.title)}">↗</a></span>')


def blockref_alias(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """Roam's `[label](((id)))`: the label, linking to the block."""
    ctx, token = _ctx(env), tokens[idx]
    found = ctx.view.block_with_id(token.meta["block"])
    if found is None:
        ctx.warn(f"block reference (({token.meta['block']})) points at no block")
        return f'<span class="block-ref broken">{escape(token.content)}</span>'
    page, block = found
    return f'<a class="block-link" href="{escape(ctx.block_href(page, block))}">{escape(token.content)}</a>'


def footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """`[^label]`: the footnote's number, linking to it at the end of its page."""
    ctx, token = _ctx(env), tokens[idx]
    footnotes = ctx.view.note(ctx.page.note).footnotes if ctx.page is not None and ctx.page.note is not None else []
    number = next((index for index, block in enumerate(footnotes, start=1) if block.uid == token.meta["footnote"]), None)
    if number is None:
        ctx.warn(f"footnote {token.content} is never defined")
        return escape(token.content)
    href = relative_href(ctx.page_path, ctx.page.url, token.meta["footnote"])
    return f'<sup class="footnote-ref"><a href="{escape(href)}">{number}</a></sup>'


def _embedded(ctx: RenderContext, token: Token) -> tuple[Page | None, list[Block]]:
    """What an embed shows: the page it comes from and its blocks."""
    if "block" in token.meta:
        found = ctx.view.block_with_id(token.meta["block"])
        if found is None:
            return None, []
        page, block = found
        return page, ctx.read(block, page).children if token.meta.get("show") == "children" else [block]
    page = ctx.view.page(token.meta["target"])
    return page, ctx.view.note(page.note).blocks if page is not None and page.note is not None else []


def embed(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    ctx, token = _ctx(env), tokens[idx]
    page, blocks = _embedded(ctx, token)
    if page is None or (not blocks and token.meta.get("show") != "children"):
        ctx.warn(f"embed {token.content} points at nothing")
        return f'<span class="embed broken">{escape(token.content)}</span>'
    href, _ = ctx.link(page.title)
    source = f'<a class="embed-source" href="{escape(href)}">{escape(page.title)}</a>'
    if ctx.would_show_itself(blocks):
        ctx.warn(f"embed {token.content} would show itself; shown as a link")
        return f'<span class="embed">{source}</span>'
    if ctx.depth >= MAX_EMBED_DEPTH:
        return f'<span class="embed">{escape(token.content)}</span>'
    with ctx.embedded():
        body = render_outline(ctx, blocks, page, anchors=False)
        if token.meta.get("show") == "path" and blocks:
            path = " › ".join(escape(plain_text(ctx.read(parent, page).tokens)) for parent in blocks[0].ancestors())
            body = (f'<span class="embed-path">{path}</span>' if path else "") + body
    return f'<span class="embed">{source}{body}</span>'


def admonition_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """A callout or Logseq block: a titled box, or a `<details>` when foldable (`-` starts it folded)."""
    meta = tokens[idx].meta
    kind = escape(re.sub(r"[^\w-]", "", meta["kind"]))
    title = escape(meta["title"])
    if meta["fold"]:
        opened = " open" if meta["fold"] == "+" else ""
        return f'<details class="admonition admonition-{kind}"{opened}><summary class="admonition-title">{title}</summary>\n'
    return f'<div class="admonition admonition-{kind}"><p class="admonition-title">{title}</p>\n'


def admonition_close(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """The end of the box `admonition_open` began (the parser gives both tokens the same `fold`)."""
    return "</details>\n" if tokens[idx].meta["fold"] else "</div>\n"


def _raw_html(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """Raw HTML from a note: comments dropped; a tag the sanitiser knows passes (the block is then
    sanitised), anything else (`POST /rpc/<fn>`) shows as the text it is rather than swallowing
    what follows it."""
    content = tokens[idx].content
    if content.lstrip().startswith("<!--"):
        return ""
    tag = RAW_TAG.match(content.lstrip())
    if tag and tag.group(1).lower() in KNOWN_TAGS:
        return content
    return escape(content).replace("\n", "<br>\n") if tokens[idx].type == "html_block" else escape(content)


def _math(display: bool) -> Any:
    def rule(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
        mathml, error = to_mathml(tokens[idx].content, display)
        if error:
            _ctx(env).warn(error)
        return mathml

    return rule


def heading_open(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """Headings get an id from their text, the target of `[[Page#Heading]]`."""
    inline = tokens[idx + 1]
    return f'<{tokens[idx].tag} id="{escape(heading_id(plain_text(inline.children or [])))}">'


def fence(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Env) -> str:
    """Highlighted code, and for executable blocks the result the build produced."""
    ctx, token = _ctx(env), tokens[idx]
    language = token.info.split(maxsplit=1)[0] if token.info.strip() else ""
    code = code_of(token)
    shown = code.code if code is not None else token.content
    css = f' class="language-{escape(language)}"' if language else ""
    html = f'<pre class="highlight"><code{css}>{highlight_code(shown, language)}</code></pre>\n'
    if code is None:
        if language.lower() == "output":
            return f'<details class="expected-output"><summary>expected output</summary>{html}</details>\n'
        return html
    if not code.options.echo:
        html = ""
    result = ctx.result_of(code)
    output = render_output(ctx.page.note.display, code, result, ctx.raw_outputs) if ctx.page and ctx.page.note else ""
    return f'<div class="cell cell-{code.kind}">{html}{output}</div>\n'


RULES = {
    "wikilink": wikilink,
    "tag": tag,
    "attribute": attribute,
    "todo": todo,
    "macro": macro,
    "video": video,
    "admonition_open": admonition_open,
    "admonition_close": admonition_close,
    "query_open": query_open,
    "query_close": query_close,
    "blockref": blockref,
    "blockref_alias": blockref_alias,
    "footnote_ref": footnote_ref,
    "embed": embed,
    "math_inline": _math(display=False),
    "math_display": _math(display=True),
    "fence": fence,
    "html_inline": _raw_html,
    "html_block": _raw_html,
    "heading_open": heading_open,
    **embeds.RULES,
}


def install_rules(md: MarkdownIt) -> MarkdownIt:
    """Teach a parser's renderer how to write garden's tokens."""
    for name, rule in RULES.items():
        md.add_render_rule(name, rule)
    return md
