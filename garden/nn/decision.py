"""Decision maps: the class a two-input network predicts across the plane of its inputs.

A map covers the training data's bounding box, with a margin, in ``GRID`` × ``GRID`` cells, row
by row from the top (the largest second input) down. A cell holds ``class * LEVELS + level``: the
predicted class, and how sure the network is of it from 0 (a toss-up) to ``LEVELS - 1``.
``DecisionRecorder`` records a map at chosen epochs of a training run; ``decision_map_svg`` draws
one, and ``map_geometry`` gives what a script needs to draw the others the same way.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .diagrams import value_label
from .network import Network
from .svg import element, esc, fmt, svg_document, text

GRID = 20
LEVELS = 5
MAX_POINTS = 200  # training samples drawn on the map
CELL, LEFT, TOP, BOTTOM = 12, 36, 28, 36
SIDE = GRID * CELL
PALETTE = 4  # classes get colours nn-class-0 .. nn-class-3, then repeat

Area = tuple[tuple[float, float], tuple[float, float]]  # (low, high) of each input


def map_area(x: np.ndarray) -> Area:
    """The samples' bounding box, a tenth wider on each side (a point gets ±0.5)."""

    def span(values: np.ndarray) -> tuple[float, float]:
        low, high = float(values.min()), float(values.max())
        margin = (high - low) / 10 if high > low else 0.5
        return low - margin, high + margin

    return span(x[:, 0]), span(x[:, 1])


def grid_inputs(area: Area) -> np.ndarray:
    """The centres of the map's cells, row by row from the top: shape (GRID², 2)."""
    (x_low, x_high), (y_low, y_high) = area
    steps = (np.arange(GRID) + 0.5) / GRID
    xs = x_low + steps * (x_high - x_low)
    ys = y_high - steps * (y_high - y_low)
    return np.array([(x, y) for y in ys for x in xs])


def predicted_classes(outputs: np.ndarray) -> np.ndarray:
    """One output: class 1 above 0.5; several: the largest (as ``losses.accuracy`` counts)."""
    outputs = np.atleast_2d(outputs)
    if outputs.shape[-1] == 1:
        return (outputs[:, 0] > 0.5).astype(int)
    return outputs.argmax(axis=-1)


def decision_cells(outputs: np.ndarray) -> list[int]:
    """``class * LEVELS + level`` for each row of network outputs."""
    classes = predicted_classes(outputs)
    if outputs.shape[-1] == 1:
        sureness = np.abs(2.0 * outputs[:, 0] - 1.0)
    else:
        chance = 1.0 / outputs.shape[-1]
        sureness = (outputs.max(axis=-1) - chance) / (1.0 - chance)
    levels = np.clip(np.floor(np.nan_to_num(sureness) * LEVELS), 0, LEVELS - 1).astype(int)
    return (classes * LEVELS + levels).tolist()


@dataclass
class DecisionRecorder:
    """Called with an epoch number during training, keeps the network's map at ``epochs``."""

    network: Network
    area: Area
    epochs: frozenset[int]
    frames: list[list[int]] = field(default_factory=list)

    def __call__(self, epoch: int) -> None:
        if epoch in self.epochs:
            self.frames.append(decision_cells(self.network(grid_inputs(self.area))))

    def record(self, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
        """The maps with their area and (up to MAX_POINTS of) the samples and their classes."""
        labels = predicted_classes(y)
        points = [[float(a), float(b), int(c)] for (a, b), c in zip(x[:MAX_POINTS], labels[:MAX_POINTS])]
        return {"area": [list(self.area[0]), list(self.area[1])], "frames": self.frames, "points": points}


def level_opacity(level: int) -> float:
    """Fill opacity of a cell: faint where the network is unsure."""
    return round(0.08 + 0.52 * level / (LEVELS - 1), 2)


def map_geometry() -> dict[str, Any]:
    """Where and how the map's cells are drawn: what a script needs to draw another frame."""
    return {"left": LEFT, "top": TOP, "cell": CELL, "size": GRID, "levels": LEVELS, "palette": PALETTE,
            "opacity": [level_opacity(level) for level in range(LEVELS)]}


def region_paths(cells: Sequence[int]) -> dict[int, str]:
    """Path data per cell value: each row's runs of equal cells as one rectangle."""
    paths: dict[int, list[str]] = {}
    for row in range(GRID):
        values = cells[row * GRID:(row + 1) * GRID]
        start = 0
        for column in range(1, GRID + 1):
            if column == GRID or values[column] != values[start]:
                width = (column - start) * CELL
                paths.setdefault(values[start], []).append(
                    f"M{LEFT + start * CELL} {TOP + row * CELL}h{width}v{CELL}h-{width}z")
                start = column
    return {value: "".join(paths[value]) for value in sorted(paths)}


def _regions(cells: Sequence[int]) -> str:
    return "".join(
        element("path", d=d, class_=f"nn-region nn-class-{value // LEVELS % PALETTE}", fill="currentColor",
                fill_opacity=level_opacity(value % LEVELS))
        for value, d in region_paths(cells).items())


def decision_map_svg(record: dict[str, Any], epoch: int) -> str:
    """The last recorded map, with the samples on it, titled with its epoch."""
    (x_low, x_high), (y_low, y_high) = record["area"]

    def position(a: float, b: float) -> tuple[float, float]:
        return (LEFT + (a - x_low) / (x_high - x_low) * SIDE, TOP + (y_high - b) / (y_high - y_low) * SIDE)

    points = element("g", "".join(
        element("circle", cx=float(px), cy=float(py), r=3.5, class_=f"nn-class-{label % PALETTE}")
        for px, py, label in ((*position(a, b), label) for a, b, label in record["points"])),
        class_="nn-points", fill="currentColor", stroke="currentColor", stroke_width=1.0)
    bottom = TOP + SIDE
    title = element("text", "Decision map at epoch " + element("tspan", esc(epoch), class_="nn-map-epoch"),
                    x=float(LEFT), y=18.0, class_="nn-chart-title", fill="currentColor", font_weight="bold")
    labels = [
        text(LEFT, bottom + 14, value_label(x_low), "nn-tick", font_size=11),
        text(LEFT + SIDE, bottom + 14, value_label(x_high), "nn-tick", text_anchor="end", font_size=11),
        text(LEFT + SIDE / 2, bottom + 28, "input 1", "nn-axis-label", text_anchor="middle"),
        text(LEFT - 4, bottom, value_label(y_low), "nn-tick", text_anchor="end", font_size=11),
        text(LEFT - 4, TOP + 10, value_label(y_high), "nn-tick", text_anchor="end", font_size=11),
        text(14, TOP + SIDE / 2, "input 2", "nn-axis-label", text_anchor="middle",
             transform=f"rotate(-90 14 {fmt(TOP + SIDE / 2)})"),
    ]
    frame = element("rect", x=float(LEFT), y=float(TOP), width=float(SIDE), height=float(SIDE),
                    class_="nn-chart-frame", fill="none", stroke="currentColor", stroke_opacity=0.5)
    body = (title + element("g", _regions(record["frames"][-1]), class_="nn-regions") + frame + points
            + "".join(labels))
    return svg_document(LEFT + SIDE + 12, TOP + SIDE + BOTTOM, body,
                        "Decision map: the class the network predicts across its two inputs",
                        "nn-chart nn-decision-map")
