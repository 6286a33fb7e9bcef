"""Decide, per note, which cells come from the cache and which must run.

Keys form a chain (see garden.run.cache), so once a cell misses, every later
cell misses too. A namespace cannot be restored from cached results, so when
cell k misses, the worker re-runs the note from its first cell: python cells
before k are *replayed* (executed again to rebuild the namespace, their
fresh results discarded in favour of the cached ones) and cells k..n are run
and recorded. A cached crash before k ends the note there: later cells are
reported as not run without starting a worker. Timeouts are never cached: a
busy machine says nothing about the code, and neither are the errors saying a used note failed:
they are about that note, and found again each run.

A note that others use hands its names on from the job that runs it; when its results are all
cached and a note using it must run, an export job runs its python cells once more for their names
(their results are the cached ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from garden.model import CodeBlock
from garden.run.cache import ResultCache, Span, cell_key
from garden.run.fingerprint import versions_of
from garden.run.cells import Cell, CellError, CellResult, abort_reason, not_run, pending, says_uses_failed
from garden.run.jobs import Handed, Job, JobCell, JobResult

ABORTING = ("timeout", "crash")


@dataclass(frozen=True)
class PreparedCell:
    """A cell with its cache key and what the worker needs to run it."""

    key: str
    span: Span  # where the cell and its code (after the option lines) are in the note
    job: JobCell
    static: CellResult | None  # known without running: bad options or exec: false

    @property
    def cell(self) -> Cell:
        """The cell itself."""
        return self.job.cell


def _static_result(code: CodeBlock) -> CellResult | None:
    """A result known without running: the error of a bad option line, or not run (`exec: false`)."""
    if code.option_error is not None:
        error = CellError(type="OptionError", message=code.option_error.message, line=code.option_error.line)
        return CellResult(status="error", error=error)
    return None if code.options.exec else CellResult(status="not-run")


def prepare(cells: list[Cell], *, seed: str, fingerprint: str, timeout: float) -> list[PreparedCell]:
    """Chain the keys of the cells of one note."""
    prepared = []
    previous = seed
    for cell in cells:
        code, options = cell.code, cell.code.options
        limit = options.timeout or timeout
        settings = {"exec": options.exec, "timeout": limit, "raises": options.raises, "doctest": options.doctest}
        previous = cell_key(previous, code.kind, code.code, settings, versions_of(code.imports), fingerprint)
        span = Span(code.line, code.body_line, len(code.code.split("\n")))
        prepared.append(PreparedCell(previous, span, JobCell(cell=cell, timeout=limit), _static_result(code)))
    return prepared


@dataclass
class NotePlan:
    """Known results of a note's cells, and the job computing the others."""

    note: str
    cells: list[PreparedCell]
    results: list[CellResult | None]
    job: Job | None = None
    replayed: int = 0  # leading job cells run only to rebuild the namespace
    fresh: list[int] = field(default_factory=list)  # cell indices the job's other results belong to

    def spans(self, index: int) -> list[Span]:
        """Where the note's cells up to `index` are now."""
        return [item.span for item in self.cells[: index + 1]]

    def defer(self) -> None:
        """Leave the job for later: the cells it would compute are pending."""
        for index in self.fresh:
            self.results[index] = pending()
        self.job = None

    def record(self, outcome: list[CellResult], cache: ResultCache | None) -> int:
        """Take the job's results (caching them); returns how many cells ran."""
        ran = 0
        for index, result in zip(self.fresh, outcome[self.replayed :]):
            self.results[index] = result
            if result.status == "not-run" or says_uses_failed(result):  # nothing ran: nothing to cache
                continue
            ran += 1
            if cache is not None and result.status != "timeout":  # a busy machine is no fact about the code
                prepared = self.cells[index]
                cache.put(prepared.key, result, prepared.cell, self.spans(index))
        return ran

    def failure(self, ran: Job | None = None, outcome: JobResult | None = None) -> str | None:
        """Where and why the note failed (`notes/X.md:4: ValueError: …`): in its results (blocks with
        bad options and `exec: false` aside), else in those of the job `ran` that ended with `outcome`
        (cells run again may fail this time); None when it did not."""
        known = [(item.cell, result) for item, result in zip(self.cells, self.results) if item.static is None]
        again = list(zip((item.cell for item in ran.cells), outcome.results)) if ran and outcome else []
        for cell, result in known + again:
            if result is not None and result.failed and result.error is not None:
                return f"{cell.note}:{result.error.line or cell.line}: {result.error.summary}"
        return None

    def export_job(self) -> Job | None:
        """The job running the python cells of a note whose results are all cached, for its names;
        None when it has no python cells (it defines no names)."""
        cells = tuple(item.job for item in self.cells if item.static is None and item.cell.kind == "python")
        return Job(self.note, cells, export=True) if cells else None

    def handed(self, title: str, ran: Job, outcome: JobResult) -> Handed:
        """What the note hands on once the job `ran` (which asked for its names) ended with `outcome`."""
        failure = self.failure(ran, outcome)
        if failure is None and outcome.names is None:
            failure = f"{self.note}: {outcome.lost or 'its names were not handed on'}"
        if failure is not None:
            return Handed(self.note, title, failure=failure)
        return Handed(self.note, title, outcome.names, outcome.refused)


def plan_note(
    note: str,
    cells: list[Cell],
    *,
    cache: ResultCache | None,
    seed: str,
    fingerprint: str,
    timeout: float,
    refresh: bool,
) -> NotePlan:
    """Look a note's cells up in the cache and build the job for the rest."""
    prepared = prepare(cells, seed=seed, fingerprint=fingerprint, timeout=timeout)
    plan = NotePlan(note, prepared, [item.static for item in prepared])
    runnable = [index for index, item in enumerate(prepared) if item.static is None]
    for position, index in enumerate(runnable):
        item = prepared[index]
        hit = None if refresh or cache is None else cache.get(item.key, item.cell, plan.spans(index))
        if hit is None:
            replay = [i for i in runnable[:position] if prepared[i].cell.kind == "python"]
            plan.fresh = runnable[position:]
            plan.replayed = len(replay)
            plan.job = Job(note, tuple(prepared[i].job for i in replay + plan.fresh))
            return plan
        plan.results[index] = hit
        if hit.status in ABORTING:
            reason = abort_reason(item.cell, hit.status)
            for later in runnable[position + 1 :]:
                plan.results[later] = not_run(prepared[later].cell, reason)
            return plan
    return plan
