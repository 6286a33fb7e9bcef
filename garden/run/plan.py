"""Decide, per note, which cells come from the cache and which must run.

Keys form a chain (see garden.run.cache), so once a cell misses, every later
cell misses too. A namespace cannot be restored from cached results, so when
cell k misses, the worker re-runs the note from its first cell: python cells
before k are *replayed* (executed again to rebuild the namespace, their
fresh results discarded in favour of the cached ones) and cells k..n are run
and recorded. A cached crash before k ends the note there: later cells are
reported as not run without starting a worker. Timeouts are never cached: a
busy machine says nothing about the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from garden.model import CodeBlock
from garden.run.cache import ResultCache, Span, cell_key
from garden.run.fingerprint import versions_of
from garden.run.cells import Cell, CellError, CellResult, abort_reason, not_run, pending
from garden.run.pool import Job, JobCell, Prelude

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
            if result.status == "not-run":  # skipped after a timeout/crash: nothing to cache
                continue
            ran += 1
            if cache is not None and result.status != "timeout":  # a busy machine is no fact about the code
                prepared = self.cells[index]
                cache.put(prepared.key, result, prepared.cell, self.spans(index))
        return ran


def plan_note(
    note: str,
    cells: list[Cell],
    *,
    cache: ResultCache | None,
    seed: str,
    fingerprint: str,
    timeout: float,
    refresh: bool,
    upstream: dict[str, list[Cell]] | None = None,
) -> NotePlan:
    """Look a note's cells up in the cache and build the job for the rest.

    `upstream` holds the cells of the notes this note uses, dependencies first; the job runs
    them before the note (their results are not kept: each note reports its own).
    """
    prepared = prepare(cells, seed=seed, fingerprint=fingerprint, timeout=timeout)
    preludes = tuple(Prelude(name, tuple(item.job for item in prepare(used, seed="", fingerprint=fingerprint,
                                                                       timeout=timeout) if item.static is None))
                     for name, used in (upstream or {}).items())
    plan = NotePlan(prepared, [item.static for item in prepared])
    runnable = [index for index, item in enumerate(prepared) if item.static is None]
    for position, index in enumerate(runnable):
        item = prepared[index]
        hit = None if refresh or cache is None else cache.get(item.key, item.cell, plan.spans(index))
        if hit is None:
            replay = [i for i in runnable[:position] if prepared[i].cell.kind == "python"]
            plan.fresh = runnable[position:]
            plan.replayed = len(replay)
            plan.job = Job(note, tuple(prepared[i].job for i in replay + plan.fresh), preludes)
            return plan
        plan.results[index] = hit
        if hit.status in ABORTING:
            reason = abort_reason(item.cell, hit.status)
            for later in runnable[position + 1 :]:
                plan.results[later] = not_run(prepared[later].cell, reason)
            return plan
    return plan
