"""Data model shared by the execution engine: cells and their results."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from garden.model import CodeBlock

STATUSES = ("ok", "error", "timeout", "crash", "not-run", "pending")
FAILED_STATUSES = frozenset({"error", "timeout", "crash"})


@dataclass(frozen=True)
class Cell:
    """One executable code block of a note, as the parse stage read it."""

    note: str  # display path of the note, e.g. "notes/Neuron.md"
    code: CodeBlock

    @property
    def line(self) -> int:
        """The note line of the block's opening fence."""
        return self.code.line

    @property
    def kind(self) -> str:
        """python, neuron or network."""
        return self.code.kind


@dataclass
class CellError:
    """An exception (or engine failure) attributed to a cell."""

    type: str
    message: str
    traceback: str = ""
    line: int | None = None  # line in the note

    @property
    def summary(self) -> str:
        """`Type: message`, or just the one of them there is."""
        return ": ".join(part for part in (self.type, self.message) if part)


@dataclass
class CellResult:
    """What running one cell produced."""

    status: str  # one of STATUSES; "pending": not in the cache, to be run later (a cached-only run)
    stdout: str = ""
    stderr: str = ""
    value: str | None = None
    figures: list[str] = field(default_factory=list)
    data: dict | None = None
    error: CellError | None = None
    expected_error: bool = False
    from_cache: bool = False
    examples: list[dict[str, Any]] | None = None  # per `>>>` example: line, want, got, exception

    @property
    def failed(self) -> bool:
        """True for an error/timeout/crash that the cell did not declare."""
        return self.status in FAILED_STATUSES and not self.expected_error

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CellResult:
        """Inverse of to_dict."""
        fields = dict(data)
        if fields.get("error") is not None:
            fields["error"] = CellError(**fields["error"])
        return cls(**fields)


def abort_reason(cell: Cell, status: str) -> str:
    """Why the cells after ``cell`` (which timed out or crashed) were not run."""
    what = "timed out" if status == "timeout" else "crashed the worker"
    return f"the cell at line {cell.line} {what}"


def not_run(cell: Cell, reason: str) -> CellResult:
    """A cell skipped because an earlier cell of its note lost the worker."""
    return CellResult(status="not-run", error=CellError(type="NotRun", message=f"not run: {reason}", line=cell.line))


def pending() -> CellResult:
    """A cell a cached-only run left for later: it must run, and has not yet."""
    return CellResult(status="pending")


def uses_blocked(cell: Cell, message: str) -> CellResult:
    """A cell of a note that cannot run because a note it uses failed or cannot hand on its names:
    the using blocks carry `message` as their error, the others are not run."""
    if cell.code.uses:
        return CellResult(status="error", error=CellError(type="UsesError", message=message, line=cell.line))
    return not_run(cell, f"a note it uses cannot hand on its names ({message})")


def says_uses_failed(result: CellResult) -> bool:
    """Whether `result` only reports a used note's trouble (never cached: it is about another note)."""
    return result.error is not None and result.error.type == "UsesError"
