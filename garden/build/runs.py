"""Running the notes' code for a build: through the result cache, as every build does; or, while
nothing a run reads has changed since the same builder's last run, that run's results again
(`garden serve` builds on every save; most saves touch no code)."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import replace

from garden.config import Config
from garden.execution import run_notes
from garden.graph import Garden
from garden.model import Note
from garden.note_memo import NoteMemo
from garden.render.reads import digest_of
from garden.run.cells import CellResult
from garden.run.engine import RunReport


def _run_again(result: CellResult) -> bool:
    """Whether every run computes this result afresh: a timeout (never cached: a busy machine says
    nothing about the code), a block not run because an earlier one lost its worker, or one a
    cached-only run left pending."""
    return result.status in ("timeout", "pending") or (result.status == "not-run" and result.error is not None
                                                       and result.error.type == "NotRun")


class RunMemo:
    """The last run of one builder, and a digest of what it read."""

    def __init__(self) -> None:
        self._last: tuple[bytes, RunReport] | None = None
        self._code: NoteMemo[str] = NoteMemo()  # the repr of each note's code

    def run(self, garden: Garden, config: Config, refresh: bool, settings: bytes, cached_only: bool = False,
            cancel: threading.Event | None = None, with_code: Iterable[Note] | None = None) -> RunReport:
        """The results of the garden's code; `settings` is a digest of the settings, garden's
        version and the packages installed. A reused run is reported as a run would find it now:
        every result in the cache. `cached_only` and `cancel` are `run_notes`'s. `with_code`, when
        given, holds every note of the garden's pages that has code (and maybe others)."""
        if (self._last is not None and not refresh
                and self._last[0] == self._key(garden, config, settings, with_code)):
            last = self._last[1]
            return replace(last, ran=0, cached=last.cached + last.ran, damaged=())
        notes = [page.note for page in garden.pages.values() if page.note is not None]
        report = run_notes(garden, notes, config, refresh, drop_unused=True, cached_only=cached_only, cancel=cancel)
        again = any(map(_run_again, report.results.values()))
        self._last = None if again else (self._key(garden, config, settings, with_code), report)
        return report

    def _key(self, garden: Garden, config: Config, settings: bytes, with_code: Iterable[Note] | None) -> bytes:
        """A digest of what running the code reads: each note's code and where it sits, the notes
        its `uses` name, the settings and packages, and the result cache (any process adding or
        removing a result changes its folder's time)."""
        try:
            cache = os.stat(config.cache_dir).st_mtime_ns
        except OSError:
            cache = None
        if with_code is None:
            with_code = [page.note for page in garden.pages.values() if page.note is not None and page.note.code]
        code, code_repr = [], self._code.round()
        for note in sorted(with_code, key=lambda note: (note.display, note.source.relative)):
            uses = [(title, found.title if (found := garden.page(title)) else None,
                     found.note.display if found and found.note else None)
                    for block in note.code for title in block.uses]
            code.append((note.display, code_repr(note, lambda note: repr(note.code)), uses))
        return digest_of((settings, cache, code))
