"""Running a python block written as `>>>` examples, one example at a time, as doctest does."""

from __future__ import annotations

import sys
import traceback
from typing import Any

from garden.model import Example
from garden.run.capture import captured
from garden.run.cells import Cell, CellResult


def exception_line(exc: BaseException) -> str:
    """The `Type: message` text doctest compares with an expected traceback's last lines."""
    formatted = traceback.format_exception_only(type(exc), exc)
    if sys.version_info >= (3, 13) and isinstance(exc, SyntaxError):
        names = (f"{type(exc).__qualname__}:", f"{type(exc).__module__}.{type(exc).__qualname__}:")
        start = next((index for index, line in enumerate(formatted) if line.startswith(names)), 0)
        return "".join(formatted[start:])
    return formatted[-1]


def _run_example(example: Example, cell: Cell, namespace: dict[str, Any]) -> dict[str, Any]:
    """What one example printed (with its display value), and the exception it raised, if any."""
    exception = None
    with captured() as (out, _):
        try:
            code = compile("\n" * (example.line - 1) + example.source, cell.note, "single", dont_inherit=True)
            exec(code, namespace)
        except BaseException as exc:  # the example's exception is its output, as in doctest
            exception = exception_line(exc)
    got = out.getvalue()
    if got and not got.endswith("\n"):
        got += "\n"  # as doctest's output capture does
    return {"got": got, "exception": exception}


def run_examples(cell: Cell, namespace: dict[str, Any]) -> CellResult:
    """Run every example of `cell` in `namespace`, in order; one record per example in `examples`
    (an empty one for examples that cannot run or are skipped)."""
    runs = []
    for example in cell.code.examples or ():
        if example.syntax_error or cell.code.skips(example):
            runs.append({})
        else:
            runs.append(_run_example(example, cell, namespace))
    return CellResult(status="ok", examples=runs)
