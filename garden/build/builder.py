"""One garden's builds, incremental: each build reads, parses and remakes only what changed since
the last one, and keeps the rest.

`garden build` makes a `Builder` per run; `garden serve` keeps one for its whole life and reads
`BuildResult.changed` after each build. Both take the same path, and a clean build (`--clean`) is
that path starting from nothing. What the last build made is kept in memory and in
`.garden-cache/build/`, so a new process starts warm:

1. scan the notes folder by stat (`scan.py`); if nothing changed, nor the settings, templates,
   garden or packages, and the site is as it was written, the build is done (this module and
   what it imports are all a build with nothing to do loads: it stays fast);
2. otherwise (`rebuild.py`) parse the notes whose content changed (`parsing.py`,
   `parse_cache.py`); link and run everything, as always;
3. ask again every question the last site's files asked of the garden (`GardenView`): a file is
   remade when an answer changed (`products.py` lists the files), and written when its bytes did;
   the search index is made again when a note page's bytes changed (`search_index.py`);
4. the new site is a staging folder of hard links to unchanged files plus the files written, swapped
   in as every build's is (`garden/emit.py`): a build that stops half way leaves the old site.

A live build (`BuildOptions.live`, `garden serve`) replaces the changed files in the site itself
instead, once this builder knows the site is as the last build left it, and leaves the search
index and saving the state to `index_search`, which the server calls next, in the background.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from garden.build.collector import collector_paused
from garden.build.options import BuildOptions, BuildResult
from garden.build.scan import Scan, Scanner
from garden.build.state import (BuildState, FileStamp, Glance, glance_of, glance_path, load_glance, load_state,
                                save_state, stamps_of, state_path)
from garden.config import Config
from garden.emit import SITE_MARKER, build_lock, check_output, recover
from garden.render import STATIC_DIR, TEMPLATES_DIR
from garden.render.reads import digest_of
from garden.run.executor import RunCancelled
from garden.run.fingerprint import dependency_versions, garden_source_digest, refresh_environment

if TYPE_CHECKING:
    from garden.build.rebuild import Rebuilder


def _files_digest(folder: Path) -> str:
    """A digest of every file below `folder`: paths and bytes."""
    digest = hashlib.blake2b(digest_size=20)
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
                digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _environment(config: Config) -> bytes:
    """A digest of the folders packages are imported from: installing or upgrading one changes it.
    Left out: the garden's own folder (on the path when garden runs from it), which changes with
    every build, and the first entry of the path unless Python was told not to put one there (-P):
    the folder of the program running garden (the `garden` script's, or the working folder under
    `python -m`), which holds no packages, so that either way of running garden finds the other's
    site up to date."""
    ours = {config.root.resolve(), config.out_dir.parent.resolve()}
    stamps = []
    for entry in sys.path if sys.flags.safe_path else sys.path[1:]:
        folder = Path(entry or ".").resolve()
        if folder in ours:
            continue
        try:
            stamps.append((str(folder), os.stat(folder).st_mtime_ns))
        except OSError:
            continue
    return digest_of(stamps)


class Builder:
    """Builds one garden's site, again and again. `config` may be replaced between builds (after
    garden.toml changed). A `watched` builder is told of every change of the notes folder after its
    first build starts (`notice`), and looks only at the paths it was told of and at files changed
    too shortly before its last look to trust their stamps."""

    def __init__(self, config: Config, watched: bool = False) -> None:
        self.config = config
        self._watched = watched
        self._last_scan: tuple[tuple[Path, ...], Scan] | None = None  # `_skips()` then, and the last build's scan
        self._unscanned: set[Path] = set()  # the paths changed since the last scan
        self._state: BuildState | None = None
        self._state_read = False  # whether the state on disk was read (or the state in memory is newer)
        self._glance: Glance | None = None  # the glance at the state on disk, read before the state
        self._glance_read = False
        self._rebuilder: Rebuilder | None = None  # made by the first build with work to do
        self._known = False  # whether the site is as `_state` says, file for file (a live build may update it in place)
        self._unsaved = False  # whether `_state` is newer than the state on disk
        self._disk: FileStamp | None = None  # the glance file as this builder last read or wrote it

    def notice(self, changed: set[Path]) -> None:
        """Take note of paths a watcher saw change (files, or folders with all they hold)."""
        self._unscanned |= changed

    def build(self, options: BuildOptions = BuildOptions(), cancel: threading.Event | None = None) -> BuildResult:
        """Build the garden into `config.out_dir`; the old site stays until the new one is complete.

        Builds of one garden take turns; each starts by undoing what a killed build left behind.
        Setting `cancel` while the code runs, or before the files are made, stops the build
        (`garden.run.executor.RunCancelled`): the site stays as it was, file for file."""
        config = self.config
        check_output(config.out_dir, config.notes_dir, config.root)
        with build_lock(config.cache_dir / "build.lock"), collector_paused():
            recover(config.out_dir)
            refresh_environment()
            self._notice_other_builds()
            if options.clean:
                self._forget()
            try:
                return self._build(options, cancel)
            except RunCancelled:
                raise  # before any file was written: the site is as the last build left it
            except BaseException:
                if not self._unsaved:
                    self._reread()  # what is on disk describes the site now
                self._known = False
                raise

    def index_search(self, cancel: threading.Event | None = None) -> list[str]:
        """After a live build: make the search index it left to make (the old one stays until the new
        one is in place), then save the build state. Returns the site files changed. Raises
        `garden.search.SearchError` when Pagefind fails, `SearchCancelled` when `cancel` is set (a newer
        build is to come: it calls this again)."""
        with build_lock(self.config.cache_dir / "build.lock"):
            self._notice_other_builds()
            changed: list[str] = []
            if self._state_read and self._state is not None and self._state.indexing is not None:
                from garden.build.search_index import index_later
                from garden.search import SearchCancelled, SearchError
                try:
                    changed = index_later(self.config.out_dir, self._state, cancel)
                except (SearchError, SearchCancelled):
                    raise  # before any file of the site was touched
                except BaseException:
                    self._known = False  # some files of the index may be replaced: look at every file next time
                    raise
                self._unsaved = True
            self._save()
            return changed

    def warm(self, cancel: threading.Event | None = None) -> None:
        """Load ahead what the next build with work to do reads: the last build's state, every note
        parsed and linked (a builder that built something has them), and the index of which files
        read what. `garden serve` calls this in the background after its first build, so that the
        first edit does not wait for it. Stops early, keeping what it loaded, once `cancel` is set."""
        def stopped() -> bool:
            return cancel is not None and cancel.is_set()

        with build_lock(self.config.cache_dir / "build.lock"), collector_paused():
            self._notice_other_builds()
            last = self._previous()
            if last is None or stopped():
                return
            if self._rebuilder is None:
                self._rebuilder_of().warm(self.config, Scanner(self.config).scan(last.seen), cancel)
            if not stopped():
                self._rebuilder_of().index_reads(last)

    def _rebuilder_of(self) -> Rebuilder:
        """What this builder keeps in memory between builds, made when first needed."""
        if self._rebuilder is None:
            from garden.build.rebuild import Rebuilder  # every stage: loaded only when there is work to do
            self._rebuilder = Rebuilder(self.config.cache_dir)
        return self._rebuilder

    def _notice_other_builds(self) -> None:
        """Forget what this builder knows of the site when another process built it since (call
        while holding the lock): the state it saved says what the site is now."""
        if (self._state_read or self._glance_read) and FileStamp.of(glance_path(self._state_file)) != self._disk:
            self._reread()
            self._known = self._unsaved = False

    def _reread(self) -> None:
        """Read the last build's state from disk when next needed."""
        self._last_scan = None
        self._state, self._state_read = None, False
        self._glance, self._glance_read = None, False

    def save(self) -> None:
        """Save the build state a live build left only in memory."""
        if self._unsaved:
            with build_lock(self.config.cache_dir / "build.lock"):
                self._notice_other_builds()
                self._save()

    def _save(self) -> None:
        if self._unsaved and self._state is not None:
            save_state(self._state_file, garden_source_digest(), self._state)
            self._unsaved, self._disk = False, FileStamp.of(glance_path(self._state_file))

    def _forget(self) -> None:
        shutil.rmtree(self.config.cache_dir / "build", ignore_errors=True)
        self._state, self._state_read, self._rebuilder = None, True, None
        self._known = self._unsaved = False
        self._last_scan = None
        self._disk = None

    def _glance_at_last(self) -> Glance | None:
        """What a build with nothing to do needs of the last build, from memory or from disk."""
        if self._state_read:  # the stamps, when needed, from the state itself
            return glance_of(self._state, stamps=False) if self._state is not None else None
        if not self._glance_read:
            self._disk = FileStamp.of(glance_path(self._state_file))
            self._glance = load_glance(self._state_file, garden_source_digest())
            self._glance_read = True
        return self._glance

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
        garden's templates, garden's version, its packages, whether code runs and the Pagefind asked for."""
        config = self.config
        material = (repr(config), config.flavor, options.execute, garden_source_digest(),
                    _files_digest(TEMPLATES_DIR), _files_digest(STATIC_DIR), _files_digest(config.root / "templates"),
                    dependency_versions(), sys.version, os.environ.get("PAGEFIND_BINARY_PATH"))
        return digest_of(material)

    def _build(self, options: BuildOptions, cancel: threading.Event | None) -> BuildResult:
        started = time.perf_counter()
        config = self.config
        last = self._glance_at_last()
        inputs, environment = self._inputs(options), _environment(config)
        scan, noticed = self._scan(last)
        if last is not None and not options.refresh and self._unchanged(last, scan, inputs, environment, options):
            self._known = True
            self._scanned(scan, noticed)
            return self._as_before(last, started)
        state = self._previous()
        rebuilder = self._rebuilder_of()
        known, self._known = self._known, False
        try:
            self._state, result = rebuilder.rebuild(config, options, state, scan, inputs, environment, cancel,
                                                    in_place=options.live and known)
        except RunCancelled:
            self._known = known  # stopped before a file was written
            raise
        self._scanned(scan, noticed)
        self._known = True
        self._unsaved = True
        if not options.live:
            self._save()
        result.seconds = time.perf_counter() - started
        return result

    def _scan(self, last: Glance | None) -> tuple[Scan, set[Path]]:
        """The notes folder now, compared with the last build's look at it, and the noticed paths
        that this looked at: only those, when this builder is watched and made that look."""
        noticed = set(self._unscanned)
        scanner = Scanner(self.config)
        if self._last_scan is not None and self._last_scan[0] == self._skips() and last is not None:
            return scanner.rescan(self._last_scan[1], noticed), noticed
        return scanner.scan(last.seen if last else {}), noticed

    def _scanned(self, scan: Scan, noticed: set[Path]) -> None:
        """A build of what `scan` found succeeded: the next one, if watched, looks again only at what changed since."""
        if self._watched:
            self._last_scan = self._skips(), scan
            self._unscanned -= noticed

    def _skips(self) -> tuple[Path, ...]:
        """What a scan depends on besides the files: the notes folder and the folders it leaves out."""
        return self.config.notes_dir, self.config.out_dir, self.config.cache_dir

    def _unchanged(self, last: Glance, scan: Scan, inputs: bytes, environment: bytes, options: BuildOptions) -> bool:
        """Whether this build would make the site that is there: same notes, settings, templates,
        garden and packages (those the code imports, and Pagefind), no code that runs afresh or was
        left to run, no file left outdated (`BuildState.outdated`), and every file of the site as
        written. Code that ran last time without failing left its results in the cache: this build
        would take them from there. A failure that ran may not have been cached (a used note's
        failure is not), so it is looked at again."""
        summary = last.summary
        if (scan.changed or last.inputs != inputs or (summary.ran and summary.failures) or summary.pending
                or last.outdated):
            return False
        packages_matter = (options.execute and (summary.cached or summary.ran)) or self.config.search
        if packages_matter and last.environment != environment:
            return False
        return self._site_as_written(last.stamps if last.stamps is not None else stamps_of(self._state))

    def _site_as_written(self, stamps: dict[str, FileStamp]) -> bool:
        """Whether the site folder holds the files the last build wrote, and nothing else."""
        out_dir = os.fspath(self.config.out_dir)
        found = sum(len(files) for _, _, files in os.walk(out_dir))
        if found != len(stamps) + 1 or not os.path.isfile(os.path.join(out_dir, SITE_MARKER)):
            return False
        return all(FileStamp.of(os.path.join(out_dir, path)) == stamp for path, stamp in stamps.items())

    def _as_before(self, last: Glance, started: float) -> BuildResult:
        summary = last.summary
        return BuildResult(summary.notes, summary.ghosts, summary.daily, summary.pages,
                           time.perf_counter() - started, list(summary.problems), 0, summary.cached + summary.ran,
                           list(summary.failures))
