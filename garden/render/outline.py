"""Outlines as nested HTML lists, one `<li>` per block with an anchor to link to."""

from __future__ import annotations

from html import escape

from garden.graph import Page
from garden.model import Block
from garden.render.context import RenderContext


def render_outline(ctx: RenderContext, blocks: list[Block], page: Page, anchors: bool = True,
                   numbered: bool = False) -> str:
    """A `<ul class="outline">` of the blocks and their children (`<ol>` for a numbered view)."""
    if not blocks:
        return ""
    items = []
    for block in blocks:
        anchor = f' id="{escape(block.anchor)}"' if anchors else ""
        if block.children_view == "table":
            children = render_table(ctx, block.children, page, anchors)
        else:
            children = render_outline(ctx, block.children, page, anchors, block.children_view == "numbered")
        items.append(f'<li class="block"{anchor}><div class="block-body">{ctx.render_block(block, page)}</div>'
                     f"{children}</li>")
    tag = "ol" if numbered else "ul"
    return f'<{tag} class="outline">' + "".join(items) + f"</{tag}>"


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
