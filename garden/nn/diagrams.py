"""SVG diagrams of a single neuron and of a dense network.

Edge colour class (``nn-edge-pos`` / ``nn-edge-neg``), dashes, width and
opacity show the sign and size of each weight.
"""

import math
from collections.abc import Sequence

from .svg import element, esc, svg_document, text

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
ACTIVATION_SYMBOLS = {"identity": "id", "sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}


def value_label(value: float) -> str:
    """A number as shown in diagrams: three significant digits, and 0 for
    rounding noise below 1e-9."""
    return "0" if abs(value) < 1e-9 else f"{value:.3g}"


def _edge(start: tuple[float, float], end: tuple[float, float], weight: float,
          largest: float, extra_class: str = "") -> str:
    strength = abs(weight) / largest if largest > 0 else 0.0
    sign = "pos" if weight >= 0 else "neg"
    return element(
        "line",
        element("title", esc(f"w = {value_label(weight)}")),
        x1=float(start[0]), y1=float(start[1]), x2=float(end[0]), y2=float(end[1]),
        class_=f"nn-edge nn-edge-{sign}{extra_class}",
        stroke="currentColor",
        stroke_width=0.5 + 3.0 * strength,
        stroke_opacity=0.2 + 0.8 * strength,
        stroke_dasharray="5 3" if weight < 0 else None,
    )


def _node(x: float, y: float, r: float, label: str = "", class_: str = "nn-node",
          label_class: str = "nn-node-value") -> str:
    circle = element("circle", cx=float(x), cy=float(y), r=float(r), class_=class_,
                     fill="none", stroke="currentColor", stroke_width=1.5)
    if not label:
        return circle
    return circle + text(x, y + 4, label, label_class, text_anchor="middle", font_size=11)


def _shorten(start: tuple[float, float], end: tuple[float, float], r1: float, r2: float
             ) -> tuple[tuple[float, float], tuple[float, float]]:
    """Trim a segment so it runs from circle edge to circle edge."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    return (start[0] + ux * r1, start[1] + uy * r1), (end[0] - ux * r2, end[1] - uy * r2)


def neuron_svg(inputs: Sequence[float], weights: Sequence[float], bias: float,
               z: float, a: float, activation: str) -> str:
    """Inputs → weighted edges → Σ (plus bias) → activation → output."""
    row, margin = 56, 28
    height = max(len(inputs), 3) * row + 2 * margin
    mid = height / 2
    sum_x, act_x, out_x, r = 250.0, 380.0, 494.0, 20.0
    largest = max(abs(w) for w in weights)
    parts = []
    for i, (value, weight) in enumerate(zip(inputs, weights), start=1):
        y = mid + (i - (len(inputs) + 1) / 2) * row
        start, end = _shorten((70.0, y), (sum_x, mid), r, 24.0)
        parts.append(_edge(start, end, weight, largest))
        lx, ly = start[0] + 0.4 * (end[0] - start[0]), start[1] + 0.4 * (end[1] - start[1])
        parts.append(text(lx, ly - 6, f"w{str(i).translate(_SUBSCRIPTS)} = {value_label(weight)}",
                          "nn-weight", text_anchor="middle", font_size=11))
        parts.append(_node(70, y, r, value_label(value), "nn-node nn-input", "nn-node-value nn-input-value"))
        parts.append(text(44, y + 4, f"a{str(i).translate(_SUBSCRIPTS)}", "nn-label", text_anchor="end"))
    parts.append(_node(sum_x, mid, 24, "", "nn-node nn-sum"))
    parts.append(text(sum_x, mid + 6, "Σ", "nn-symbol", text_anchor="middle", font_size=18))
    parts.append(element("line", x1=sum_x, y1=mid - 44, x2=sum_x, y2=mid - 24, class_="nn-bias",
                         stroke="currentColor", stroke_width=1.5))
    parts.append(text(sum_x, mid - 50, f"b = {value_label(bias)}", "nn-bias-label", text_anchor="middle"))
    parts.append(element("line", x1=sum_x + 24, y1=mid, x2=act_x - 34, y2=mid, class_="nn-flow",
                         stroke="currentColor", stroke_width=1.5))
    parts.append(text((sum_x + act_x - 10) / 2, mid - 8, f"z = {value_label(z)}", "nn-label nn-z-label",
                      text_anchor="middle", font_size=11))
    parts.append(element("rect", x=act_x - 34, y=mid - 20, width=68.0, height=40.0, rx=8.0,
                         class_="nn-activation", fill="none", stroke="currentColor", stroke_width=1.5))
    parts.append(text(act_x, mid + 5, ACTIVATION_SYMBOLS[activation], "nn-symbol nn-activation-symbol",
                      text_anchor="middle", font_size=14))
    parts.append(element("line", x1=act_x + 34, y1=mid, x2=out_x - 22, y2=mid, class_="nn-flow",
                         stroke="currentColor", stroke_width=1.5))
    parts.append(_node(out_x, mid, 22, value_label(a), "nn-node nn-output", "nn-node-value nn-output-value"))
    parts.append(text(out_x, mid - 30, "a", "nn-label", text_anchor="middle"))
    label = f"Neuron with {len(inputs)} inputs: z = {value_label(z)}, a = {value_label(a)}"
    return svg_document(540, height, "".join(parts), label, "nn-diagram nn-neuron-diagram")


def _column_label(index: int, count: int) -> str:
    if index == 0:
        return "input"
    return "output" if index == count - 1 else f"hidden {index}"


def network_svg(widths: Sequence[int], weights: Sequence[Sequence[Sequence[float]]],
                frozen: Sequence[int] = ()) -> str:
    """Layers as columns of circles joined by weight-coloured edges.

    ``weights[l][i][j]`` joins node i of column l to node j of column l+1;
    layers listed in ``frozen`` sit on a shaded, dashed band.
    """
    col_gap, left, top = 140, 56, 48
    tallest = max(widths)
    gap = 40.0 if tallest <= 10 else max(6.0, 400.0 / tallest)
    r = min(13.0, gap * 0.35)
    width = 2 * left + (len(widths) - 1) * col_gap
    height = top + tallest * gap + 12

    def position(column: int, k: int) -> tuple[float, float]:
        offset = (tallest - widths[column]) * gap / 2
        return left + column * col_gap, top + offset + gap * (k + 0.5)

    largest = max((abs(w) for layer in weights for row in layer for w in row), default=0.0)
    parts = []
    for layer, matrix in enumerate(weights):
        x0, x1 = position(layer, 0)[0], position(layer + 1, 0)[0]
        is_frozen = layer in frozen
        if is_frozen:
            parts.append(element("rect", x=x0 + r + 4, y=top - 6.0, width=x1 - x0 - 2 * r - 8,
                                 height=height - top, rx=6.0, class_="nn-frozen", fill="currentColor",
                                 fill_opacity=0.06, stroke="currentColor", stroke_opacity=0.5,
                                 stroke_dasharray="4 3"))
        caption = f"layer {layer}" + (" · frozen" if is_frozen else "")
        label_class = "nn-layer-label" + (" nn-frozen-label" if is_frozen else "")
        parts.append(text((x0 + x1) / 2, 34, caption, label_class, text_anchor="middle", font_size=11))
        for i, row in enumerate(matrix):
            for j, weight in enumerate(row):
                start, end = _shorten(position(layer, i), position(layer + 1, j), r, r)
                parts.append(_edge(start, end, weight, largest, " nn-frozen-edge" if is_frozen else ""))
    for column, count in enumerate(widths):
        x = position(column, 0)[0]
        parts.append(text(x, 16, f"{_column_label(column, len(widths))} ({count})", "nn-column-label",
                          text_anchor="middle", font_size=11))
        for k in range(count):
            parts.append(_node(*position(column, k), r))
    label = f"Network with layer widths {', '.join(map(str, widths))}"
    return svg_document(width, height, "".join(parts), label, "nn-diagram nn-network-diagram")
