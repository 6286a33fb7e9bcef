"""Outcomes of a note's checks: one per example, expected output, expectation or plain block.

`garden check`, the pytest plugin and the page all judge results here, so a verdict is the same
everywhere (the page still shows what blocks after a failure printed; the checks skip them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from garden.check.compare import DEFAULT_ATOL, DEFAULT_RTOL, compare, exception_matches, flags_for
from garden.check.expect import check_expectations
from garden.model import CodeBlock, Example, Note
from garden.nn.spec import key_line
from garden.run.cells import CellResult


@dataclass(frozen=True)
class Outcome:
    """The verdict on one check: `passed`, `failed` or `skipped`, with why and a diff.

    `line` is where the check is written (a `>>>`, an `output` fence, a code fence); an error
    inside the code may sit on another line, `error_line`. `how` says how a passed check matched
    (`numeric` when only within the tolerance).
    """

    note: str
    line: int
    status: str
    message: str = ""
    diff: str = ""
    error_line: int | None = None
    how: str = ""

    @property
    def location(self) -> str:
        """`notes/X.md:12`, at the error when there is one."""
        return f"{self.note}:{self.error_line or self.line}"


@dataclass(frozen=True)
class Judging:
    """How a block's outputs are compared: doctest flags and numeric tolerances."""

    flags: int
    rtol: float
    atol: float

    @classmethod
    def of(cls, code: CodeBlock, example: Example | None = None) -> Judging:
        """The block's options, refined by one example's `# doctest:` directives."""
        options = code.options
        flags = flags_for(options.doctest, example.directives if example else ())
        return cls(flags, DEFAULT_RTOL if options.rtol is None else options.rtol,
                   DEFAULT_ATOL if options.atol is None else options.atol)


def _example_outcome(note: str, code: CodeBlock, example: Example, run: dict[str, Any]) -> Outcome:
    line = example.line
    if example.syntax_error:
        return Outcome(note, line, "failed", example.syntax_error, error_line=example.error_line)
    if code.skips(example):
        return Outcome(note, line, "skipped", "doctest: +SKIP")
    judging = Judging.of(code, example)
    exception, expected_exception = run.get("exception"), example.exc_msg
    if exception and not expected_exception:
        return Outcome(note, line, "failed", f"unexpected exception: {exception.strip()}")
    if example.may_vary:
        return Outcome(note, line, "passed", "output may vary; not compared")
    if exception:
        verdict = exception_matches(expected_exception, exception, judging.flags, judging.rtol, judging.atol)
    else:
        verdict = compare(example.want, run["got"], judging.flags, judging.rtol, judging.atol)
    if verdict.matched:
        return Outcome(note, line, "passed", how=verdict.how)
    if expected_exception and not exception:
        return Outcome(note, line, "failed", f"expected the exception {expected_exception.strip()}, got none",
                       verdict.diff)
    return Outcome(note, line, "failed", "output differs from the example", verdict.diff)


def _printed(result: CellResult) -> str:
    """What a block showed: its printed output, then the repr of its trailing value."""
    return result.stdout + (result.value + "\n" if result.value is not None else "")


def _judge(note: str, code: CodeBlock, line: int, result: CellResult) -> Outcome:
    """The outcome of a block that ran without an unexpected error and has no examples."""
    judging = Judging.of(code)
    if code.expected is not None:
        verdict = compare(code.expected, _printed(result), judging.flags, judging.rtol, judging.atol)
        if verdict.matched:
            return Outcome(note, line, "passed", how=verdict.how)
        return Outcome(note, line, "failed", f"output of the block at line {code.line} differs from the "
                                             "expected output", verdict.diff)
    if code.kind in ("neuron", "network") and result.data is not None:
        misses = check_expectations(code.kind, result.data, judging.rtol, judging.atol)
        if not misses:
            return Outcome(note, line, "passed")
        key_at = key_line(code.source, f"expect.{misses[0][0]}")
        return Outcome(note, line, "failed", "; ".join(message for _, message in misses),
                       error_line=code.line + key_at if key_at else None)
    return Outcome(note, line, "passed")


def block_outcomes(note: str, code: CodeBlock, result: CellResult | None) -> list[Outcome]:
    """One outcome per check of the block."""
    sites = code.check_lines
    if result is None or result.status == "not-run":
        reason = result.error.message if result is not None and result.error else "not run (exec: false)"
        return [Outcome(note, line, "skipped", reason) for line in sites]
    if result.failed:
        error = result.error
        first = Outcome(note, sites[0] if sites else code.line, "failed", error.summary if error else result.status,
                        error.traceback if error else "", error.line if error else None)
        rest = [Outcome(note, line, "skipped", f"skipped: {first.location} failed") for line in sites[1:]]
        return [first, *rest]
    if code.examples is not None and result.examples is not None:
        return [_example_outcome(note, code, example, run) for example, run in zip(code.examples, result.examples)]
    return [_judge(note, code, sites[0], result)]


def note_outcomes(note: Note, results: dict[tuple[str, int], CellResult]) -> list[Outcome]:
    """Every check of a note, in line order; after a block fails with an error, later ones are skipped."""
    outcomes = [Outcome(note.display, line, "failed", "expected-output block has no python block right before it")
                for line in note.orphan_outputs]
    broken: Outcome | None = None
    for code in note.code:
        if broken is not None:
            outcomes.extend(Outcome(note.display, line, "skipped", f"skipped: {broken.location} failed with an "
                                                                   "error earlier in this note")
                            for line in code.check_lines)
            continue
        result = results.get((note.display, code.line))
        block = block_outcomes(note.display, code, result)
        outcomes.extend(block)
        if result is not None and result.failed:
            broken = block[0]
    return sorted(outcomes, key=lambda outcome: outcome.line)
