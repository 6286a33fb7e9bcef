"""Jobs in dependency order on an executor: a used note's job first, the jobs of the notes using
it once it has handed on its names (or failed: then they do not run, and say why)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait

from garden.run.cells import uses_blocked
from garden.run.executor import Executor, RunCancelled
from garden.run.jobs import Handed, Job, JobResult

CANCEL_POLL = 0.05  # seconds between looks at a run's cancel event (and at Ctrl+C)


def run_in_order(jobs: dict[str, Job], needs: dict[str, list[str]], handed: dict[str, Handed], *,
                 executor: Executor, done: Callable[[str, JobResult], Handed | None],
                 cancel: threading.Event | None = None) -> None:
    """Run every job of `jobs` (by note) once the notes in `needs[note]` handed on their names.

    `handed` holds what notes that run no job hand on; `done(note, result)` takes each job's result
    and returns what its note hands on (None: no note uses it), added to `handed`. A job a used note
    cannot serve (it failed, or a name cannot cross) does not run: its cells say why. Once `cancel`
    is set, raises `RunCancelled` (the caller stops the executor).
    """
    waiting = {note: {used for used in needs.get(note, []) if used in jobs} for note in jobs}
    dependents: dict[str, list[str]] = {}
    for note, used in waiting.items():
        for name in used:
            dependents.setdefault(name, []).append(note)
    running: dict[Future[JobResult], str] = {}

    def start(note: str) -> None:
        job = jobs[note]
        uses = tuple(handed[name] for name in needs.get(note, []) if name in handed)
        blocked = next((reason for item in uses if (reason := item.blocks(job.reads)) is not None), None)
        if blocked is None:
            running[executor.submit(dataclasses.replace(job, uses=uses))] = note
        else:
            finish(note, JobResult([uses_blocked(item.cell, blocked) for item in job.cells], lost=blocked))

    def finish(note: str, result: JobResult) -> None:
        given = done(note, result)
        if given is not None:
            handed[note] = given
        for dependent in dependents.get(note, []):
            waiting[dependent].discard(note)
            if not waiting[dependent]:
                start(dependent)

    for note in [note for note, used in waiting.items() if not used]:
        start(note)
    while running:
        if cancel is not None and cancel.is_set():
            raise RunCancelled
        # in short steps even without `cancel`: Ctrl+C may reach another thread (or land just
        # before the main thread blocks), and Python acts on it only when the main thread wakes
        finished, _ = wait(running, timeout=CANCEL_POLL, return_when=FIRST_COMPLETED)
        for future in finished:
            finish(running.pop(future), future.result())
