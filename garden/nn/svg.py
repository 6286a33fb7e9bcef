"""Small helpers for inline SVG: escaped elements, nice ticks, line charts.

Everything is drawn with ``currentColor`` and carries ``nn-`` classes, so the
page's CSS decides the colours in light and dark themes.
"""

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"


def esc(text: object) -> str:
    """Escape text for use in SVG/HTML content and attribute values."""
    return html.escape(str(text), quote=True)


def fmt(value: float) -> str:
    """A coordinate or size with at most two decimals."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def element(tag: str, content: str = "", **attrs: object) -> str:
    """An SVG element; ``class_`` becomes ``class`` and ``_`` becomes ``-``.

    ``content`` must already be markup; use ``esc`` for plain text.
    """
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        name = name.rstrip("_").replace("_", "-")
        text = fmt(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{esc(text)}"')
    opening = " ".join(parts)
    return f"<{opening}>{content}</{tag}>" if content else f"<{opening}/>"


def text(x: float, y: float, label: object, class_: str = "nn-label", **attrs: object) -> str:
    """A text element with escaped content, filled with currentColor."""
    return element("text", esc(label), x=float(x), y=float(y), class_=class_,
                   fill="currentColor", **attrs)


def svg_document(width: float, height: float, body: str, label: str, class_: str) -> str:
    """A complete, accessible inline ``<svg>`` element."""
    return element(
        "svg",
        element("title", esc(label)) + body,
        xmlns=SVG_NS,
        viewBox=f"0 0 {fmt(width)} {fmt(height)}",
        width=float(width),
        height=float(height),
        role="img",
        aria_label=label,
        class_=class_,
        font_family="sans-serif",
        font_size=12,
    )


def tick_label(value: float) -> str:
    """A short human label for an axis tick."""
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    if abs(value) >= 1e4 or abs(value) < 1e-3:
        return f"{value:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:.3g}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10ᵏ apart) covering [low, high]."""
    if high <= low:
        low, high = low - 1.0, high + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 12) for i in range(first, last + 1)]


@dataclass(frozen=True)
class Series:
    """One named line: matching x and y values."""

    name: str
    x: Sequence[float]
    y: Sequence[float]


@dataclass(frozen=True)
class _Axis:
    """Maps data values to pixels along one axis (optionally log10)."""

    low: float
    high: float
    ticks: list[float]
    start: float
    end: float
    log: bool = False

    def position(self, t: float) -> float:
        """Pixel for a value on the (possibly log10) tick scale."""
        return self.start + (t - self.low) / (self.high - self.low) * (self.end - self.start)

    def __call__(self, value: float) -> float:
        """Pixel for a data value."""
        return self.position(math.log10(value) if self.log else value)

    def labels(self) -> list[tuple[float, str]]:
        return [(t, tick_label(10**t if self.log else t)) for t in self.ticks]


def _axis(values: list[float], start: float, end: float, log: bool, snap: bool) -> _Axis:
    """An axis over ``values``; ``snap`` widens it to the outer ticks."""
    if log:
        if min(values) <= 0:
            raise ValueError("a log scale needs positive values")
        values = [math.log10(v) for v in values]
    low, high = min(values), max(values)
    ticks = nice_ticks(low, high)
    if snap or low == high:
        low, high = ticks[0], ticks[-1]
    else:
        ticks = [t for t in ticks if low <= t <= high]
    return _Axis(low, high, ticks, start, end, log)


CHART_LEFT, CHART_RIGHT = 64, 16


def _x_axis(xs: list[float], width: int) -> _Axis:
    return _axis(xs, CHART_LEFT, width - CHART_RIGHT, log=False, snap=False)


def x_pixels(xs: Sequence[float], values: Sequence[float], width: int = 480) -> list[float]:
    """Where ``values`` fall on the x axis of a line chart ``width`` wide whose lines span ``xs``."""
    axis = _x_axis([float(v) for v in xs], width)
    return [float(fmt(axis(value))) for value in values]


def line_chart_svg(
    series: Sequence[Series] | Mapping[str, tuple[Sequence[float], Sequence[float]]],
    x_label: str,
    y_label: str,
    *,
    title: str | None = None,
    width: int = 480,
    height: int = 280,
    log_y: bool = False,
    marker: float | None = None,
) -> str:
    """A line chart with labelled axes and a legend when there are several lines.

    ``series`` is a list of :class:`Series` or a mapping name → (xs, ys); ``marker`` is an x
    value to mark with a vertical line (class ``nn-marker``).
    """
    if isinstance(series, Mapping):
        lines = [Series(name, *xy) for name, xy in series.items()]
    else:
        lines = list(series)
    if not lines or any(len(s.x) != len(s.y) or len(s.x) == 0 for s in lines):
        raise ValueError("each series needs the same, non-zero number of x and y values")
    xs = [float(v) for s in lines for v in s.x]
    ys = [float(v) for s in lines for v in s.y]
    if not all(math.isfinite(v) for v in xs + ys):
        raise ValueError("chart values must be finite")

    left, right, top, bottom = CHART_LEFT, CHART_RIGHT, 28 if title else 12, 44
    x_axis = _x_axis(xs, width)
    y_axis = _axis(ys, height - bottom, top, log=log_y, snap=True)

    parts = [element("rect", x=float(left), y=float(top), width=float(width - left - right),
                     height=float(height - top - bottom), class_="nn-chart-frame",
                     fill="none", stroke="currentColor", stroke_opacity=0.5)]
    for value, label in x_axis.labels():
        px = x_axis.position(value)
        parts.append(element("line", x1=px, x2=px, y1=float(top), y2=float(height - bottom),
                             class_="nn-grid", stroke="currentColor", stroke_opacity=0.12))
        parts.append(text(px, height - bottom + 16, label, "nn-tick", text_anchor="middle", font_size=11))
    for value, label in y_axis.labels():
        py = y_axis.position(value)
        parts.append(element("line", x1=float(left), x2=float(width - right), y1=py, y2=py,
                             class_="nn-grid", stroke="currentColor", stroke_opacity=0.12))
        parts.append(text(left - 6, py + 4, label, "nn-tick", text_anchor="end", font_size=11))
    parts.append(text((left + width - right) / 2, height - 8, x_label, "nn-axis-label", text_anchor="middle"))
    y_mid = (top + height - bottom) / 2
    parts.append(text(14, y_mid, y_label, "nn-axis-label", text_anchor="middle",
                      transform=f"rotate(-90 14 {fmt(y_mid)})"))
    if title:
        parts.append(text(left, 18, title, "nn-chart-title", font_weight="bold"))
    if marker is not None:
        px = x_axis(marker)
        parts.append(element("line", x1=px, x2=px, y1=float(top), y2=float(height - bottom), class_="nn-marker",
                             stroke="currentColor", stroke_width=1.0, stroke_dasharray="3 3"))

    dashes = (None, "6 3", "2 3", "8 3 2 3")
    for index, line in enumerate(lines):
        points = " ".join(f"{fmt(x_axis(x))},{fmt(y_axis(y))}" for x, y in zip(line.x, line.y))
        parts.append(element("polyline", element("title", esc(line.name)), points=points,
                             class_=f"nn-series nn-series-{index}", fill="none",
                             stroke="currentColor", stroke_width=2.0,
                             stroke_dasharray=dashes[index % len(dashes)]))
        if len(lines) > 1:
            ly = top + 14 + 16 * index
            parts.append(element("line", x1=float(width - right - 120), x2=float(width - right - 96),
                                 y1=float(ly - 4), y2=float(ly - 4), class_=f"nn-series nn-series-{index}",
                                 stroke="currentColor", stroke_width=2.0,
                                 stroke_dasharray=dashes[index % len(dashes)]))
            parts.append(text(width - right - 90, ly, line.name, "nn-legend"))

    label = title or f"{y_label} against {x_label}"
    return svg_document(width, height, "".join(parts), label, "nn-chart")
