"""A `Drawing` as inline SVG: each note a link (it works without JavaScript), colours by CSS class."""

from __future__ import annotations

import math
from html import escape

from markupsafe import Markup

from garden.render.graph_layout import Drawing, PlacedEdge, PlacedNode
from garden.urls import relative_href

LABEL_GAP = 11.0  # from a node's edge down to the baseline of its label


def _number(value: float) -> str:
    """`12.0` -> `12`, `3.25` -> `3.2`: coordinates with at most one decimal."""
    return f"{value:.1f}".removesuffix(".0")


def _edge(edge: PlacedEdge, nodes: list[PlacedNode]) -> str:
    a, b = nodes[edge.a], nodes[edge.b]
    classes = "graph-edge uses" if edge.uses else "graph-edge"
    return (f'<line class="{classes}" data-ends="{edge.a} {edge.b}" x1="{_number(a.x)}" y1="{_number(a.y)}" '
            f'x2="{_number(b.x)}" y2="{_number(b.y)}"/>')


def _label(node: PlacedNode, drawing: Drawing, outward: bool) -> str:
    """The node's title under it, or, `outward`, on its side away from the drawing's centre."""
    x, y, anchor = node.x, node.y + node.radius + LABEL_GAP, ""
    across, down = node.x - drawing.width / 2, node.y - drawing.height / 2
    if outward and abs(across) > abs(down):
        x, y = node.x + math.copysign(node.radius + 4, across), node.y + 4
        anchor = ' class="start"' if across > 0 else ' class="end"'
    elif outward and down < 0:
        y = node.y - node.radius - 5
    return f'<text x="{_number(x)}" y="{_number(y)}"{anchor}>{escape(node.page.title)}</text>'


def _node(number: int, node: PlacedNode, drawing: Drawing, path: str, outward_labels: bool) -> str:
    current = node.page.title == drawing.current
    classes = "graph-node" + (f" graph-tag-{node.colour}" if node.colour else "") + (" current" if current else "")
    links = f"linked from {node.linked_from} note{'' if node.linked_from == 1 else 's'}"
    label = _label(node, drawing, outward_labels and not current) if node.labelled else ""
    here = ' aria-current="page"' if current else ""
    return (f'<a class="{classes}" href="{escape(relative_href(path, node.page.url))}" data-node="{number}"{here}>'
            f'<title>{escape(node.page.title)} · {links}</title>'
            f'<circle cx="{_number(node.x)}" cy="{_number(node.y)}" r="{_number(node.radius)}"/>{label}</a>')


def graph_svg(drawing: Drawing, path: str, label: str, kind: str) -> Markup:
    """The drawing as `<svg class="graph graph-KIND">` (kind `global` or `local`: a local graph labels
    its ring outwards), its links relative to the page at `path`."""
    edges = "".join(_edge(edge, drawing.nodes) for edge in drawing.edges)
    nodes = "".join(_node(number, node, drawing, path, kind == "local") for number, node in enumerate(drawing.nodes))
    return Markup(f'<svg class="graph graph-{kind}" viewBox="0 0 {_number(drawing.width)} {_number(drawing.height)}" '
                  f'aria-label="{escape(label)}">\n<g class="graph-edges">{edges}</g>\n'
                  f'<g class="graph-nodes">{nodes}</g>\n</svg>')
