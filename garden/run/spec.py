"""Run a neuron/network block through garden.nn.blocks (imported lazily)."""

from __future__ import annotations

import json

from garden.run.capture import captured
from garden.run.cells import Cell, CellError, CellResult
from garden.run.execute import describe, matches


def _spec_error(exc: BaseException, cell: Cell) -> CellError:
    """Map a SpecError to the note; its ``line`` is 1-based within the block. A missing optional
    package is its message alone, which names the package and how to install it."""
    message = getattr(exc, "message", str(exc))
    key = getattr(exc, "key", None)
    line = getattr(exc, "line", None)
    return CellError(
        type="" if matches(exc, "MissingPackage") else "SpecError",
        message=f"{key}: {message}" if key else message,
        line=cell.line if line is None else cell.code.code_line + line - 1,
    )


def run_spec(cell: Cell) -> CellResult:
    """Execute a neuron/network cell with ``execute_spec``; never raises."""
    data = error = None
    with captured() as (out, err):
        try:
            from garden.nn.blocks import execute_spec

            data = execute_spec(cell.kind, cell.code.source)
            json.dumps(data)  # the result must survive the trip to the parent
        except BaseException as exc:
            error = _spec_error(exc, cell) if matches(exc, "SpecError") else describe(exc, cell)
    return CellResult(
        status="ok" if error is None else "error",
        stdout=out.getvalue(),
        stderr=err.getvalue(),
        data=None if error else data,
        error=error,
    )
