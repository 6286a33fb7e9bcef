"""On-disk cache of cell results, keyed by a hash chain over a note's cells.

The key of a cell is ``sha256(json([KEY_VERSION, previous, kind, code,
options, fingerprint]))`` where ``previous`` is the key of the cell before
it in the note (for the first cell: the note's seed string), ``code`` is the
cell body without its ``#|`` option lines, ``options`` are those that change
execution (exec, timeout, raises) and ``fingerprint`` names the Python,
numpy and garden versions. Prose and the ``echo`` option are not part of it.

Entries remember where the cell body was when it ran; a hit is moved to the
cell's current position, so line numbers survive prose edits above it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any

import garden
from garden.run.cells import Cell, CellResult

KEY_VERSION = "garden-run-1"


def environment_fingerprint() -> str:
    """The versions a cached result depends on."""
    try:
        numpy_version = metadata.version("numpy")
    except metadata.PackageNotFoundError:
        numpy_version = "none"
    garden_version = getattr(garden, "__version__", "0")
    return f"python {sys.version}; numpy {numpy_version}; garden {garden_version}"


def cell_key(previous: str, kind: str, code: str, options: dict[str, Any], fingerprint: str) -> str:
    """One link of a note's key chain."""
    payload = json.dumps([KEY_VERSION, previous, kind, code, options, fingerprint], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def relocate(result: CellResult, old_note: str, new_note: str, delta: int) -> CellResult:
    """Shift the note line numbers of a result by ``delta`` (and rename the note)."""
    error = result.error
    if error is None or (delta == 0 and old_note == new_note):
        return result
    frame = re.compile(rf'File "{re.escape(old_note)}", line (\d+)')
    text = frame.sub(lambda m: f'File "{new_note}", line {int(m.group(1)) + delta}', error.traceback)
    line = None if error.line is None else error.line + delta
    return replace(result, error=replace(error, traceback=text, line=line))


class ResultCache:
    """One JSON file per key in ``directory``, written atomically."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str, cell: Cell, body_line: int) -> CellResult | None:
        """The cached result for ``key``, placed at ``cell``; None on a miss."""
        try:
            entry = json.loads(self._path(key).read_text(encoding="utf-8"))
            result = CellResult.from_dict(entry["result"])
            result = relocate(result, entry["note"], cell.note, body_line - entry["body_line"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return replace(result, from_cache=True)

    def put(self, key: str, result: CellResult, cell: Cell, body_line: int) -> None:
        """Store ``result``, produced by ``cell`` whose body started at ``body_line``."""
        self.directory.mkdir(parents=True, exist_ok=True)
        entry = {"note": cell.note, "body_line": body_line, "result": replace(result, from_cache=False).to_dict()}
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(entry, stream)
            os.replace(temporary, self._path(key))
        except BaseException:
            os.unlink(temporary)
            raise
