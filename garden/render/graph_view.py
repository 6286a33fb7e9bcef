"""The graph view: the global graph page's content and the local graph of each page."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from garden.graph import Page
from garden.render.graph_svg import graph_svg
from garden.render.view import GardenView
from garden.urls import relative_href

GRAPH_PAGE = "graph.html"


@dataclass(frozen=True)
class LegendTag:
    """A coloured tag in the legend, with a link to its page ("" when it is not shown)."""

    title: str
    href: str
    colour: int


class GraphView:
    """Draws the notes the view shows (see `garden.render.shown`): laid out once, drawn per page."""

    def __init__(self, view: GardenView) -> None:
        self.view = view

    def local(self, page: Page, path: str) -> Markup:
        """The page's neighbourhood as SVG, or nothing when it links with no other note."""
        drawing = self.view.local_graph(page.title)
        return graph_svg(drawing, path, f"Notes near {page.title}", "local") if drawing else Markup("")

    def global_context(self) -> dict:
        """What `graph.html` shows: the SVG, the counts for its summary, and the legend."""
        notes = self.view.global_graph()
        drawing = notes.global_drawing
        legend = [LegendTag(tag, relative_href(GRAPH_PAGE, url) if url is not None else "", colour)
                  for tag, url, colour in notes.legend]
        return {"svg": graph_svg(drawing, GRAPH_PAGE, "Graph of the notes and their links", "global"),
                "drawn": len(drawing.nodes), "left_out": drawing.left_out, "links": len(drawing.edges),
                "legend": legend}
