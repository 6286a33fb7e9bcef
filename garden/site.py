"""Build orchestration: load, parse, link, render and emit a garden's site."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import jinja2

from garden.config import Config
from garden.diagnostics import Problem
from garden.emit import SiteWriter, build_lock, check_output, recover
from garden.execution import cache_warnings, failures_of, run_notes
from garden.feed import FEED, feed_xml
from garden.graph import Garden, Page, link_notes
from garden.model import Note
from garden.notes import parse_note
from garden.progress import progress
from garden.publish import EVERYTHING, PublishRules
from garden.render.highlight import pygments_css
from garden.render.graph_view import GRAPH_PAGE
from garden.render.pages import ALL_PAGES, DAILY_NOTES, NOT_FOUND, SiteRenderer
from garden.render.previews import preview_files
from garden.run.engine import RunReport
from garden.search import write_search_index
from garden.sources import garden_files, read_sources
from garden.syntax import make_parser
from garden.urls import published_url

STATIC_DIR = Path(__file__).parent / "render" / "static"
SITEMAP = "sitemap.xml"


@dataclass(frozen=True)
class BuildOptions:
    """How to treat the notes' code: run it (or not), whether to ignore the cache, or whether to
    take only what the cache holds (`cached_only`: blocks that must run show as pending)."""

    execute: bool = True
    refresh: bool = False
    cached_only: bool = False


@dataclass
class BuildResult:
    """What a build produced, for the summary line."""

    notes: int = 0
    ghosts: int = 0
    daily: int = 0
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    ran: int = 0
    cached: int = 0
    failures: list[Problem] = field(default_factory=list)
    pending: int = 0  # code blocks a cached-only build left to run


def load_garden(config: Config, rules: PublishRules = EVERYTHING) -> tuple[Garden, list[Problem]]:
    """Read, parse and link every note of the garden; with publishing `rules`, the Garden of what they publish."""
    skip = (config.out_dir, config.cache_dir)
    sources, problems = read_sources(config.notes_dir, config.root, skip, config.flavor)
    md = make_parser(config.flavor)
    notes: list[Note] = []
    with progress("reading notes", len(sources), "note") as bar:
        for source in sources:
            try:
                note, note_problems = parse_note(source, md)
            except Exception as error:  # one note garden cannot parse must not cost the site
                reason = f"{type(error).__name__}: {error}"
                note = Note(source.file_title, source, [], failure=f"garden could not parse this note: {reason}")
                note_problems = [Problem(source.display, None, f"could not be parsed ({reason}); its page says so")]
            if note is not None:
                notes.append(note)
            problems.extend(note_problems)
            bar.update()
    inside = config.notes_dir.resolve()
    files = [path.relative_to(config.notes_dir).as_posix() for path in garden_files(config.notes_dir, skip)
             if path.suffix != ".md" and path.resolve().is_relative_to(inside)]
    garden = link_notes(notes, config.flavor, files, rules)
    return garden, problems + garden.problems


def sitemap_xml(garden: Garden, base_url: str) -> str:
    """`sitemap.xml`: the address of the start page and of every page with a note."""
    paths = [""] + sorted(page.url for page in garden.pages.values() if not page.ghost)
    entries = "".join(f"  <url><loc>{escape(published_url(base_url, path))}</loc></url>\n" for path in paths)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def graph_json(garden: Garden) -> str:
    """`graph.json`: nodes (title, url, tags, ghost) and links (source, target, kind)."""
    nodes = [{"title": page.title, "url": page.url, "tags": garden.tags_of(page.title), "ghost": page.ghost}
             for page in sorted(garden.pages.values(), key=lambda page: page.title)]
    links = sorted({(source, target, data["kind"]) for source, target, data in garden.graph.edges(data=True)})
    payload = {"nodes": nodes, "links": [{"source": s, "target": t, "kind": k} for s, t, k in links]}
    return json.dumps(payload, ensure_ascii=False, indent=1)


def build_site(config: Config, options: BuildOptions = BuildOptions(),
               cancel: threading.Event | None = None) -> BuildResult:
    """Build the garden into `config.out_dir`; the old site stays until the new one is complete.

    Builds of one garden take turns; each starts by undoing what a killed build left behind.
    Setting `cancel` while the code runs stops the build (`garden.run.executor.RunCancelled`).
    """
    check_output(config.out_dir, config.notes_dir, config.root)
    with build_lock(config.cache_dir / "build.lock"):
        recover(config.out_dir)
        return _build(config, options, cancel)


def _build(config: Config, options: BuildOptions, cancel: threading.Event | None) -> BuildResult:
    started = time.perf_counter()
    garden, problems = load_garden(config, config.publish)
    notes = [page.note for page in garden.pages.values() if page.note is not None]
    report = (run_notes(garden, notes, config, options.refresh, drop_unused=True,
                        cached_only=options.cached_only, cancel=cancel) if options.execute
              else RunReport({}, 0, 0, 0))
    failures = failures_of(report)
    problems += cache_warnings(report)
    renderer = SiteRenderer(garden, config, report.results)
    writer = SiteWriter(config.out_dir)
    try:
        with progress("writing pages", len(garden.pages), "page") as bar:
            for page in garden.pages.values():
                writer.write(page.url, _page_or_error_box(renderer, page, page.url, problems))
                bar.update()
        entry = garden.page(config.entry) if config.entry else None
        if config.entry and entry is None:
            hidden = " or carries a tag that hides it" if config.publish.active else ""
            problems.append(Problem("garden.toml", None, f"entry page {config.entry!r} does not exist{hidden}"))
        all_pages = renderer.all_pages_html()
        writer.write("index.html", _page_or_error_box(renderer, entry, "index.html", []) if entry else all_pages)
        writer.write(ALL_PAGES, all_pages)
        writer.write(DAILY_NOTES, renderer.daily_notes_html())
        writer.write(NOT_FOUND, renderer.not_found_html())
        writer.write(GRAPH_PAGE, renderer.graph_html())
        for path, preview in preview_files(renderer):
            writer.write(path, preview)
        if config.base_url:
            writer.write(SITEMAP, sitemap_xml(garden, config.base_url))
        writer.write("graph.json", graph_json(garden))
        writer.write(FEED, feed_xml(garden, config, renderer.description))
        writer.copy_tree(STATIC_DIR, "static")
        writer.write("static/pygments.css", pygments_css())
        _copy_attachments(writer, garden, config, problems)
        problems += write_search_index(writer, [page for page in garden.pages.values() if not page.ghost],
                                       config.search)
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    problems.extend(sorted(renderer.problems, key=lambda p: (p.path, p.line or 0, p.message)))
    pages = list(garden.pages.values())
    return BuildResult(
        notes=sum(not page.ghost for page in pages),
        ghosts=sum(page.ghost for page in pages),
        daily=sum(page.date is not None for page in pages),
        pages=len(pages),
        seconds=time.perf_counter() - started,
        problems=problems,
        ran=report.ran,
        cached=report.cached,
        failures=failures,
        pending=report.pending,
    )


def _copy_attachments(writer: SiteWriter, garden: Garden, config: Config, problems: list[Problem]) -> None:
    """Copy every attachment the notes name into the site (all below the notes folder, see `load_garden`)."""
    for site_path, relative in garden.file_sources.items():
        source = config.notes_dir / relative
        try:
            writer.copy_file(source, site_path)
        except OSError as error:
            problems.append(Problem(_shown(source, config.root), None, f"cannot be read ({error.strerror}); "
                                                                       f"attachment not copied"))


def _shown(path: Path, root: Path) -> str:
    """How messages name a file of the garden."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _page_or_error_box(renderer: SiteRenderer, page: Page, path: str, problems: list[Problem]) -> str:
    """The page's HTML; if rendering it fails unexpectedly, a warning and a page with an error box."""
    try:
        return renderer.page_html(page, path)
    except jinja2.TemplateError:
        raise  # the garden's templates are broken: every page would fail
    except Exception as error:  # one broken page must not cost the site
        reason = f"{type(error).__name__}: {error}"
        where = page.note.display if page.note else f"page {page.title!r}"
        problems.append(Problem(where, None, f"could not be rendered ({reason}); the page shows an error box"))
        return renderer.error_page_html(page, path, f"garden could not render this page: {reason}")
