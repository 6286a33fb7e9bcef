"""The run stage: a garden's executable blocks through the engine (worker processes and cache)."""

from __future__ import annotations

import functools
import hashlib
import threading

from garden.config import Config
from garden.dependencies import Dependencies, resolve_dependencies
from garden.diagnostics import Problem
from garden.graph import Garden
from garden.model import Note
from garden.run.cells import Cell, CellError, CellResult, not_run
from garden.run.engine import RunReport, run_cells
from garden.run.executor import StartExecutor
from garden.run.fingerprint import refresh_environment, versions_of
from garden.run.prune import prune_cache


def executor_for(config: Config) -> StartExecutor | None:
    """What runs the code, as garden.toml says: None for worker processes on this machine."""
    if config.executor != "dask":
        return None
    from garden.run.dask_executor import DaskExecutor  # only for gardens that ask for dask

    return functools.partial(DaskExecutor, scheduler=config.scheduler, memory_mb=config.memory_mb)


def cells_of(note: Note) -> list[Cell]:
    """The engine's view of a note's executable blocks."""
    return [Cell(note.display, code) for code in note.code]


def _seed(upstream: list[Note]) -> str:
    """Starts a note's cache key chain: the code of every note it builds on and the versions of what
    that code imports, so editing one (or upgrading what it imports) re-runs it."""
    digest = hashlib.sha256()
    for note in upstream:
        digest.update(note.display.encode() + b"\0")
        for code in note.code:
            digest.update(f"{code.kind}\0{code.source}\0{versions_of(code.imports)}\0".encode())
    return digest.hexdigest()


def _refused(note: Note, errors: list[tuple[int, str]]) -> dict[tuple[str, int], CellResult]:
    """Results of a note whose `uses` cannot be honoured: the error at each using block."""
    results = {}
    messages = dict(errors)
    for cell in cells_of(note):
        if cell.line in messages:
            error = CellError(type="UsesError", message=messages[cell.line], line=cell.line)
            results[(note.display, cell.line)] = CellResult(status="error", error=error)
        else:
            results[(note.display, cell.line)] = not_run(cell, "the note's uses are broken")
    return results


def run_notes(garden: Garden, notes: list[Note], config: Config, refresh: bool = False,
              drop_unused: bool = False, cached_only: bool = False,
              cancel: threading.Event | None = None) -> RunReport:
    """Run the code of `notes` (after the notes each uses), one namespace per note, through the cache;
    then prune the cache (`drop_unused`: of every entry this run did not use, as after a full build).

    `cached_only` runs nothing and prunes nothing: what the cache lacks is pending. Setting `cancel`
    stops the run (`garden.run.executor.RunCancelled`) before anything is cached or pruned.
    """
    refresh_environment()
    dependencies: Dependencies = resolve_dependencies(garden, notes)
    runnable = [note for note in notes if note.code and note.display not in dependencies.errors]
    refused = {key: result for note in notes if note.display in dependencies.errors
               for key, result in _refused(note, dependencies.errors[note.display]).items()}
    used = {used.display: used for upstream in dependencies.upstream.values() for used in upstream}
    report = run_cells(
        {note.display: cells_of(note) for note in runnable},
        cache_dir=config.cache_dir, timeout=config.timeout, memory_mb=config.memory_mb, refresh=refresh,
        seeds={display: _seed(upstream) for display, upstream in dependencies.upstream.items()},
        upstream={display: [used.display for used in upstream] for display, upstream in dependencies.upstream.items()},
        support={display: cells_of(note) for display, note in used.items() if note.code},
        titles={display: note.title for display, note in used.items()},
        cached_only=cached_only, cancel=cancel, executor=executor_for(config),
    )
    report.results.update(refused)
    report.failed += sum(result.failed for result in refused.values())
    if not cached_only:
        prune_cache(config.cache_dir, report.used, cap_mb=config.cache_mb, drop_unused=drop_unused)
    return report


def cache_warnings(report: RunReport) -> list[Problem]:
    """Blocks whose cached result was damaged (and which therefore ran again)."""
    return [Problem(cell.note, cell.line, "its cached result was damaged; discarded and run again")
            for cell in report.damaged]


def failures_of(report: RunReport) -> list[Problem]:
    """Blocks that raised unexpectedly, timed out or crashed, as `notes/X.md:LINE: Type: message`."""
    return [Problem(note, result.error.line or line, result.error.summary)
            for (note, line), result in sorted(report.results.items())
            if result.failed and result.error is not None]
