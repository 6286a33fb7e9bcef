"""Outlines as nested HTML lists, one `<li>` per block with an anchor to link to."""

from __future__ import annotations

from html import escape
from itertools import groupby

from garden.graph import Page
from garden.model import Block
from garden.render.context import RenderContext


def render_outline(ctx: RenderContext, blocks: list[Block], page: Page, anchors: bool = True) -> str:
    """The blocks and their children as `<ul class="outline">` lists, numbered items as `<ol>`s."""
    html = []
    for ordered, run in groupby(blocks, key=lambda block: block.ordered):
        items = []
        for block in run:
            anchor = f' id="{escape(block.anchor)}"' if anchors else ""
            render_children = render_table if block.table else render_outline
            items.append(f'<li class="block"{anchor}><div class="block-body">{ctx.render_block(block, page)}</div>'
                         f"{render_children(ctx, block.children, page, anchors)}</li>")
        tag = "ol" if ordered else "ul"
        html.append(f'<{tag} class="outline">' + "".join(items) + f"</{tag}>")
    return "".join(html)


def _leaves(block: Block) -> int:
    """How many rows a block spans in Roam's table: one per leaf below it."""
    return sum(_leaves(child) for child in block.children) or 1


def render_table(ctx: RenderContext, blocks: list[Block], page: Page, anchors: bool = True) -> str:
    """Roam's `{{[[table]]}}`: each child starts a row, each level below it is a column, and a block
    with several children spans their rows."""
    if not blocks:
        return ""
    rows: list[list[str]] = []

    def place(block: Block) -> None:
        anchor = f' id="{escape(block.anchor)}"' if anchors else ""
        span = _leaves(block)
        rowspan = f' rowspan="{span}"' if span > 1 else ""
        rows[-1].append(f'<td class="block"{anchor}{rowspan}>{ctx.render_inline(block, page)}</td>')
        for index, child in enumerate(block.children):
            if index:
                rows.append([])
            place(child)

    for block in blocks:
        rows.append([])
        place(block)
    return '<table class="roam-table">' + "".join("<tr>" + "".join(row) + "</tr>" for row in rows) + "</table>"


def render_footnotes(ctx: RenderContext, footnotes: list[Block], page: Page) -> str:
    """A page's footnotes, numbered in the order they are defined."""
    if not footnotes:
        return ""
    items = "".join(f'<li class="block" id="{escape(block.anchor)}">{ctx.render_block(block, page)}</li>'
                    for block in footnotes)
    return f'<section class="footnotes"><ol>{items}</ol></section>'
