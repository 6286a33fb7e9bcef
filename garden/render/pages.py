"""Whole pages: jinja2 templates (overridable per garden) filled from the Garden."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from garden.config import Config
from garden.diagnostics import Problem
from garden.feed import FEED
from garden.graph import Page
from garden.model import Block
from garden.render.context import RenderContext
from garden.render.graph_view import GRAPH_PAGE, GraphView
from garden.render.outline import render_footnotes, render_outline
from garden.render.rules import install_rules
from garden.render.summary import prose_blocks
from garden.render.text import plain_text, shorten
from garden.render.reads import Replay
from garden.render.view import GardenView
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

    Sandboxed whenever the garden has templates: they are part of the garden, which may not be
    trusted. garden's own templates alone render without the sandbox, which checks every attribute
    a template reads. The environment, with the templates it compiled, serves every build of the
    process while the garden's `templates/` holds the same files with the same bytes (jinja2's own
    check, by a file's time, would miss a new file overriding one of garden's, and an edit within
    one tick of a coarse file clock)."""
    listing: tuple = ()
    if garden_templates is not None and garden_templates.is_dir():
        listing = tuple(sorted((path.as_posix(), hashlib.blake2b(path.read_bytes(), digest_size=16).digest())
                               for path in garden_templates.rglob("*") if path.is_file()))
    else:
        garden_templates = None
    return _environment(garden_templates, listing)


@functools.lru_cache(maxsize=8)
def _environment(garden_templates: Path | None, listing: tuple) -> jinja2.Environment:
    """`template_environment` for a garden's `templates/` holding the files of `listing`."""
    loaders: list[jinja2.BaseLoader] = []
    if garden_templates is not None:
        loaders.append(jinja2.FileSystemLoader(garden_templates))
    loaders.append(jinja2.PackageLoader("garden.render", "templates"))
    environment = SandboxedEnvironment if garden_templates is not None else jinja2.Environment
    return environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, trim_blocks=True, lstrip_blocks=True)


class SiteRenderer:
    """Renders every page of a garden to HTML strings, reading the garden through `view`."""

    def __init__(self, view: GardenView, config: Config) -> None:
        self.view = view
        self.config = config
        self.md = install_rules(make_parser())
        self.templates = template_environment(config.root / "templates")
        self._shortened: dict[tuple[Block, int], tuple[str, Replay]] = {}
        self._referring_html: dict[tuple[Block, int], tuple[Markup, Replay]] = {}
        self.graph_view = GraphView(view)

    @property
    def problems(self) -> set[Problem]:
        """Every problem found while rendering so far."""
        return self.view.log.problems

    def _shortened_text(self, ctx: RenderContext, block: Block, page: Page, limit: int) -> str:
        """A block's plain text cut to `limit` characters, worked out once per block and limit:
        breadcrumbs of deep outlines and long referring blocks repeat on every page they refer to."""
        return self.view.log.cached(self._shortened, (block, limit),
                                    lambda: shorten(plain_text(ctx.read(block, page).tokens), limit))

    def _context(self, path: str) -> RenderContext:
        return RenderContext(self.view, self.md, path, raw_outputs=self.config.raw_outputs)

    def _common(self, path: str, title: str, description: str = "") -> dict:
        self.view.site()
        entry = self.view.page(self.config.entry) if self.config.entry else None
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
            "search": self.view.search(),
            "graph_href": relative_href(path, GRAPH_PAGE),
            "entry_title": entry.title if entry else None,
        }

    def _references(self, ctx: RenderContext, page: Page) -> list[ReferenceGroup]:
        groups = []
        for source, backlinks in self.view.backlinks(page.title):
            references = []
            for backlink in backlinks:
                crumbs = [Crumb(self._shortened_text(ctx, parent, source, 60), ctx.block_href(source, parent))
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
        if len(ctx.read(block, source).text) > MAX_CONTEXT_CHARS:
            return Markup('<p class="excerpt">{}</p>').format(self._shortened_text(ctx, block, source, 300))
        return self.view.log.cached(self._referring_html, (block, ctx.page_path.count("/")),
                                    lambda: Markup(ctx.render_block(block, source)))

    def _titled_links(self, ctx: RenderContext, titles: list[str]) -> list[dict]:
        """Links to the pages of `titles` that are published."""
        return [{"title": title, "href": href} for title in sorted(set(titles))
                for href, page in [ctx.link(title)] if page is not None]

    def page_html(self, page: Page, path: str | None = None) -> str:
        """The HTML of one page, written at `path` (its own URL by default)."""
        path = path or page.url
        ctx = self._context(path)
        self.view.page(page.title)
        note = self.view.note(page.note) if page.note is not None else None
        if note is not None and note.failure:
            outline = error_box(note.failure)
        else:
            outline = Markup(render_outline(ctx, note.blocks, page) + render_footnotes(ctx, note.footnotes, page)
                             if note else "")
        return self._page(path, page, outline,
                          tags=self._titled_links(ctx, self.view.tags_of(page.title)),
                          builds_on=self._titled_links(ctx, [title for code in note.code for title in code.uses]
                                                       if note else []),
                          tagged=self._titled_links(ctx, self.view.tagged(page.title)),
                          groups=self._references(ctx, page), local_graph=self.graph_view.local(page, path))

    def error_page_html(self, page: Page, path: str, message: str) -> str:
        """A page whose content is an error box saying why it could not be rendered."""
        self.view.page(page.title)
        if page.note is not None:
            self.view.note(page.note)
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
        if page.note is None or self.view.note(page.note).failure:
            return ""
        prose = (" ".join(plain_text(block.tokens).split()) for block in prose_blocks(page.note))
        return shorten(" ".join(text for _, text in zip(range(4), filter(None, prose))), DESCRIPTION_CHARS)

    def all_pages_html(self) -> str:
        """The index of every page, with its kind and how often it is referenced."""
        ctx = self._context(ALL_PAGES)
        rows = [{"title": page.title, "href": ctx.link(page.title)[0], "ghost": page.ghost, "daily": page.date,
                 "references": references} for page, references in self.view.all_pages()]
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
                 "outline": Markup(render_outline(ctx, self.view.note(page.note).blocks, page, anchors=False)
                                   if page.note else ""),
                 "references": references}
                for page, references in self.view.daily_pages()]
        return self.templates.get_template("timeline.html").render(**self._common(DAILY_NOTES, "Daily notes"),
                                                                   days=days)
