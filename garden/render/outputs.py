"""HTML for what a code block produced at build time: streams, values, figures, errors, specs."""

from __future__ import annotations

from html import escape

from garden.check.outcomes import Outcome, block_outcomes
from garden.nn.blocks import render_spec_result
from garden.model import CodeBlock
from garden.render.sanitize import sanitize
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


def _checks(outcomes: list[Outcome]) -> str:
    """How the block's examples or expectations fared, with a diff for each miss."""
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    passed = sum(outcome.status == "passed" for outcome in outcomes)
    if not failed:
        return f'<div class="output checks passed">✓ {passed} of {len(outcomes)} checks hold</div>' if passed else ""
    misses = "".join(f'<pre class="check-diff">{escape(outcome.location)}: {escape(outcome.message)}'
                     f'{escape(chr(10) + outcome.diff) if outcome.diff else ""}</pre>' for outcome in failed)
    return f'<div class="output error checks">✗ {len(failed)} of {len(outcomes)} checks fail{misses}</div>'


def render_output(note: str, code: CodeBlock, result: CellResult | None, raw: bool = False) -> str:
    """The `<div class="output">` under a code block ("output error" when it failed, "output
    pending" while it waits to run).

    Rich outputs (figures, `_repr_html_`) pass through the sanitiser unless `raw`.
    """
    if result is None or (result.status == "not-run" and result.error is None):
        return ""
    if result.status == "pending":
        return '<div class="output pending" role="status">running…</div>'
    if result.failed or result.status == "not-run":
        return _error(result, "output error")
    checked = result.examples is not None or code.expected is not None or (result.data or {}).get("expect")
    checks = _checks(block_outcomes(note, code, result)) if checked else ""
    if code.kind in ("neuron", "network") and result.data is not None:
        return f'<div class="output spec-output">{render_spec_result(code.kind, result.data)}</div>{checks}'
    if result.examples is not None:
        return checks
    parts = [
        _pre("stdout", result.stdout),
        _pre("stderr", result.stderr),
        _pre("value", result.value or ""),
        *(f'<div class="figure">{figure if raw else sanitize(figure)}</div>' for figure in result.figures),
    ]
    if result.expected_error:
        parts.append(_error(result, "expected-error"))
    body = "".join(parts)
    return (f'<div class="output">{body}</div>' if body else "") + checks
