"""Every file of the site and how to make it: one emitter per kind of file.

An emitter takes the build's `Site` and yields a `Product` per file. A traced product reads the
garden only through `site.view` (as rendering does), so the builder remakes it only when an answer
it read has changed, and keeps the file otherwise; an untraced one (`traced=False`) is made by
every build and written when its bytes changed. A new kind of file is one more function in
EMITTERS: it can start untraced (correct, made every time) and become traced once all it reads
goes through the view (a new question in `GardenView` for whatever it needs). An emitter that
wants to know which pages changed reads them through the view: it is remade exactly then.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path

import jinja2

from garden.config import Config
from garden.diagnostics import Problem
from garden.feed import FEED, feed_xml
from garden.graph import Garden, Page
from garden.render import STATIC_DIR
from garden.render.graph_view import GRAPH_PAGE
from garden.render.highlight import pygments_css
from garden.render.pages import ALL_PAGES, DAILY_NOTES, NOT_FOUND, SiteRenderer
from garden.render.previews import preview_path, preview_script
from garden.render.shown import shown_pages
from garden.render.template_errors import TemplateFailed, template_place
from garden.render.view import GardenView
from garden.urls import published_url

SITEMAP = "sitemap.xml"
GRAPH_JSON = "graph.json"


@dataclass(frozen=True)
class FileCopy:
    """A file to copy into the site as it is, with the digest of its content."""

    source: Path
    digest: str


Content = str | bytes | FileCopy | None  # None: no file (making it found a problem instead)


@dataclass(frozen=True)
class Product:
    """One file of the site: its path, how to make its content, and whether that is traced."""

    path: str
    make: Callable[[], Content]
    traced: bool = True


@dataclass
class Site:
    """What the emitters make the site from. Products read its garden, view and renderer when they
    are made (a page by its title), so a build may list them once and another build, of a garden
    with the same pages and settings, make them with its own (`Site.anew`)."""

    config: Config
    garden: Garden  # to list what files there are; their content reads through `view`
    view: GardenView
    renderer: SiteRenderer

    def anew(self, config: Config, garden: Garden, view: GardenView) -> None:
        """Make the products listed for this site of `garden` (with the same pages, by title, URL and
        note path) with `view` of it and `config`."""
        self.config, self.garden, self.view, self.renderer = config, garden, view, SiteRenderer(view, config)


def page_or_error_box(site: Site, page: Page, path: str) -> str:
    """The page's HTML; if rendering it fails unexpectedly, a warning and a page with an error box."""
    try:
        return site.renderer.page_html(page, path)
    except jinja2.TemplateError:
        raise  # the garden's templates are broken: every page would fail
    except Exception as error:  # one broken page must not cost the site
        if template_place(error) is not None:  # unless the templates themselves raised
            raise TemplateFailed(f"{type(error).__name__}: {error}") from error
        reason = f"{type(error).__name__}: {error}"
        where = page.note.display if page.note else f"page {page.title!r}"
        site.view.log.warn(Problem(where, None, f"could not be rendered ({reason}); the page shows an error box"))
        return site.renderer.error_page_html(page, path, f"garden could not render this page: {reason}")


def note_pages(site: Site) -> Iterator[Product]:
    """A page per note and per ghost."""
    for page in site.garden.pages.values():
        yield Product(page.url, partial(_page_titled, site, page.title, page.url))


def _page_titled(site: Site, title: str, path: str) -> str:
    return page_or_error_box(site, site.garden.pages[title], path)


def start_page(site: Site) -> Iterator[Product]:
    """`index.html`: the entry page of garden.toml, else the index of all pages."""

    def make() -> str:
        entry = site.view.page(site.config.entry) if site.config.entry else None
        if site.config.entry and entry is None:
            hidden = " or carries a tag that hides it" if site.config.publish.active else ""
            site.view.log.warn(Problem("garden.toml", None, f"entry page {site.config.entry!r} does not exist{hidden}"))
        return page_or_error_box(site, entry, "index.html") if entry else site.renderer.all_pages_html()

    yield Product("index.html", make)


def index_pages(site: Site) -> Iterator[Product]:
    """All pages, the daily notes' timeline, the graph view and the page for addresses the site lacks."""
    yield Product(ALL_PAGES, lambda: site.renderer.all_pages_html())
    yield Product(DAILY_NOTES, lambda: site.renderer.daily_notes_html())
    yield Product(GRAPH_PAGE, lambda: site.renderer.graph_html())
    yield Product(NOT_FOUND, lambda: site.renderer.not_found_html())


def previews(site: Site) -> Iterator[Product]:
    """`previews/<page>.js`: what a link to each shown page previews."""
    for page in shown_pages(site.garden):
        yield Product(preview_path(page), partial(_preview, site, page.title))


def _preview(site: Site, title: str) -> str:
    return preview_script(site.renderer, site.garden.pages[title])


def feed(site: Site) -> Iterator[Product]:
    """`feed.xml`: the notes that changed last."""
    yield Product(FEED, lambda: (site.view.site(), feed_xml(site.view.recent_changes(), site.config,
                                                            site.renderer.description))[1])


def sitemap_xml(urls: list[str], base_url: str) -> str:
    """`sitemap.xml`: the address of the start page and of every page with a note (`urls`)."""
    entries = "".join(f"  <url><loc>{escape(published_url(base_url, path))}</loc></url>\n" for path in ["", *urls])
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def sitemap(site: Site) -> Iterator[Product]:
    """`sitemap.xml`, where garden.toml says where the site is published."""
    base_url = site.config.base_url
    if base_url:
        yield Product(SITEMAP, lambda: (site.view.site(), sitemap_xml(site.view.note_urls(), base_url))[1])


def graph_json(nodes: list[tuple[str, str, tuple[str, ...], bool]], links: list[tuple[str, str, str]]) -> str:
    """`graph.json`: nodes (title, url, tags, ghost) and links (source, target, kind); the text
    `json.dumps(…, ensure_ascii=False, indent=1)` gives, written directly (its indenting encoder is
    pure Python, and slow on a graph of 100,000 links)."""
    text = json.encoder.encode_basestring

    def listed(items: list[str], indent: str) -> str:
        return "[\n" + ",\n".join(items) + f"\n{indent}]" if items else "[]"

    node_items = [f'  {{\n   "title": {text(title)},\n   "url": {text(url)},\n'
                  f'   "tags": {listed([f"    {text(tag)}" for tag in tags], "   ")},\n'
                  f'   "ghost": {"true" if ghost else "false"}\n  }}' for title, url, tags, ghost in nodes]
    link_items = [f'  {{\n   "source": {text(source)},\n   "target": {text(target)},\n   "kind": {text(kind)}\n  }}'
                  for source, target, kind in links]
    return f'{{\n "nodes": {listed(node_items, " ")},\n "links": {listed(link_items, " ")}\n}}'


def graph(site: Site) -> Iterator[Product]:
    """`graph.json`, for other tools."""
    yield Product(GRAPH_JSON, lambda: graph_json(*site.view.graph()))


def static_files(site: Site) -> Iterator[Product]:
    """The theme's stylesheet, script and icon, and the code colours (they change with garden's version)."""
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            relative = path.relative_to(STATIC_DIR).as_posix()
            yield Product(f"static/{relative}", lambda path=path: (site.view.site(), path.read_bytes())[1])
    yield Product("static/pygments.css", lambda: (site.view.site(), pygments_css())[1])


def attachments(site: Site) -> Iterator[Product]:
    """A copy of every file the notes link or embed (all below the notes folder)."""
    for site_path in site.garden.file_sources:
        yield Product(site_path, partial(_attachment, site, site_path))


def _attachment(site: Site, site_path: str) -> FileCopy | None:
    relative = site.view.file_source(site_path)
    content = site.view.file_content(relative)
    if isinstance(content, str):
        return FileCopy(site.config.notes_dir / relative, content)
    site.view.log.warn(content or Problem(relative, None, "vanished while the site was built; attachment not copied"))
    return None


EMITTERS: list[Callable[[Site], Iterator[Product]]] = [
    note_pages, start_page, index_pages, previews, sitemap, graph, feed, static_files, attachments,
]


def products(site: Site) -> Iterator[Product]:
    """Every file of the site."""
    for emitter in EMITTERS:
        yield from emitter(site)
