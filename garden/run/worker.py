"""The worker process: runs the cells of one note, in one namespace.

Forked by the zygote (garden.run.zygote), which calls `serve`; speaks the protocol of
garden.run.protocol on private copies of stdin/stdout.
"""

from __future__ import annotations

import base64
import faulthandler
import linecache
import os
import pickle
import random
import resource
import sys
import types
import warnings
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO

import cloudpickle

from garden.run.cells import Cell, CellResult, uses_blocked
from garden.run.examples import run_examples
from garden.run.execute import run_python
from garden.run.jobs import Handed, Job
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


def receive(uses: tuple[Handed, ...], namespace: dict[str, Any]) -> str | None:
    """Put the names of the used notes into `namespace`, dependencies first; why they cannot be, or None."""
    for handed in uses:
        if not handed.names:
            continue
        try:
            namespace.update(pickle.loads(handed.names))
        except Exception as error:  # e.g. a module the used note imported is missing here
            return f"uses [[{handed.title}]]: its names cannot be unpickled here: {type(error).__name__}: {error}"
    return None


def hand_on(namespace: dict[str, Any]) -> dict[str, Any]:
    """The note's top-level names (not starting with `_`) pickled for its dependents, and the
    names that cannot be, each with why; as a protocol message."""
    names = {name: value for name, value in namespace.items() if not name.startswith("_")}
    refused: dict[str, str] = {}
    try:
        blob = cloudpickle.dumps(names)
    except Exception:
        for name, value in names.items():
            try:
                cloudpickle.dumps(value)
            except Exception as error:
                refused[name] = f"{type(error).__name__}: {error}"
        kept = {name: value for name, value in names.items() if name not in refused}
        try:
            blob = cloudpickle.dumps(kept)
        except Exception as error:  # the names pickle one by one but not together
            blob = cloudpickle.dumps({})
            refused.update((name, f"{type(error).__name__}: {error}") for name in kept)
    return {"names": base64.b64encode(blob).decode("ascii"), "refused": [[name, why] for name, why in refused.items()]}


def run_note(job: Job, send: Callable[[dict[str, Any]], None], home: str) -> None:
    """Run one note's cells in order, with the names of the notes it uses; send each result as soon
    as it exists, then (when asked) the note's own names."""
    cells = [item.cell for item in job.cells]
    failed = False
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
        register_source(job.note, cells)
        namespace = fresh_namespace(home)
        blocked = receive(job.uses, namespace)
        for index, cell in enumerate(cells):
            result = uses_blocked(cell, blocked) if blocked else run_cell(cell, namespace)
            failed = failed or result.failed
            send({"index": index, "result": result.to_dict()})
        if job.export:
            send({"names": None, "refused": []} if failed else hand_on(namespace))


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
