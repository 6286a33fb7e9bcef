"""One garden's builds, incremental: each build reads, parses and remakes only what changed since
the last one, and keeps the rest.

`garden build` makes a `Builder` per run; `garden serve` keeps one for its whole life and reads
`BuildResult.changed` after each build. Both take the same path, and a clean build (`--clean`) is
that path starting from nothing. What the last build made is kept in memory and in
`.garden-cache/build/`, so a new process starts warm:

1. scan: the notes folder by stat (`scan.py`); if nothing changed, nor the settings, templates,
   garden or packages, and the site is as it was written, the build is done;
2. parse the notes whose content changed (`parse_cache.py`); link and run everything, as always;
3. ask again every question the last site's files asked of the garden (`GardenView`): a file is
   remade when an answer changed (`products.py` lists the files), and written when its bytes did;
4. the new site is a staging folder of hard links to unchanged files plus the files written, swapped
   in as every build's is (`garden/emit.py`): a build that stops half way leaves the old site.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from garden.build.assembly import SiteAssembly
from garden.build.parse_cache import ParseCache
from garden.build.products import STATIC_DIR, Site, products
from garden.build.runs import RunMemo
from garden.build.scan import Scan, Scanner
from garden.build.state import (BuildState, FileStamp, Output, Summary, load_state, save_state,
                                state_path)
from garden.config import Config
from garden.diagnostics import Problem
from garden.emit import SITE_MARKER, SiteWriter, build_lock, check_output, recover
from garden.execution import cache_warnings, failures_of
from garden.graph import link_notes
from garden.model import Note
from garden.progress import progress
from garden.render.pages import SiteRenderer
from garden.render.view import GardenView
from garden.run.engine import RunReport
from garden.run.fingerprint import dependency_versions, garden_source_digest
from garden.syntax import make_parser

TEMPLATES_DIR = Path(__file__).parent.parent / "render" / "templates"


@dataclass(frozen=True)
class BuildOptions:
    """How to build: run the notes' code (or not), ignore cached results, or start from nothing."""

    execute: bool = True
    refresh: bool = False  # run every code block again
    clean: bool = False  # forget the build cache: parse every note and make every file


@dataclass
class BuildResult:
    """What a build produced, for the summary line (and for `garden serve`: which files changed)."""

    notes: int = 0
    ghosts: int = 0
    daily: int = 0
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    ran: int = 0
    cached: int = 0
    failures: list[Problem] = field(default_factory=list)
    rendered: int = 0  # HTML files made by this build (the others were kept as they were)
    changed: list[str] = field(default_factory=list)  # site paths of the files new or different
    removed: list[str] = field(default_factory=list)  # site paths of the files the site no longer has


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection during a build: it allocates millions of objects that live to
    its end, and the collector would walk them again and again (a third of a build's time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _files_digest(folder: Path) -> str:
    """A digest of every file below `folder`: paths and bytes."""
    digest = hashlib.blake2b(digest_size=20)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _environment() -> bytes:
    """A digest of the folders packages are imported from: installing or upgrading one changes it."""
    stamps = []
    for entry in sys.path:
        try:
            stamps.append((entry, os.stat(entry or ".").st_mtime_ns))
        except OSError:
            continue
    return hashlib.blake2b(repr(stamps).encode("utf-8", "backslashreplace"), digest_size=16).digest()


class Builder:
    """Builds one garden's site, again and again. `config` may be replaced between builds (after
    garden.toml changed)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._parse_cache = ParseCache(config.cache_dir / "build" / "notes")
        self._state: BuildState | None = None
        self._state_read = False  # whether the state on disk was read (or the state in memory is newer)
        self._runs = RunMemo()

    def build(self, options: BuildOptions = BuildOptions()) -> BuildResult:
        """Build the garden into `config.out_dir`; the old site stays until the new one is complete.

        Builds of one garden take turns; each starts by undoing what a killed build left behind."""
        config = self.config
        check_output(config.out_dir, config.notes_dir, config.root)
        with build_lock(config.cache_dir / "build.lock"), _collector_paused():
            recover(config.out_dir)
            if options.clean:
                self._forget()
            try:
                return self._build(options)
            except BaseException:
                self._state, self._state_read = None, False  # what is on disk describes the site now
                raise

    def _forget(self) -> None:
        shutil.rmtree(self.config.cache_dir / "build", ignore_errors=True)
        self._parse_cache = ParseCache(self.config.cache_dir / "build" / "notes")
        self._state, self._state_read = None, True

    def _previous(self) -> BuildState | None:
        """What the last build of this site left, from memory or from disk."""
        if not self._state_read:
            self._state = load_state(self._state_file, garden_source_digest())
            self._state_read = True
        return self._state

    @property
    def _state_file(self) -> Path:
        return state_path(self.config.cache_dir, self.config.out_dir)

    def _inputs(self, options: BuildOptions) -> bytes:
        """A digest of everything every file is made with besides the notes: the settings, the
        garden's templates, garden's version, its packages and whether code runs."""
        config = self.config
        material = (repr(config), config.flavor, options.execute, garden_source_digest(),
                    _files_digest(TEMPLATES_DIR), _files_digest(STATIC_DIR), _files_digest(config.root / "templates"),
                    dependency_versions(), sys.version)
        return hashlib.blake2b(repr(material).encode("utf-8", "backslashreplace"), digest_size=16).digest()

    def _build(self, options: BuildOptions) -> BuildResult:
        started = time.perf_counter()
        config = self.config
        state = self._previous()
        inputs, environment = self._inputs(options), _environment()
        scanner = Scanner(config)
        scan = scanner.scan(state.seen if state else {})
        if state is not None and not options.refresh and self._unchanged(state, scan, inputs, environment, options):
            return self._as_before(state, started)

        notes, problems = self._parse(scan, scanner)
        garden = link_notes(notes, config.flavor, scan.files)
        problems += garden.problems
        report = (self._runs.run(garden, config, options.refresh, inputs + environment) if options.execute
                  else RunReport({}, 0, 0, 0))
        problems += cache_warnings(report)

        view = GardenView(garden, report.results, site=inputs.hex(), files=scan.file_contents())
        contents = {scanned.path.relative_to(config.notes_dir).as_posix(): scanned.content for scanned in scan.notes}
        reusable = state is not None and state.inputs == inputs  # else every file is made again
        stale = self._stale(state, view, contents) if reusable else set()
        made = self._make_site(Site(config, garden, view, SiteRenderer(view, config)), state, reusable, stale)

        all_pages = list(garden.pages.values())
        summary = Summary(notes=sum(not page.ghost for page in all_pages), ghosts=sum(page.ghost for page in all_pages),
                          daily=sum(page.date is not None for page in all_pages), pages=len(all_pages),
                          problems=problems + made.problems, failures=failures_of(report), ran=report.ran,
                          cached=report.cached)
        self._state = BuildState(inputs, environment, scan.seen, contents, made.table, made.outputs, summary)
        save_state(self._state_file, garden_source_digest(), self._state)
        self._parse_cache.forget_unused()
        return BuildResult(summary.notes, summary.ghosts, summary.daily, summary.pages,
                           time.perf_counter() - started, summary.problems, report.ran, report.cached,
                           summary.failures, made.rendered, made.changed, made.removed)

    def _unchanged(self, state: BuildState, scan: Scan, inputs: bytes, environment: bytes,
                   options: BuildOptions) -> bool:
        """Whether this build would make the site that is there: same notes, settings, templates,
        garden and packages, no code that runs afresh, and every file of the site as written."""
        if scan.changed or state.inputs != inputs or state.summary.ran:
            return False
        if options.execute and state.summary.cached and state.environment != environment:
            return False
        return self._site_as_written(state.outputs)

    def _site_as_written(self, outputs: dict[str, Output]) -> bool:
        """Whether the site folder holds the files the last build wrote, and nothing else."""
        out_dir = self.config.out_dir
        expected = {path: output.stamp for path, output in outputs.items() if output.stamp is not None}
        found = sum(len(files) for _, _, files in os.walk(out_dir))
        if found != len(expected) + 1 or not (out_dir / SITE_MARKER).is_file():
            return False
        return all(FileStamp.of(out_dir / path) == stamp for path, stamp in expected.items())

    def _as_before(self, state: BuildState, started: float) -> BuildResult:
        summary = state.summary
        return BuildResult(summary.notes, summary.ghosts, summary.daily, summary.pages,
                           time.perf_counter() - started, list(summary.problems), 0, summary.cached,
                           list(summary.failures))

    def _parse(self, scan: Scan, scanner: Scanner) -> tuple[list[Note], list[Problem]]:
        """Every note, parsed now or before; the problems of reading and parsing them, in path order."""
        md = make_parser(self.config.flavor)
        self._parse_cache.prepare(self.config.flavor)
        notes: list[Note] = []
        problems = list(scan.problems)
        with progress("reading notes", len(scan.notes), "note") as bar:
            for scanned in scan.notes:
                parsed = self._parse_cache.parse(scanned, scanner.read, md)
                if parsed.note is not None:
                    notes.append(parsed.note)
                problems.extend(parsed.problems)
                bar.update()
        return notes, problems

    def _stale(self, previous: BuildState, view: GardenView, contents: dict[str, str]) -> set[int]:
        """The keys of the last build whose answer changed (by number). Questions about one note's
        parse keep their answer while the note's content does: only those of changed notes are asked."""
        table = previous.table
        changed_notes = [path for path in previous.notes.keys() | contents.keys()
                         if previous.notes.get(path) != contents.get(path)]
        numbers = [*table.derived, *(number for path in changed_notes for number in table.by_note.get(path, ()))]
        return {number for number in numbers if view.digest(table.keys[number]) != table.digests[number]}

    def _make_site(self, site: Site, previous: BuildState | None, reusable: bool, stale: set[int]) -> SiteAssembly:
        """Every file of the site into a staging folder (kept, or made and written), then swapped in.
        Unless `reusable`, every file is made again (and still kept where its bytes are the same)."""
        made = SiteAssembly(self.config.out_dir, previous, reusable)
        writer = SiteWriter(self.config.out_dir)
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
