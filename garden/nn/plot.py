"""`plot(...)`: a line chart that a python block can show as its result (Jupyter's `_repr_svg_`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from garden.nn.svg import Series, line_chart_svg


@dataclass(frozen=True)
class Chart:
    """An SVG chart; as the last expression of a block it appears on the page as a figure."""

    svg: str

    def _repr_svg_(self) -> str:
        return self.svg


def plot(series: Sequence[Series] | Mapping[str, tuple[Sequence[float], Sequence[float]]], x_label: str = "x",
         y_label: str = "y", **options: object) -> Chart:
    """A line chart of `series` (name -> (xs, ys)); options as for `line_chart_svg`."""
    return Chart(line_chart_svg(series, x_label, y_label, **options))
