"""A `Drawing` as inline SVG: each note a link (it works without JavaScript), colours by CSS class."""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

from garden.render.graph_layout import Drawing, PlacedEdge, PlacedNode
from garden.render.text import shorten
from garden.urls import relative_href

LABEL_GAP = 11.0  # from a node's edge down to the baseline of its label
LABEL_CHARS = 22  # a longer title is shortened on the drawing (its tooltip gives it whole)


def _number(value: float) -> str:
    """`12.0` -> `12`, `3.25` -> `3.2`: coordinates with at most one decimal."""
    return f"{value:.1f}".removesuffix(".0")


def _edge(edge: PlacedEdge, nodes: list[PlacedNode]) -> str:
    a, b = nodes[edge.a], nodes[edge.b]
    classes = "graph-edge uses" if edge.uses else "graph-edge"
    return (f'<line class="{classes}" data-ends="{edge.a} {edge.b}" x1="{_number(a.x)}" y1="{_number(a.y)}" '
            f'x2="{_number(b.x)}" y2="{_number(b.y)}"/>')


def _label(node: PlacedNode) -> str:
    """The node's title on the side its `label` names."""
    x, y, anchor = node.x, node.y + node.radius + LABEL_GAP, ""
    if node.label == "above":
        y = node.y - node.radius - 5
    elif node.label in ("left", "right"):
        x, y = node.x + math.copysign(node.radius + 4, -1 if node.label == "left" else 1), node.y + 4
        anchor = ' class="end"' if node.label == "left" else ' class="start"'
    return f'<text x="{_number(x)}" y="{_number(y)}"{anchor}>{escape(shorten(node.page.title, LABEL_CHARS))}</text>'


def _node(number: int, node: PlacedNode, drawing: Drawing, path: str, kind: str) -> str:
    current = node.page.title == drawing.current
    classes = "graph-node" + (f" graph-tag-{node.colour}" if node.colour else "") + (" current" if current else "")
    count = node.linked_from
    links = (f"linked from {count} of these notes" if kind == "local"
             else f"linked from {count} note{'' if count == 1 else 's'}")
    label = _label(node) if node.label else ""
    here = ' aria-current="page"' if current else ""
    return (f'<a class="{classes}" href="{escape(relative_href(path, node.page.url))}" data-node="{number}"{here}>'
            f'<title>{escape(node.page.title)} · {links}</title>'
            f'<circle cx="{_number(node.x)}" cy="{_number(node.y)}" r="{_number(node.radius)}"/>{label}</a>')


def graph_svg(drawing: Drawing, path: str, label: str, kind: str) -> Markup:
    """The drawing as `<svg class="graph graph-KIND">` (kind `global` or `local`), its links relative
    to the page at `path`."""
    edges = "".join(_edge(edge, drawing.nodes) for edge in drawing.edges)
    labelled_last = sorted(enumerate(drawing.nodes), key=lambda item: item[1].label is not None)  # labels on top
    nodes = "".join(_node(number, node, drawing, path, kind) for number, node in labelled_last)
    return Markup(f'<svg class="graph graph-{kind}" viewBox="0 0 {_number(drawing.width)} {_number(drawing.height)}" '
                  f'aria-label="{escape(label)}">\n<g class="graph-edges">{edges}</g>\n'
                  f'<g class="graph-nodes">{nodes}</g>\n</svg>')
