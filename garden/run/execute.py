"""Run one python cell in a namespace and describe what happened."""

from __future__ import annotations

import ast
import traceback
from types import CodeType
from typing import Any

from garden.run.capture import OUTPUT_LIMIT, captured
from garden.run.cells import Cell, CellError, CellResult
from garden.run.figures import collect_figures


def compile_cell(cell: Cell) -> tuple[CodeType, CodeType | None]:
    """Compile a cell so that line numbers are the note's line numbers.

    Returns the code for all statements but a trailing expression, and the
    code for that expression (None if the cell does not end with one, or if
    the expression is silenced Jupyter-style with a trailing ';').
    """
    padded = "\n" * (cell.code.body_line - 1) + cell.code.code
    tree = ast.parse(padded, filename=cell.note, mode="exec")
    last = tree.body[-1] if tree.body else None
    if not isinstance(last, ast.Expr) or _silenced(padded, last):
        return compile(tree, cell.note, "exec", dont_inherit=True), None
    body = ast.Module(body=tree.body[:-1], type_ignores=[])
    return (
        compile(body, cell.note, "exec", dont_inherit=True),
        compile(ast.Expression(body=last.value), cell.note, "eval", dont_inherit=True),
    )


def _silenced(padded: str, statement: ast.Expr) -> bool:
    line = padded.split("\n")[statement.end_lineno - 1].encode()
    return line[statement.end_col_offset:].lstrip().startswith(b";")


def _shorten(text: str) -> str:
    if len(text) <= OUTPUT_LIMIT:
        return text
    return text[:OUTPUT_LIMIT] + f"... [repr truncated: {len(text) - OUTPUT_LIMIT} more characters]"


def describe(exc: BaseException, cell: Cell) -> CellError:
    """Summarise an exception, keeping only traceback frames in the note."""
    frames = [frame for frame in traceback.extract_tb(exc.__traceback__) if frame.filename == cell.note]
    text = "".join(traceback.format_exception_only(type(exc), exc))
    if frames:
        stack = "".join(traceback.StackSummary.from_list(frames).format())
        text = "Traceback (most recent call last):\n" + stack + text
        line = frames[-1].lineno
    elif isinstance(exc, SyntaxError) and exc.filename == cell.note:
        line = exc.lineno
    else:
        line = cell.line
    return CellError(type=type(exc).__name__, message=str(exc), traceback=text.rstrip("\n"), line=line)


def matches(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` is an instance of a class called ``name`` (short or dotted)."""
    for klass in type(exc).__mro__:
        if name in (klass.__name__, f"{klass.__module__}.{klass.__qualname__}"):
            return True
    return False


def _evaluate(cell: Cell, namespace: dict[str, Any], figures: list[str]) -> str | None:
    """Run the cell; the trailing value's repr, or its rich form (Jupyter's `_repr_svg_`, then
    `_repr_html_`) into `figures`."""
    body, expression = compile_cell(cell)
    exec(body, namespace)
    if expression is None:
        return None
    value = eval(expression, namespace)
    if value is None:
        return None
    for rich in ("_repr_svg_", "_repr_html_"):
        if callable(getattr(value, rich, None)):
            figure = getattr(value, rich)()
            if isinstance(figure, str):
                figures.append(figure)
                return None
    return _shorten(repr(value))


def run_python(cell: Cell, namespace: dict[str, Any]) -> CellResult:
    """Execute ``cell`` in ``namespace``; never raises."""
    raises = cell.code.options.raises
    value = error = None
    expected = False
    rich: list[str] = []
    with captured() as (out, err):
        try:
            value = _evaluate(cell, namespace, rich)
        except BaseException as exc:  # SystemExit and KeyboardInterrupt are cell errors too
            error = describe(exc, cell)
            expected = raises is not None and matches(exc, raises)
        figures = rich + collect_figures()
    if raises is not None and error is None:
        error = CellError(type="DidNotRaise", message=f"expected {raises}, but the cell raised nothing", line=cell.line)
    status = "ok" if error is None or expected else "error"
    return CellResult(
        status=status,
        stdout=out.getvalue(),
        stderr=err.getvalue(),
        value=value,
        figures=figures,
        error=error,
        expected_error=expected,
    )
