"""On-disk cache of cell results, keyed by a hash chain over a note's cells.

The key of a cell is ``sha256(json([KEY_VERSION, previous, kind, code,
options, imports, fingerprint]))`` where ``previous`` is the key of the cell
before it in the note (for the first cell: the note's seed string), ``code``
is the cell body without its ``#|`` option lines, ``options`` are those that
change execution (exec, the timeout in force, raises, doctest
directives), ``imports`` the
versions of the distributions the code imports and ``fingerprint`` names the
Python version, a digest of garden's source, the versions of garden's
dependencies and the workers' memory limit (see garden.run.fingerprint).
Prose and the ``echo`` option are not part of it.

Every hit or write refreshes the entry's mtime and is remembered in
``ResultCache.used``, so that garden.run.prune can tell used entries from
stale ones.

Entries remember where the note's cells (up to this one) were when it ran; a
hit is moved cell by cell to their current positions, so line numbers in
errors and tracebacks survive prose edits anywhere in the note.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from garden.run.cells import Cell, CellResult
from garden.run.fingerprint import Versions, dependency_versions, garden_source_digest

KEY_VERSION = "garden-run-4"  # 4: network results record checkpoints and decision maps


def environment_fingerprint() -> str:
    """What every cached result depends on: the Python version, garden's source and its dependencies."""
    packages = ", ".join(f"{name} {version}" for name, version in dependency_versions())
    return f"python {sys.version}; garden source {garden_source_digest()}; packages {packages}"


def cell_key(previous: str, kind: str, code: str, options: dict[str, Any], imports: Versions,
             fingerprint: str) -> str:
    """One link of a note's key chain."""
    payload = json.dumps([KEY_VERSION, previous, kind, code, options, imports, fingerprint], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class Span:
    """Where a cell sits in its note: its fence line, the line its code starts on, and its length."""

    fence: int
    body: int
    length: int


def line_mover(old: list[list[int]], new: list[Span]) -> Callable[[int], int]:
    """Maps a note line from when the result was made (cells at `old` [fence, body]) to now."""

    def move(line: int) -> int:
        for (fence, body), span in zip(old, new):
            if line == fence:
                return span.fence
            if body <= line < body + span.length:
                return line + span.body - body
        return line

    return move


def relocate(result: CellResult, old_note: str, new_note: str, move: Callable[[int], int]) -> CellResult:
    """Move the note line numbers of a result with `move` (and rename the note)."""
    frame = re.compile(rf'File "{re.escape(old_note)}", line (\d+)')

    def frames(text: str) -> str:
        return frame.sub(lambda m: f'File "{new_note}", line {move(int(m.group(1)))}', text)

    error = result.error
    if error is not None:
        error = replace(error, traceback=frames(error.traceback),
                        line=None if error.line is None else move(error.line))
    examples = None if result.examples is None else [
        {**run, "exception": frames(run["exception"])} if run.get("exception") else run
        for run in result.examples]
    return replace(result, error=error, examples=examples)


def _checksum(key: str, entry: dict[str, Any]) -> str:
    """A digest of an entry's content and its own key: an edited, truncated or swapped file fails it."""
    content = {name: value for name, value in entry.items() if name != "checksum"}
    return hashlib.sha256((key + json.dumps(content, sort_keys=True)).encode()).hexdigest()


class ResultCache:
    """One JSON file per key in ``directory``, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.used: set[str] = set()  # keys hit or written through this object
        self.damaged: list[Cell] = []  # cells whose entry was unreadable: discarded, to be re-run

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def _touch(self, key: str) -> None:
        """Mark an entry as used now (its mtime orders the least recently used)."""
        self.used.add(key)
        try:
            os.utime(self._path(key))
        except OSError:  # pruned meanwhile, or a read-only cache: still a hit
            pass

    def get(self, key: str, cell: Cell, spans: list[Span]) -> CellResult | None:
        """The cached result for ``key``, placed at ``cell``; ``spans`` are where the note's
        cells up to this one are now. None on a miss."""
        try:
            text = self._path(key).read_text(encoding="utf-8")
        except OSError:
            return None
        try:
            entry = json.loads(text)
            if entry.get("schema") != KEY_VERSION or entry.get("checksum") != _checksum(key, entry):
                raise ValueError("checksum mismatch")
            result = CellResult.from_dict(entry["result"])
            result = relocate(result, entry["note"], cell.note, line_mover(entry["spans"], spans))
        except Exception:  # a damaged entry of any shape is discarded and its cell re-run
            self.damaged.append(cell)
            self._path(key).unlink(missing_ok=True)
            return None
        self._touch(key)
        return replace(result, from_cache=True)

    def put(self, key: str, result: CellResult, cell: Cell, spans: list[Span]) -> None:
        """Store ``result``, produced by ``cell`` when the note's cells up to it sat at ``spans``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = {"schema": KEY_VERSION, "note": cell.note, "spans": [[span.fence, span.body] for span in spans],
                 "result": replace(result, from_cache=False).to_dict()}
        entry["checksum"] = _checksum(key, entry)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream)
            os.replace(temporary, self._path(key))
        except BaseException:
            os.unlink(temporary)
            raise
        self.used.add(key)
