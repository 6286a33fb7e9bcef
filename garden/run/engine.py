"""Entry point: run the code cells of a garden, using the cache where possible."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from garden.run.cache import ResultCache, environment_fingerprint
from garden.run.cells import Cell, CellResult
from garden.run.plan import plan_note
from garden.run.pool import run_jobs


@dataclass
class RunReport:
    """Results keyed by (note, fence line), with counts."""

    results: dict[tuple[str, int], CellResult]
    ran: int  # cells executed by a worker in this run (replays not counted)
    cached: int  # results taken from the cache
    failed: int  # error/timeout/crash results, cached or fresh, not declared by `raises`
    used: frozenset[str] = frozenset()  # keys of the cache entries this run read or wrote
    damaged: tuple[Cell, ...] = ()  # cells whose cache entry was damaged, discarded and re-run
    pending: int = 0  # cells a cached-only run left for later


def run_cells(
    notes: dict[str, list[Cell]],
    *,
    cache_dir: Path | None,
    timeout: float = 30,
    memory_mb: int = 2048,
    workers: int | None = None,
    refresh: bool = False,
    seeds: dict[str, str] | None = None,
    upstream: dict[str, dict[str, list[Cell]]] | None = None,
    cached_only: bool = False,
    cancel: threading.Event | None = None,
) -> RunReport:
    """Run every note's cells (one namespace per note, notes in parallel).

    ``timeout`` is the default per-cell limit in seconds, ``memory_mb`` the
    address-space limit of each worker, ``refresh`` ignores (but rewrites)
    the cache, and ``seeds`` maps a note to a string that starts its key
    chain (e.g. a digest of the notes it depends on), and ``upstream`` maps
    a note to the cells of the notes it uses (run first, in that order, their
    top-level names handed on). No worker is started when nothing needs to run. When a note's cell k is not cached, the whole
    note is executed from its first cell (to rebuild the namespace) but only
    cells k..n get fresh results; see garden.run.plan.

    ``cached_only`` runs nothing: cells the cache cannot answer are "pending". Setting
    ``cancel`` stops the workers and raises `RunCancelled`; nothing of that run is cached.
    """
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    fingerprint = f"{environment_fingerprint()}; memory {memory_mb} MB"
    seeds = seeds or {}
    plans = [
        plan_note(
            note,
            cells,
            cache=cache,
            seed=seeds.get(note, ""),
            fingerprint=fingerprint,
            timeout=timeout,
            refresh=refresh,
            upstream=(upstream or {}).get(note),
        )
        for note, cells in notes.items()
    ]
    scheduled = [plan for plan in plans if plan.job is not None]
    ran = 0
    if scheduled and cached_only:
        for plan in scheduled:
            plan.defer()
    elif scheduled:
        jobs = [plan.job for plan in scheduled]
        outcomes = run_jobs(jobs, workers=workers or os.cpu_count() or 1, memory_mb=memory_mb,
                            key=environment_fingerprint(), cancel=cancel)
        ran = sum(plan.record(outcome, cache) for plan, outcome in zip(scheduled, outcomes))
    results = {
        (item.cell.note, item.cell.line): result
        for plan in plans
        for item, result in zip(plan.cells, plan.results)
    }
    return RunReport(
        results=results,
        ran=ran,
        cached=sum(result.from_cache for result in results.values()),
        failed=sum(result.failed for result in results.values()),
        used=frozenset(cache.used) if cache is not None else frozenset(),
        damaged=tuple(cache.damaged) if cache is not None else (),
        pending=sum(result.status == "pending" for result in results.values()),
    )
