"""Whole pages: jinja2 templates (overridable per garden) filled from the Garden."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from garden.config import Config
from garden.feed import FEED
from garden.graph import Garden, Page
from garden.model import Block
from garden.render.context import RenderContext
from garden.render.graph_view import GRAPH_PAGE, GraphView
from garden.render.outline import render_footnotes, render_outline
from garden.render.rules import install_rules
from garden.render.shown import shown_pages
from garden.render.summary import prose_blocks
from garden.render.text import plain_text, shorten
from garden.run.cells import CellResult
from garden.syntax import make_parser
from garden.urls import published_url, relative_href, root_prefix

ALL_PAGES = "all-pages.html"
MAX_CONTEXT_CHARS = 5000  # a longer referring block shows as a plain-text excerpt in backlinks
DAILY_NOTES = "daily-notes.html"
NOT_FOUND = "404.html"
DESCRIPTION_CHARS = 160  # of a page's meta description


@dataclass
class Crumb:
    """One step of a breadcrumb: a parent block's text and a link to it."""

    text: str
    href: str


@dataclass
class Reference:
    """A referring block as shown under "Referenced in"."""

    html: Markup
    href: str
    breadcrumb: list[Crumb]
    kinds: list[str]


@dataclass
class ReferenceGroup:
    """All references from one page."""

    title: str
    href: str
    references: list[Reference]


def error_box(message: str) -> Markup:
    """A box on a page saying what went wrong there."""
    return Markup('<div class="output error"><pre class="traceback">{}</pre></div>').format(message)


def template_environment(garden_templates: Path | None) -> jinja2.Environment:
    """Templates from the garden's own `templates/` first, then garden's defaults.

    Always sandboxed: a garden's templates are part of the garden, which may not be trusted.
    """
    loaders: list[jinja2.BaseLoader] = []
    if garden_templates is not None and garden_templates.is_dir():
        loaders.append(jinja2.FileSystemLoader(garden_templates))
    loaders.append(jinja2.PackageLoader("garden.render", "templates"))
    return SandboxedEnvironment(loader=jinja2.ChoiceLoader(loaders), autoescape=True,
                                trim_blocks=True, lstrip_blocks=True)


class SiteRenderer:
    """Renders every page of a garden to HTML strings."""

    def __init__(self, garden: Garden, config: Config, results: dict[tuple[str, int], CellResult]) -> None:
        self.garden = garden
        self.config = config
        self.results = results
        self.md = install_rules(make_parser())
        self.templates = template_environment(config.root / "templates")
        self.problems: set = set()
        self._shortened: dict[tuple[Block, int], str] = {}
        self._referring_html: dict[tuple[Block, int], Markup] = {}
        self.graph_view = GraphView(garden, shown_pages(garden))

    def _shortened_text(self, block: Block, limit: int) -> str:
        """A block's plain text cut to `limit` characters, worked out once per block and limit:
        breadcrumbs of deep outlines and long referring blocks repeat on every page they refer to."""
        key = (block, limit)
        if key not in self._shortened:
            self._shortened[key] = shorten(plain_text(block.tokens), limit)
        return self._shortened[key]

    def _context(self, path: str) -> RenderContext:
        return RenderContext(self.garden, self.md, path, self.problems, results=self.results,
                             raw_outputs=self.config.raw_outputs)

    def _common(self, path: str, title: str, description: str = "") -> dict:
        entry = self.garden.page(self.config.entry) if self.config.entry else None
        return {
            "site_title": self.config.title,
            "title": title,
            "description": description,
            "canonical": published_url(self.config.base_url, path) if self.config.base_url else None,
            "root": root_prefix(path),
            "home_href": relative_href(path, "index.html"),
            "all_pages_href": relative_href(path, ALL_PAGES),
            "daily_href": relative_href(path, DAILY_NOTES),
            "feed_href": relative_href(path, FEED),
            "search": self.config.search,
            "graph_href": relative_href(path, GRAPH_PAGE),
            "entry_title": entry.title if entry else None,
        }

    def _references(self, ctx: RenderContext, page: Page) -> list[ReferenceGroup]:
        groups = []
        by_source = self.garden.backlinks.get(page.title, {})
        for source_title in sorted(by_source, key=lambda title: (title != page.title, title.casefold())):
            backlinks = by_source[source_title]
            source = self.garden.pages[source_title]
            references = []
            for backlink in backlinks:
                crumbs = [Crumb(self._shortened_text(parent, 60), ctx.block_href(source, parent))
                          for parent in backlink.breadcrumb]
                html = self._context_of(ctx, backlink.block, source)
                references.append(Reference(html, ctx.block_href(source, backlink.block), crumbs, backlink.kinds))
            groups.append(ReferenceGroup(source.title, ctx.link(source.title)[0], references))
        return groups

    def _context_of(self, ctx: RenderContext, block: Block, source: Page) -> Markup:
        """A referring block as shown on the pages it refers to: whole, unless it is so long that
        showing it on each of them would grow the site with the square of its size.

        Rendered once per folder depth of the pages showing it (its links are relative), not once
        per page it refers to."""
        if len(block.text) > MAX_CONTEXT_CHARS:
            return Markup('<p class="excerpt">{}</p>').format(self._shortened_text(block, 300))
        key = (block, ctx.page_path.count("/"))
        if key not in self._referring_html:
            self._referring_html[key] = Markup(ctx.render_block(block, source))
        return self._referring_html[key]

    def _titled_links(self, ctx: RenderContext, titles: list[str]) -> list[dict]:
        """Links to the pages of `titles` that are published."""
        return [{"title": title, "href": href} for title in sorted(set(titles))
                for href, page in [ctx.link(title)] if page is not None]

    def page_html(self, page: Page, path: str | None = None) -> str:
        """The HTML of one page, written at `path` (its own URL by default)."""
        path = path or page.url
        ctx = self._context(path)
        note = page.note
        if note is not None and note.failure:
            outline = error_box(note.failure)
        else:
            outline = Markup(render_outline(ctx, note.blocks, page) + render_footnotes(ctx, note.footnotes, page)
                             if note else "")
        return self._page(path, page, outline,
                          tags=self._titled_links(ctx, self.garden.tags_of(page.title)),
                          builds_on=self._titled_links(ctx, [title for code in note.code for title in code.uses]
                                                       if note else []),
                          tagged=self._titled_links(ctx, self.garden.tags.get(page.title, [])),
                          groups=self._references(ctx, page), local_graph=self.graph_view.local(page, path))

    def error_page_html(self, page: Page, path: str, message: str) -> str:
        """A page whose content is an error box saying why it could not be rendered."""
        return self._page(path, page, error_box(message))

    def _page(self, path: str, page: Page, outline: Markup, **sections: list | Markup) -> str:
        """`page.html` for `page` with its outline and whichever link sections it has."""
        return self.templates.get_template("page.html").render(
            **self._common(path, page.title, self.description(page)), page=page, outline=outline,
            **{"tags": [], "builds_on": [], "tagged": [], "groups": [], "local_graph": "", **sections},
            source=page.note.display if page.note else None)

    def description(self, page: Page) -> str:
        """The page's summary for search engines and link previews: the text of its first blocks that
        are prose (not `Key:: value` attributes, nor what is nested under one)."""
        if page.note is None or page.note.failure:
            return ""
        prose = (" ".join(plain_text(block.tokens).split()) for block in prose_blocks(page.note))
        return shorten(" ".join(text for _, text in zip(range(4), filter(None, prose))), DESCRIPTION_CHARS)

    def all_pages_html(self) -> str:
        """The index of every page, with its kind and how often it is referenced."""
        ctx = self._context(ALL_PAGES)
        rows = [{"title": page.title, "href": ctx.link(page.title)[0], "ghost": page.ghost, "daily": page.date,
                 "references": self.garden.reference_count(page.title)}
                for page in sorted(self.garden.pages.values(), key=lambda page: page.title.casefold())]
        return self.templates.get_template("all_pages.html").render(**self._common(ALL_PAGES, "All pages"), rows=rows)

    def graph_html(self) -> str:
        """`graph.html`: every shown note (the most linked, in a big garden) and the links between them."""
        return self.templates.get_template("graph.html").render(**self._common(GRAPH_PAGE, "Graph"),
                                                                **self.graph_view.global_context())

    def not_found_html(self) -> str:
        """`404.html`, which static hosts serve for an address the site lacks."""
        return self.templates.get_template("not_found.html").render(**self._common(NOT_FOUND, "Page not found"))

    def daily_notes_html(self) -> str:
        """The timeline of daily notes, newest first, each with its outline."""
        ctx = self._context(DAILY_NOTES)
        days = [{"title": page.title, "href": ctx.link(page.title)[0], "date": page.date,
                 "outline": Markup(render_outline(ctx, page.note.blocks, page, anchors=False) if page.note else ""),
                 "references": self.garden.reference_count(page.title)}
                for page in self.garden.daily_pages()]
        return self.templates.get_template("timeline.html").render(**self._common(DAILY_NOTES, "Daily notes"),
                                                                   days=days)
