"""Running a python block written as `>>>` examples, one example at a time, as doctest does."""

from __future__ import annotations

import traceback
from typing import Any

from garden.check.examples import Example, parse_examples
from garden.run.capture import captured
from garden.run.cells import Cell, CellResult
from garden.run.options import split_options


def _run_example(example: Example, cell: Cell, line: int, namespace: dict[str, Any]) -> dict[str, Any]:
    """What one example printed (with its display value), and the exception it raised, if any."""
    exception = None
    with captured() as (out, _):
        try:
            code = compile("\n" * (line - 1) + example.source, cell.note, "single", dont_inherit=True)
            exec(code, namespace)
        except BaseException as exc:  # the example's exception is its output, as in doctest
            exception = "".join(traceback.format_exception_only(type(exc), exc))
    return {"line": line, "want": example.want, "got": out.getvalue(), "exception": exception}


def run_examples(cell: Cell, namespace: dict[str, Any]) -> CellResult:
    """Run every example of `cell` in `namespace`; each example's outcome goes in `examples`."""
    option_lines, body = split_options(cell.source)
    first_line = cell.code_line + len(option_lines)
    runs = []
    for example in parse_examples(body):
        line = first_line - 1 + example.line
        base = {"line": line, "want": example.want, "exc_msg": example.exc_msg, "may_vary": example.may_vary}
        if example.syntax_error:
            error_line = first_line - 1 + (example.error_line or example.line)
            runs.append({**base, "error": example.syntax_error, "error_line": error_line})
        elif example.skip:
            runs.append({**base, "skipped": True})
        else:
            runs.append({**base, **_run_example(example, cell, line, namespace)})
    return CellResult(status="ok", examples=runs)
