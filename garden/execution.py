"""The run stage: a garden's executable blocks through the engine (worker processes and cache)."""

from __future__ import annotations

from garden.config import Config
from garden.diagnostics import Problem
from garden.notes import Note
from garden.run.cells import Cell
from garden.run.engine import RunReport, run_cells


def run_notes(notes: list[Note], config: Config, refresh: bool = False) -> RunReport:
    """Run the code of `notes`, one namespace per note, reusing cached results."""
    cells = {note.display: [Cell(note.display, code.line, code.kind, code.source, code.code_line)
                            for code in note.code]
             for note in notes if note.code}
    return run_cells(cells, cache_dir=config.cache_dir, timeout=config.timeout, memory_mb=config.memory_mb,
                     refresh=refresh)


def failures_of(report: RunReport) -> list[Problem]:
    """Blocks that raised unexpectedly, timed out or crashed, as `notes/X.md:LINE: Type: message`."""
    return [Problem(note, result.error.line or line, result.error.summary)
            for (note, line), result in sorted(report.results.items())
            if result.failed and result.error is not None]
