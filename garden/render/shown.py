"""Which pages the reader's views of the whole garden (link previews and the graph view) show."""

from __future__ import annotations

from garden.graph import Garden, Page


def shown_pages(garden: Garden) -> list[Page]:
    """The pages that previews and the graph view may show, in title order: every page of the Garden,
    which holds only what the publishing rules publish (`garden/publish.py`, in the link stage).

    The one place that decides it: previews are written for these pages only, and the graph view
    draws the notes among them and the links between those."""
    return list(garden.by_title)
