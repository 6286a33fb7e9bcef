"""What crosses to wherever a note's code runs, and back: a note's job and its result.

A job carries the cells to run and the names of the notes it uses, pickled (cloudpickle) by the
workers that ran those notes; the engine only carries those bytes from one worker to the next and
never unpickles them. Everything here pickles and goes as plain data between processes and machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Collection
from typing import Any

from garden.run.cells import Cell, CellResult


@dataclass(frozen=True)
class JobCell:
    """A cell as sent to a worker, with its effective timeout."""

    cell: Cell
    timeout: float


@dataclass(frozen=True)
class Handed:
    """What a used note hands the notes that use it: its top-level names, or why it cannot."""

    note: str  # display path, e.g. "notes/Neuron.md"
    title: str  # the note's title, for messages: `uses [[Neuron]]`
    names: bytes = b""  # cloudpickle of {name: value}, made in the note's worker; b"": no names
    refused: tuple[tuple[str, str], ...] = ()  # (name, why it cannot be pickled)
    failure: str | None = None  # `notes/X.md:4: ValueError: …` when the note failed: nothing is handed on

    def blocks(self, reads: Collection[str]) -> str | None:
        """Why a note reading the global names `reads` cannot run with this (a UsesError message), or None."""
        if self.failure is not None:
            return f"a used note failed: {self.failure}"
        missing = [(name, why) for name, why in self.refused if name in reads]
        if not missing:
            return None
        return "; ".join(f"uses [[{self.title}]]: name {name!r} cannot cross to dependents: {why}"
                         for name, why in missing) + " (a name starting with _ is not handed on)"


@dataclass(frozen=True)
class Job:
    """The cells of one note to run in order in one namespace, with the names of the notes it uses."""

    note: str
    cells: tuple[JobCell, ...]
    uses: tuple[Handed, ...] = ()  # dependencies first; a later note's names win
    export: bool = False  # hand the note's own names on (some note to run uses it)

    @property
    def reads(self) -> frozenset[str]:
        """The global names its cells read and none of them binds: those it may take from its uses."""
        codes = [item.cell.code for item in self.cells]
        binds = {name for code in codes for name in code.binds}
        return frozenset(name for code in codes for name in code.reads if name not in binds)

    @property
    def export_timeout(self) -> float:
        """Time the worker may take to pickle the note's names after its last cell."""
        return max((item.timeout for item in self.cells), default=30.0)


@dataclass
class JobResult:
    """What running a job produced: a result per cell, and the note's names when asked for."""

    results: list[CellResult]
    names: bytes | None = None  # cloudpickle of the names handed on (export jobs whose cells all ran)
    refused: tuple[tuple[str, str], ...] = ()
    lost: str | None = None  # why the names were asked for and not handed on (the worker died, …)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (for an executor whose workers are elsewhere)."""
        return {"results": [result.to_dict() for result in self.results], "names": self.names,
                "refused": [list(pair) for pair in self.refused], "lost": self.lost}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobResult:
        """Inverse of to_dict."""
        return cls([CellResult.from_dict(result) for result in data["results"]], data["names"],
                   tuple((name, why) for name, why in data["refused"]), data["lost"])
