"""Outlines as nested HTML lists, one `<li>` per block with an anchor to link to."""

from __future__ import annotations

from html import escape

from garden.graph import Page
from garden.model import Block
from garden.render.context import RenderContext


def render_outline(ctx: RenderContext, blocks: list[Block], page: Page, anchors: bool = True) -> str:
    """A `<ul class="outline">` of the blocks and their children."""
    if not blocks:
        return ""
    items = []
    for block in blocks:
        anchor = f' id="{escape(block.anchor)}"' if anchors else ""
        children = render_outline(ctx, block.children, page, anchors)
        items.append(f'<li class="block"{anchor}><div class="block-body">{ctx.render_block(block, page)}</div>'
                     f"{children}</li>")
    return '<ul class="outline">' + "".join(items) + "</ul>"
