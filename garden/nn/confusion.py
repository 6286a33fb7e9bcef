"""The confusion matrix of a classifier on its test split, drawn as SVG.

Rows are the true classes, columns the predicted ones; each cell holds its count and is shaded by
its share of the row, in the text's own colour at an opacity low enough that the count keeps WCAG AA
contrast in the light and the dark scheme. The diagonal, the correct predictions, is bold.
"""

from collections.abc import Sequence

from .svg import element, esc, fmt, svg_document, text

MIN_SHADE, MAX_SHADE = 0.05, 0.3  # fill opacity of a cell holding one sample of its row, and all of it
FONT, CHAR, TITLE_CHAR = 11, 6.5, 7.5  # label size; generous widths of a label's and the title's characters
TITLE_HEIGHT, AXIS = 24, 16  # the title's line; the band of an axis title


def cell_size(classes: int) -> float:
    """Side of a cell: wide enough for a class name, smaller the more classes there are."""
    return max(30.0, min(80.0, 300.0 / classes))


def shade(count: int, row_total: int) -> float:
    """Fill opacity of a cell: none when empty, else growing with its share of the true class's samples."""
    return round(MIN_SHADE + (MAX_SHADE - MIN_SHADE) * count / row_total, 3) if count else 0.0


def confusion_svg(classes: Sequence[str], counts: Sequence[Sequence[int]], accuracy: float, epoch: int) -> str:
    """The matrix after the last epoch, with its class names along both sides, titled with the test accuracy."""
    size, total = cell_size(len(classes)), sum(map(sum, counts))
    left = AXIS + max(len(name) for name in classes) * CHAR + 8
    top = TITLE_HEIGHT + AXIS + FONT + 8
    side = size * len(classes)
    title = f"Test set after epoch {epoch}: {total} samples, {accuracy:.1%} right"
    parts = [
        element("desc", _recall(classes, counts)),
        text(0, 16, title, "nn-chart-title", font_weight="bold"),
        text(left + side / 2, TITLE_HEIGHT + 12, "predicted class", "nn-axis-label", text_anchor="middle"),
        text(12, top + side / 2, "true class", "nn-axis-label", text_anchor="middle",
             transform=f"rotate(-90 12 {fmt(top + side / 2)})"),
    ]
    for index, name in enumerate(classes):
        middle = index * size + size / 2
        parts.append(text(left + middle, top - 6, name, "nn-tick", text_anchor="middle", font_size=FONT))
        parts.append(text(left - 6, top + middle + 4, name, "nn-tick", text_anchor="end", font_size=FONT))
    for row, values in enumerate(counts):
        row_total = sum(values)
        for column, count in enumerate(values):
            x, y = left + column * size, top + row * size
            cell = element("rect", x=float(x), y=float(y), width=float(size), height=float(size),
                           class_="nn-cell", fill="currentColor", fill_opacity=shade(count, row_total),
                           stroke="currentColor", stroke_opacity=0.25)
            label = text(x + size / 2, y + size / 2 + 4, count, "nn-count", text_anchor="middle",
                         font_size=FONT, font_weight="bold" if row == column else None)
            parts.append(element("g", cell + label, class_="nn-confusion-cell"))
    label = (f"Confusion matrix of the test set after epoch {epoch} ({total} samples, {accuracy:.1%} predicted "
             f"right): rows are the true class, columns the predicted class, each cell a count")
    width = max(left + side + 4, len(title) * TITLE_CHAR)
    return svg_document(width, top + side + 4, "".join(parts), label, "nn-chart nn-confusion")


def _recall(classes: Sequence[str], counts: Sequence[Sequence[int]]) -> str:
    """For each true class, how many of its samples were predicted right (escaped text)."""
    return esc("; ".join(f"{name}: {values[index]} of {sum(values)} right"
                         for index, (name, values) in enumerate(zip(classes, counts))))
