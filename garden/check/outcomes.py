"""Outcomes of a note's checks: one per example, expected output, expectation or plain block.

`garden check`, the pytest plugin and the page all judge results here, so a verdict is the same
everywhere (the page still shows what blocks after a failure printed; the checks skip them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from garden.check.compare import compare
from garden.check.examples import has_examples, parse_examples
from garden.check.expect import check_expectations
from garden.nn.spec import key_line
from garden.notes import CodeBlock, Note
from garden.run.cells import CellResult
from garden.run.options import CellOptions, OptionError, parse_options, split_options

DEFAULT_RTOL = 1e-6
DEFAULT_ATOL = 1e-9


@dataclass(frozen=True)
class Outcome:
    """The verdict on one check: `passed`, `failed` or `skipped`, with why and a diff.

    `line` is where the check is written (a `>>>`, an `output` fence, a code fence); an error
    inside the code may sit on another line, `error_line`.
    """

    note: str
    line: int
    status: str
    message: str = ""
    diff: str = ""
    error_line: int | None = None

    @property
    def location(self) -> str:
        """`notes/X.md:12`, at the error when there is one."""
        return f"{self.note}:{self.error_line or self.line}"


def _options(code: CodeBlock) -> CellOptions:
    if code.kind != "python":
        return CellOptions()
    try:
        return parse_options(code.source, code.code_line)
    except OptionError:
        return CellOptions()  # the engine already reported it as the block's error


def _tolerances(options: CellOptions) -> tuple[float, float]:
    rtol = DEFAULT_RTOL if options.rtol is None else options.rtol
    atol = DEFAULT_ATOL if options.atol is None else options.atol
    return rtol, atol


def block_sites(code: CodeBlock) -> list[int]:
    """The lines of a block's checks, known without running it: one per `>>>` example, the
    `output` fence of a block that has one, else the block's own fence."""
    if code.kind == "python" and has_examples(code.source):
        option_lines, body = split_options(code.source)
        offset = code.code_line - 1 + len(option_lines)
        return [offset + example.line for example in parse_examples(body)]
    return [code.expected_line or code.line]


def check_sites(note: Note) -> list[int]:
    """Every check of a note by line, in order (what the pytest plugin collects)."""
    return sorted(note.orphan_outputs + [line for code in note.code for line in block_sites(code)])


def _example_outcome(note: str, run: dict[str, Any], rtol: float, atol: float) -> Outcome:
    line = run["line"]
    if run.get("error"):
        return Outcome(note, line, "failed", run["error"], error_line=run.get("error_line"))
    if run.get("skipped"):
        return Outcome(note, line, "skipped", "doctest: +SKIP")
    exception, expected_exception = run.get("exception"), run.get("exc_msg")
    if exception and not expected_exception:
        return Outcome(note, line, "failed", f"unexpected exception: {exception.strip()}")
    if expected_exception and not exception:
        return Outcome(note, line, "failed", f"expected the exception {expected_exception.strip()}, got none",
                       compare(expected_exception, run["got"]).diff)
    if run.get("may_vary"):
        return Outcome(note, line, "passed", "output may vary; not compared")
    want, got = (expected_exception, exception) if exception else (run["want"], run["got"])
    verdict = compare(want, got, rtol, atol)
    if verdict.matched:
        return Outcome(note, line, "passed")
    return Outcome(note, line, "failed", "output differs from the example", verdict.diff)


def _printed(result: CellResult) -> str:
    """What a block showed: its printed output, then the repr of its trailing value."""
    return result.stdout + (result.value + "\n" if result.value is not None else "")


def _judge(note: str, code: CodeBlock, line: int, result: CellResult, rtol: float, atol: float) -> Outcome:
    """The outcome of a block that ran without an unexpected error and has no examples."""
    if code.expected is not None:
        verdict = compare(code.expected, _printed(result), rtol, atol)
        if verdict.matched:
            return Outcome(note, line, "passed")
        return Outcome(note, line, "failed", f"output of the block at line {code.line} differs from the "
                                             "expected output", verdict.diff)
    if code.kind in ("neuron", "network") and result.data is not None:
        misses = check_expectations(code.kind, result.data, rtol, atol)
        if not misses:
            return Outcome(note, line, "passed")
        key_at = key_line(code.source, f"expect.{misses[0][0]}")
        return Outcome(note, line, "failed", "; ".join(message for _, message in misses),
                       error_line=code.line + key_at if key_at else None)
    return Outcome(note, line, "passed")


def block_outcomes(note: str, code: CodeBlock, result: CellResult | None) -> list[Outcome]:
    """One outcome per check site of the block."""
    sites = block_sites(code)
    if result is None or result.status == "not-run":
        reason = result.error.message if result is not None and result.error else "not run (exec: false)"
        return [Outcome(note, line, "skipped", reason) for line in sites]
    if result.failed:
        error = result.error
        first = Outcome(note, sites[0] if sites else code.line, "failed", error.summary if error else result.status,
                        error.traceback if error else "", error.line if error else None)
        rest = [Outcome(note, line, "skipped", f"skipped: {first.location} failed") for line in sites[1:]]
        return [first, *rest]
    rtol, atol = _tolerances(_options(code))
    if result.examples is not None:
        return [_example_outcome(note, run, rtol, atol) for run in result.examples]
    return [_judge(note, code, sites[0], result, rtol, atol)]


def note_outcomes(note: Note, results: dict[tuple[str, int], CellResult]) -> list[Outcome]:
    """Every check of a note, in line order; after a block fails with an error, later ones are skipped."""
    outcomes = [Outcome(note.display, line, "failed", "expected-output block has no python block right before it")
                for line in note.orphan_outputs]
    broken: Outcome | None = None
    for code in note.code:
        if broken is not None:
            outcomes.extend(Outcome(note.display, line, "skipped", f"skipped: {broken.location} failed with an "
                                                                   "error earlier in this note")
                            for line in block_sites(code))
            continue
        result = results.get((note.display, code.line))
        block = block_outcomes(note.display, code, result)
        outcomes.extend(block)
        if result is not None and result.failed:
            broken = block[0]
    return sorted(outcomes, key=lambda outcome: outcome.line)
