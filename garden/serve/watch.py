"""Watching a garden's inputs with watchfiles: its notes (and attachments), templates/ and garden.toml.

The notes folder and templates/ are watched with their subfolders, the garden's own folder
without them (for garden.toml, which editors often replace rather than rewrite, and for
templates/ appearing). The site, the cache, app and hidden folders are not inputs.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from garden.config import CONFIG_FILE, Config
from garden.flavors import SKIPPED_FOLDERS

TEMPLATES = "templates"
POLL_SECONDS = 0.1  # how often the watching loop looks at its stop event
READY_MS = 100  # watchfiles answers at least this often, so the first answer says it is watching
STEP_MS = 5  # a change is told once this long passes without another (watchfiles' default, 50, is felt on every save)


@dataclass(frozen=True)
class WatchTargets:
    """The folders to watch: with their subfolders, and without."""

    deep: tuple[Path, ...]
    shallow: tuple[Path, ...]


def watch_targets(config: Config) -> WatchTargets:
    """The notes folder and templates/ in depth; the garden's folder itself unless the notes are it."""
    root, notes = config.root.resolve(), config.notes_dir.resolve()
    templates = root / TEMPLATES
    deep = [notes] + ([templates] if templates.is_dir() and not templates.is_relative_to(notes) else [])
    shallow = [] if root.is_relative_to(notes) else [root]
    return WatchTargets(tuple(deep), tuple(shallow))


class InputFilter(watchfiles.DefaultFilter):
    """Passes changes of the garden's inputs, and nothing its builds write (site, cache, staging).
    In the notes folder it passes a change of every path a build reads (`garden.sources.garden_files`):
    a watched build looks only at the paths it is told of."""

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.root = config.root.resolve()
        self.notes = config.notes_dir.resolve()
        self.site = config.out_dir.resolve()
        self.cache = config.cache_dir.resolve()

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        """Whether a change of `path` can change the site."""
        where = Path(path)
        if where == self.root / CONFIG_FILE:
            return True
        if where.is_relative_to(self.root / TEMPLATES):
            return super().__call__(change, path)
        if not where.is_relative_to(self.notes) or where.is_relative_to(self.site) or where.is_relative_to(self.cache):
            return False
        parts = where.relative_to(self.notes).parts
        return not any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts)


class _Watchers:
    """Threads running watchfiles on some targets, putting each batch of changes on a queue."""

    def __init__(self, targets: WatchTargets, check: InputFilter, debounce_ms: int,
                 batches: queue.Queue[set[Path] | Exception]) -> None:
        self.stop = threading.Event()
        jobs = [(paths, deep) for paths, deep in ((targets.deep, True), (targets.shallow, False)) if paths]
        self.ready = [threading.Event() for _ in jobs]
        self.threads = [threading.Thread(target=self._watch, args=(paths, deep, check, debounce_ms, batches, ready),
                                         name="garden-watch", daemon=True)
                        for (paths, deep), ready in zip(jobs, self.ready)]
        for thread in self.threads:
            thread.start()
        for ready in self.ready:
            ready.wait()

    def _watch(self, paths: tuple[Path, ...], deep: bool, check: InputFilter, debounce_ms: int,
               batches: queue.Queue[set[Path] | Exception], ready: threading.Event) -> None:
        try:
            for changes in watchfiles.watch(*paths, watch_filter=check, debounce=debounce_ms, step=STEP_MS,
                                            recursive=deep, stop_event=self.stop, raise_interrupt=False,
                                            yield_on_timeout=True, rust_timeout=READY_MS):
                ready.set()  # the first answer, if only "nothing yet", means the watches are in place
                if changes:
                    batches.put({Path(path) for _, path in changes})
        except Exception as error:  # a vanished notes folder, too many folders to watch: the loop says so
            batches.put(error)
        finally:
            ready.set()

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


class InputWatcher:
    """Watches a garden's inputs; `start` returns once changes are seen, `changes` yields them in batches."""

    def __init__(self, config: Config, debounce_ms: int) -> None:
        self.config = config
        self.debounce_ms = debounce_ms
        self.check = InputFilter(config)
        self.batches: queue.Queue[set[Path] | Exception] = queue.Queue()
        self.targets = watch_targets(config)
        self.watchers: _Watchers | None = None

    def start(self) -> None:
        """Start watching; every change from now on is seen."""
        self.watchers = _Watchers(self.targets, self.check, self.debounce_ms, self.batches)

    def changes(self, stop: threading.Event) -> Iterator[set[Path]]:
        """Batches of changed inputs, until `stop` is set; changes made while the caller handles a
        batch come as the next one. Raises the error that ended watching, if one did."""
        while not stop.is_set():
            try:
                batch = self.batches.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            while isinstance(batch, set) and not self.batches.empty():
                more = self.batches.get_nowait()
                batch = more if isinstance(more, Exception) else batch | more
            if isinstance(batch, Exception):
                raise batch
            if watch_targets(self.config) != self.targets:  # templates/ appeared or went: watch what is there now
                self.close()
                self.targets = watch_targets(self.config)
                self.start()
            yield batch

    def close(self) -> None:
        """Stop watching."""
        if self.watchers is not None:
            self.watchers.close()
            self.watchers = None
