"""Real doctests pasted into notes: garden check never fails an example that stdlib doctest passes.

The corpus is the docstring examples of stdlib modules, found with `doctest.DocTestFinder`: one
note per docstring (a first block giving it the module's globals, as doctest does), one python
block per example. Stdlib doctest runs the same examples with ELLIPSIS and NORMALIZE_WHITESPACE.
"""

from __future__ import annotations

import doctest
import importlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from garden.cli import main

MODULES = ("statistics", "fractions", "textwrap", "collections", "difflib", "json")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
FAILURE = re.compile(r"^(notes/[^:]+\.md):(\d+): ")


@dataclass(frozen=True)
class Pasted:
    """One example as pasted into a note, and whether stdlib doctest passes it."""

    note: str
    line: int
    passes_in_doctest: bool


class RecordingRunner(doctest.DocTestRunner):
    """A DocTestRunner that remembers which examples failed."""

    def __init__(self) -> None:
        super().__init__(optionflags=FLAGS, verbose=False)
        self.failed: set[int] = set()

    def report_failure(self, out, test, example, got) -> None:
        self.failed.add(id(example))

    def report_unexpected_exception(self, out, test, example, exc_info) -> None:
        self.failed.add(id(example))


def _prompted(example: doctest.Example) -> list[str]:
    """The example as written in a docstring: prompts, source, expected output."""
    source = example.source.rstrip("\n").split("\n")
    lines = [">>> " + source[0], *("... " + line for line in source[1:])]
    return lines + example.want.rstrip("\n").split("\n") if example.want else lines


def _fence(lines: list[str]) -> str:
    body = "".join(f"  {line}\n" if line.strip() else "\n" for line in lines)
    return f"- ```python\n{body}  ```\n"


def write_corpus(notes: Path) -> list[Pasted]:
    """Write one note per docstring with examples; what stdlib doctest says of each example."""
    pasted: list[Pasted] = []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for test in doctest.DocTestFinder().find(module):
            examples = [example for example in test.examples
                        if not any("```" in line for line in _prompted(example))]
            if not examples:
                continue
            runner = RecordingRunner()
            runner.run(doctest.DocTest(examples, dict(test.globs), test.name, None, None, None),
                       out=lambda _: None, clear_globs=True)
            name = re.sub(r"[^\w.-]", "_", test.name)
            setup = [f"import {module_name} as _module",
                     "globals().update({k: v for k, v in vars(_module).items() if k != '__builtins__'})"]
            text, line = _fence(setup), 1 + len(setup) + 2
            for example in examples:
                lines = _prompted(example)
                pasted.append(Pasted(f"notes/{name}.md", line + 1, id(example) not in runner.failed))
                text += _fence(lines)
                line += len(lines) + 2
            (notes / f"{name}.md").write_text(text, encoding="utf-8")
    return pasted


def test_garden_fails_no_example_that_doctest_passes(tmp_path: Path, monkeypatch, capsys) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "garden.toml").write_text('title = "Doctest corpus"\n', encoding="utf-8")
    pasted = write_corpus(tmp_path / "notes")
    assert len(pasted) >= 200
    monkeypatch.chdir(tmp_path)
    main(["check"])
    output = capsys.readouterr().out
    failed = {(match.group(1), int(match.group(2)))
              for match in map(FAILURE.match, output.splitlines()) if match}
    where = {(example.note, example.line): example for example in pasted}
    assert failed <= where.keys(), f"failures not at an example: {sorted(failed - where.keys())[:5]}"
    wrongly_failed = [key for key in sorted(failed) if where[key].passes_in_doctest]
    assert not wrongly_failed, output
    doctest_failures = sum(not example.passes_in_doctest for example in pasted)
    summary = output.strip().splitlines()[-1]
    passed = int(summary.split(" passed")[0])
    assert passed >= len(pasted) - doctest_failures, summary


@pytest.mark.parametrize(
    ("example", "holds", "holds_in_doctest"),
    [
        (">>> x = [1.0]\n>>> x[0] = float(1.2j)  # doctest: +IGNORE_EXCEPTION_DETAIL\n"
         "Traceback (most recent call last):\nTypeError: can't convert complex to float\n", True, True),
        (">>> x = [1.0]\n>>> x.remove(5)\nTraceback (most recent call last):\nValueError: something else\n",
         False, False),
        (">>> x = [1.0]\n>>> x.remove(5)  # doctest: +IGNORE_EXCEPTION_DETAIL\n"
         "Traceback (most recent call last):\nbuiltins.ValueError: something else\n", True, True),
        (">>> print('a   b')  # doctest: -NORMALIZE_WHITESPACE\na b\n", False, False),
        (">>> list(range(9))  # doctest: -ELLIPSIS\n[0, ..., 8]\n", False, False),
        (">>> 0.1 + 0.2  # doctest: -TOLERANCE\n0.3\n", False, None),
        (">>> 0.1 + 0.2\n0.3\n", True, False),
        (">>> 1 == 1\n1\n", True, True),
        (">>> 1 == 1  # doctest: +DONT_ACCEPT_TRUE_FOR_1\n1\n", False, False),
        (">>> print('a\\n\\nb')  # doctest: +DONT_ACCEPT_BLANKLINE, -NORMALIZE_WHITESPACE\na\n<BLANKLINE>\nb\n",
         False, False),
        (">>> print('a\\n\\nb')  # doctest: -NORMALIZE_WHITESPACE\na\n<BLANKLINE>\nb\n", True, True),
        (">>> undefined_name  # doctest: +SKIP\n42\n", True, True),
    ],
)
def test_doctest_directives_have_doctests_meaning(tmp_path: Path, monkeypatch, capsys, example: str,
                                                  holds: bool, holds_in_doctest: bool | None) -> None:
    if holds_in_doctest is not None:  # None: a garden-only directive, unknown to doctest
        parsed = doctest.DocTestParser().get_doctest(example, {}, "example", None, 0)
        result = doctest.DocTestRunner(optionflags=FLAGS).run(parsed, out=lambda _: None)
        assert (result.failed == 0) is holds_in_doctest
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "Directives.md").write_text(_fence(example.rstrip("\n").split("\n")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == (0 if holds else 1), capsys.readouterr().out


def test_block_wide_doctest_option(tmp_path: Path, monkeypatch, capsys) -> None:
    block = ["#| doctest: +IGNORE_EXCEPTION_DETAIL -TOLERANCE", ">>> int('x')",
             "Traceback (most recent call last):", "ValueError: another message",
             ">>> 0.1 + 0.2", "0.3", ">>> 1 + 1  # doctest: +SKIP", "3"]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "Block.md").write_text(_fence(block), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "notes/Block.md:6: output differs from the example"
    assert lines[-1] == "1 passed, 1 failed, 1 skipped"
