"""The worker process: runs the cells of one note, in one namespace.

Forked by the zygote (garden.run.zygote), which calls `serve`; speaks the protocol of
garden.run.protocol on private copies of stdin/stdout.
"""

from __future__ import annotations

import faulthandler
import linecache
import os
import random
import resource
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO

from garden.run.cells import Cell, CellError, CellResult, not_run
from garden.run.examples import run_examples
from garden.run.execute import run_python
from garden.run.pool import Job, Prelude
from garden.run.protocol import decode_job, encode
from garden.run.reaper import become_subreaper, end_children
from garden.run.spec import run_spec

NUMPY_PRINT_OPTIONS: dict[str, Any] = {
    "precision": 8,
    "threshold": 1000,
    "edgeitems": 3,
    "linewidth": 75,
    "suppress": False,
    "nanstr": "nan",
    "infstr": "inf",
    "sign": "-",
    "floatmode": "maxprec",
    "legacy": False,
}
NUMPY_ERROR_STATE = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space (0 or less: no cap)."""
    if megabytes <= 0:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = megabytes * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def private_channels() -> tuple[TextIO, BinaryIO]:
    """Move the protocol pipes off fds 0/1 so user code cannot read or write them.

    Afterwards fd 0 is /dev/null and fd 1 is a copy of fd 2 (the engine's
    crash log), so stray low-level output cannot corrupt the protocol.
    """
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    return requests, replies


def preload() -> None:
    """Import numpy and garden's numpy backend up front: nearly every note uses them."""
    try:
        import numpy  # noqa: F401

        import garden.nn.blocks  # noqa: F401
    except ImportError:
        pass


def fresh_namespace(home: str) -> dict[str, Any]:
    """Reset process-wide state for a new note and return its namespace."""
    os.chdir(home)
    random.seed(0)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed(0)
        numpy.set_printoptions(**NUMPY_PRINT_OPTIONS)
        numpy.seterr(**NUMPY_ERROR_STATE)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
        sys.modules["matplotlib"].rc_file_defaults()
    module = types.ModuleType("__main__")
    sys.modules["__main__"] = module  # so pickle and dataclasses find user classes
    return module.__dict__


def register_source(note: str, cells: list[Cell]) -> None:
    """Let tracebacks and inspect show python cell lines under the note's name."""
    lines: list[str] = []
    for cell in cells:
        if cell.kind != "python":
            continue
        for offset, text in enumerate(cell.code.source.split("\n")):
            index = cell.code.code_line - 1 + offset
            lines.extend("\n" for _ in range(index + 1 - len(lines)))
            lines[index] = text + "\n"
    linecache.cache[note] = (sum(map(len, lines)), None, lines, note)


def run_cell(cell: Cell, namespace: dict[str, Any]) -> CellResult:
    """Run one cell of any kind in `namespace`."""
    if cell.code.examples is not None:
        return run_examples(cell, namespace)
    if cell.kind == "python":
        return run_python(cell, namespace)
    return run_spec(cell)


def run_preludes(preludes: tuple[Prelude, ...], home: str) -> tuple[dict[str, Any], str | None]:
    """Run the notes a note uses, in order; (the names they define, why one failed or None)."""
    exports: dict[str, Any] = {}
    for prelude in preludes:
        cells = [item.cell for item in prelude.cells]
        register_source(prelude.note, cells)
        namespace = fresh_namespace(home)
        namespace.update(exports)
        for cell in cells:
            result = run_cell(cell, namespace)
            if result.failed and result.error is not None:
                return exports, f"{cell.note}:{result.error.line or cell.line}: {result.error.summary}"
        exports.update((name, value) for name, value in namespace.items() if not name.startswith("_"))
    return exports, None


def _uses_failed(cell: Cell, reason: str) -> CellResult:
    """The result of a note's cell when a note it uses failed."""
    if cell.code.uses:
        error = CellError(type="UsesError", message=f"a used note failed: {reason}", line=cell.line)
        return CellResult(status="error", error=error)
    return not_run(cell, f"a note it uses failed ({reason})")


def run_note(job: Job, send: Callable[[dict[str, Any]], None], home: str) -> None:
    """Run one note's cells in order, after the notes it uses; send each result as soon as it exists."""
    cells = [item.cell for item in job.cells]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
        exports, failure = run_preludes(job.preludes, home)
        register_source(job.note, cells)
        namespace = fresh_namespace(home)
        namespace.update(exports)
        for index, cell in enumerate(cells):
            result = _uses_failed(cell, failure) if failure else run_cell(cell, namespace)
            send({"index": index, "result": result.to_dict()})


def serve(memory_mb: int) -> None:
    """Run the jobs read from stdin until it closes (modules already imported by the zygote)."""
    limit_memory(memory_mb)
    requests, replies = private_channels()
    faulthandler.enable()
    become_subreaper()
    home = os.getcwd()

    def send(message: dict[str, Any]) -> None:
        replies.write(encode(message))
        replies.flush()

    send({"ready": True})
    for line in requests:
        run_note(decode_job(line), send, home)
        end_children()
