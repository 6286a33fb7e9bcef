"""HTML for what a code block produced at build time: streams, values, figures, errors, specs."""

from __future__ import annotations

from html import escape

from garden.nn.blocks import render_spec_result
from garden.run.cells import CellResult


def _pre(css: str, text: str) -> str:
    return f'<pre class="{css}">{escape(text)}</pre>' if text else ""


def _error(result: CellResult, css: str) -> str:
    error = result.error
    if error is None:
        return ""
    text = error.traceback.strip()
    if error.message not in text:
        text = f"{text}\n{error.summary}".strip()
    return f'<div class="{css}"><pre class="traceback">{escape(text)}</pre></div>'


def render_output(kind: str, result: CellResult | None) -> str:
    """The `<div class="output">` under a code block ("output error" when it failed)."""
    if result is None or (result.status == "not-run" and result.error is None):
        return ""
    if result.failed or result.status == "not-run":
        return _error(result, "output error")
    if kind in ("neuron", "network") and result.data is not None:
        return f'<div class="output spec-output">{render_spec_result(kind, result.data)}</div>'
    parts = [
        _pre("stdout", result.stdout),
        _pre("stderr", result.stderr),
        _pre("value", result.value or ""),
        *(f'<div class="figure">{svg}</div>' for svg in result.figures),
    ]
    if result.expected_error:
        parts.append(_error(result, "expected-error"))
    body = "".join(parts)
    return f'<div class="output">{body}</div>' if body else ""
