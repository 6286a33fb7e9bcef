"""Entry point: run the code cells of a garden, using the cache where possible."""

from __future__ import annotations

import dataclasses
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from garden.progress import TaskProgress
from garden.run.cache import ResultCache, environment_fingerprint
from garden.run.cells import Cell, CellResult
from garden.run.executor import StartExecutor
from garden.run.jobs import Handed, JobResult
from garden.run.plan import NotePlan, plan_note
from garden.run.pool import LocalExecutor
from garden.run.schedule import run_in_order


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
    upstream: dict[str, list[str]] | None = None,
    support: dict[str, list[Cell]] | None = None,
    titles: dict[str, str] | None = None,
    cached_only: bool = False,
    cancel: threading.Event | None = None,
    executor: StartExecutor | None = None,
) -> RunReport:
    """Run every note's cells (one namespace per note, notes in parallel).

    ``timeout`` is the default per-cell limit in seconds, ``memory_mb`` the
    address-space limit of each worker, ``refresh`` ignores (but rewrites)
    the cache, and ``seeds`` maps a note to a string that starts its key
    chain (e.g. a digest of the notes it depends on). ``upstream`` maps a note
    to the notes it uses, dependencies first: their top-level names are handed
    on to it, each used note running once (after the notes it uses); the cells
    of used notes that are not in ``notes`` are in ``support`` (they run only
    when a note using them must, and are not reported), and ``titles`` names
    used notes in messages. No worker is started when nothing needs to run.
    When a note's cell k is not cached, the whole note is executed from its
    first cell (to rebuild the namespace) but only cells k..n get fresh
    results; see garden.run.plan.

    ``cached_only`` runs nothing: cells the cache cannot answer are "pending". Setting
    ``cancel`` stops the workers and raises `RunCancelled`; nothing of that run is cached.
    ``executor`` starts what runs the jobs (default: worker processes on this machine).
    """
    cache = ResultCache(cache_dir) if cache_dir is not None else None
    fingerprint = f"{environment_fingerprint()}; memory {memory_mb} MB"
    seeds = seeds or {}
    plans = {
        note: plan_note(note, cells, cache=cache, seed=seeds.get(note, ""), fingerprint=fingerprint,
                        timeout=timeout, refresh=refresh)
        for note, cells in {**(support or {}), **notes}.items()
    }
    ran = 0
    if cached_only:
        for note in notes:
            plans[note].defer()
    elif any(plans[note].job is not None for note in notes):
        start = executor or (lambda progress: LocalExecutor(workers=workers or os.cpu_count() or 1,
                                                           memory_mb=memory_mb, key=environment_fingerprint(),
                                                           progress=progress))
        ran = _run(plans, list(notes), upstream or {}, titles or {}, cache, start, cancel)
    results = {
        (item.cell.note, item.cell.line): result
        for note in notes
        for item, result in zip(plans[note].cells, plans[note].results)
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


def _run(plans: dict[str, NotePlan], reported: list[str], upstream: dict[str, list[str]], titles: dict[str, str],
         cache: ResultCache | None, start: StartExecutor, cancel: threading.Event | None) -> int:
    """Run the jobs of the `reported` notes, and of the notes they use as far as their names are
    needed, each once; returns how many cells ran."""
    jobs = {note: plans[note].job for note in reported if plans[note].job is not None}
    needs = {note: [used for used in upstream.get(note, []) if used in plans] for note in plans}
    handed: dict[str, Handed] = {}
    exporting = {used for note in jobs for used in needs[note]}
    for note in exporting:
        plan, title = plans[note], titles.get(note, note)
        if plan.job is not None:
            jobs[note] = plan.job = dataclasses.replace(plan.job, export=True)
        elif (failure := plan.failure()) is not None:
            handed[note] = Handed(note, title, failure=failure)
        elif (job := plan.export_job()) is not None:
            jobs[note] = job
        else:
            handed[note] = Handed(note, title)
    ran = 0

    def done(note: str, result: JobResult) -> Handed | None:
        nonlocal ran
        plan = plans[note]
        if plan.job is not None:  # not an export job, whose results are the cached ones
            ran += plan.record(result.results, cache)
        return plan.handed(titles.get(note, note), jobs[note], result) if note in exporting else None

    with TaskProgress("running code", len(jobs), "note") as progress:
        executor = start(progress)
        try:
            run_in_order(jobs, needs, handed, executor=executor, done=done, cancel=cancel)
        except BaseException:  # cancelled, or e.g. KeyboardInterrupt: stop the workers
            executor.shutdown(cancel=True)
            raise
        executor.shutdown()
    return ran
