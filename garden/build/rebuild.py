"""The work of a build once something changed: parse what changed, link and run everything, ask
again what the last site's files read, remake the files whose answers changed, and swap the new
site in. It imports every stage; a build with nothing to do never loads it."""

from __future__ import annotations

from pathlib import Path

from garden.build.assembly import SiteAssembly
from garden.build.options import BuildOptions, BuildResult
from garden.build.parse_cache import ParseCache
from garden.build.products import Site, products
from garden.build.runs import RunMemo
from garden.build.scan import Scan, Scanner
from garden.build.state import BuildState, Summary
from garden.config import Config
from garden.diagnostics import Problem
from garden.emit import SiteWriter
from garden.execution import cache_warnings, failures_of
from garden.graph import link_inputs, link_notes
from garden.model import Note
from garden.progress import progress
from garden.render.pages import SiteRenderer
from garden.render.reads import LINKED_KINDS, digest_of
from garden.render.view import GardenView
from garden.run.engine import RunReport
from garden.syntax import make_parser


class Rebuilder:
    """What one builder keeps in memory between builds: parsed notes, and the last run."""

    def __init__(self, cache_dir: Path) -> None:
        self.parse_cache = ParseCache(cache_dir / "build" / "notes")
        self.runs = RunMemo()

    def rebuild(self, config: Config, options: BuildOptions, previous: BuildState | None, scan: Scan,
                inputs: bytes, environment: bytes) -> tuple[BuildState, BuildResult]:
        """Build the site from the scanned notes; `previous` is what the last build of it left.
        Returns what this build leaves for the next one, and its result."""
        notes, problems = self._parse(config, scan)
        garden = link_notes(notes, config.flavor, scan.files)
        problems += garden.problems
        report = (self.runs.run(garden, config, options.refresh, inputs + environment) if options.execute
                  else RunReport({}, 0, 0, 0))
        problems += cache_warnings(report)

        view = GardenView(garden, report.results, site=inputs.hex(), files=scan.file_contents())
        contents = {scanned.path.relative_to(config.notes_dir).as_posix(): scanned.content for scanned in scan.notes}
        changed = {path for path in (previous.notes.keys() | contents.keys() if previous else contents)
                   if previous is None or previous.notes.get(path) != contents.get(path)}
        reusable = previous is not None and previous.inputs == inputs  # else every file is made again
        links = _link_digests(notes, changed, previous if reusable else None)
        files = digest_of(tuple(scan.files))
        relinked = not reusable or links != previous.links or files != previous.files
        stale = _stale(previous, view, changed, relinked) if reusable else set()
        made = _make_site(config, Site(config, garden, view, SiteRenderer(view, config)), previous, reusable, stale)

        pages = list(garden.pages.values())
        summary = Summary(notes=sum(not page.ghost for page in pages), ghosts=sum(page.ghost for page in pages),
                          daily=sum(page.date is not None for page in pages), pages=len(pages),
                          problems=problems + made.problems, failures=failures_of(report), ran=report.ran,
                          cached=report.cached)
        self.parse_cache.forget_unused()
        state = BuildState(inputs, environment, scan.seen, contents, links, files, made.table, made.outputs, summary)
        return state, BuildResult(summary.notes, summary.ghosts, summary.daily, summary.pages, 0.0,
                                  summary.problems, report.ran, report.cached, summary.failures, made.rendered,
                                  made.changed, made.removed)

    def _parse(self, config: Config, scan: Scan) -> tuple[list[Note], list[Problem]]:
        """Every note, parsed now or before; the problems of reading and parsing them, in path order."""
        scanner = Scanner(config)
        md = make_parser(config.flavor)
        self.parse_cache.prepare(config.flavor)
        notes: list[Note] = []
        problems = list(scan.problems)
        with progress("reading notes", len(scan.notes), "note") as bar:
            for scanned in scan.notes:
                parsed = self.parse_cache.parse(scanned, scanner.read, md)
                if parsed.note is not None:
                    notes.append(parsed.note)
                problems.extend(parsed.problems)
                bar.update()
        return notes, problems


def _link_digests(notes: list[Note], changed: set[str], previous: BuildState | None) -> dict[str, bytes]:
    """A digest of each note's `link_inputs`, by its path (worked out again for the notes changed
    since `previous`, or all of them: a new version of garden may parse a note differently)."""
    links = {}
    for note in notes:
        path = note.source.relative
        known = previous.links.get(path) if previous is not None and path not in changed else None
        links[path] = known or digest_of(link_inputs(note))
    return links


def _stale(previous: BuildState, view: GardenView, changed: set[str], relinked: bool) -> set[int]:
    """The keys of the last build whose answer changed (by number). Only questions that can have a
    new answer are asked again: about the parse of changed notes, and, unless every note links as
    before (`relinked` is false), about the links."""
    table = previous.table
    numbers = [number for question, numbers in table.by_question.items()
               if relinked or question not in LINKED_KINDS for number in numbers]
    numbers += [number for path in changed for number in table.by_note.get(path, ())]
    return {number for number in numbers if view.digest(table.keys[number]) != table.digests[number]}


def _make_site(config: Config, site: Site, previous: BuildState | None, reusable: bool,
               stale: set[int]) -> SiteAssembly:
    """Every file of the site into a staging folder (kept, or made and written), then swapped in.
    Unless `reusable`, every file is made again (and still kept where its bytes are the same)."""
    made = SiteAssembly(config.out_dir, previous, reusable)
    writer = SiteWriter(config.out_dir)
    try:
        files = list(products(site))
        with progress("writing pages", len(files), "file") as bar:
            for product in files:
                made.add(product, writer, site.view, stale)
                bar.update()
        writer.commit()
    except BaseException:
        writer.abandon()
        raise
    made.finish()
    return made
