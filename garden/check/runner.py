"""`garden check`: run every example of the selected notes and judge it, without writing a site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from garden.check.outcomes import Outcome, note_outcomes
from garden.config import Config
from garden.diagnostics import Problem
from garden.execution import cache_warnings, run_notes
from garden.model import Note
from garden.site import load_garden


@dataclass
class CheckReport:
    """Outcomes of a check run, with the notes' own problems."""

    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def count(self, status: str) -> int:
        """How many outcomes have `status`."""
        return sum(outcome.status == status for outcome in self.outcomes)


def _selected(note: Note, paths: list[Path]) -> bool:
    if not paths:
        return True
    where = note.source.path.resolve()
    return any(where == path or path in where.parents for path in paths)


def check_notes(config: Config, paths: list[Path] | None = None, refresh: bool = False) -> CheckReport:
    """Check the notes under `paths` (every note when empty) through the build's engine and cache."""
    garden, problems = load_garden(config)
    wanted = [path.resolve() for path in paths or []]
    notes = [page.note for page in garden.pages.values()
             if page.note is not None and _selected(page.note, wanted)]
    notes.sort(key=lambda note: note.display)
    report = run_notes(garden, notes, config, refresh)
    problems += cache_warnings(report)
    outcomes = [outcome for note in notes for outcome in note_outcomes(note, report.results)]
    return CheckReport(outcomes, problems)


def summary_line(report: CheckReport) -> str:
    """`N passed, N failed`, saying how many passed only within the numeric tolerance, and
    with `, N skipped` when any were skipped."""
    passed = report.count("passed")
    tolerated = sum(outcome.status == "passed" and outcome.how == "numeric" for outcome in report.outcomes)
    line = f"{passed} passed" + (f", of which {tolerated} within tolerance" if tolerated else "")
    line += f", {report.count('failed')} failed"
    skipped = report.count("skipped")
    return line + (f", {skipped} skipped" if skipped else "")
