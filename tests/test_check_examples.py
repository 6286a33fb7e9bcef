"""Parsing `>>>` examples out of code block bodies."""

import doctest

import pytest

from garden.code.examples import has_examples, parse_examples
from garden.model import Example


def test_simple_example():
    assert parse_examples(">>> 1 + 1\n2\n", 1) == (Example("1 + 1\n", "2\n", 1),)


def test_lines_continuations_and_prose():
    body = (
        "Some setup:\n"
        "\n"
        ">>> x = 2\n"
        ">>> def double(n):\n"
        "...     return 2 * n\n"
        "\n"
        "and then\n"
        ">>> double(x)\n"
        "4\n"
        ">>> print('a\\n\\nb')\n"
        "a\n"
        "<BLANKLINE>\n"
        "b\n"
    )
    examples = parse_examples(body, 1)
    assert [(e.source, e.want, e.line) for e in examples] == [
        ("x = 2\n", "", 3),
        ("def double(n):\n    return 2 * n\n", "", 4),
        ("double(x)\n", "4\n", 8),
        ("print('a\\n\\nb')\n", "a\n<BLANKLINE>\nb\n", 10),
    ]
    assert all(e.syntax_error is None and not e.directives and not e.may_vary for e in examples)


def test_indented_examples_and_tabs():
    examples = parse_examples("    >>> [1,\n    ...  2]\n    [1, 2]\n\t>>> 3\n\t3\n", 1)
    assert [(e.source, e.want, e.line) for e in examples] == [("[1,\n 2]\n", "[1, 2]\n", 1), ("3\n", "3\n", 4)]


def test_skip_directive():
    (example,) = parse_examples(">>> slow()  # doctest: +SKIP\n42\n", 1)
    assert example.directives == (("SKIP", True),)
    assert not example.may_vary and example.syntax_error is None


def test_other_directives_are_kept_by_name():
    (example,) = parse_examples(">>> f()  # doctest: +ELLIPSIS, -NORMALIZE_WHITESPACE\n", 1)
    assert example.directives == (("ELLIPSIS", True), ("NORMALIZE_WHITESPACE", False))


@pytest.mark.parametrize("comment", ["# may vary", "#may vary  ", "# May vary"])
def test_may_vary(comment):
    (example,) = parse_examples(f">>> time.time()  {comment}\n1700000000.0\n", 1)
    assert example.may_vary and not example.directives
    assert example.want == "1700000000.0\n"


def test_may_vary_only_when_trailing():
    (example,) = parse_examples(">>> print('# may vary here')\n# may vary here\n", 1)
    assert not example.may_vary


def test_expected_traceback():
    body = ">>> 1/0\nTraceback (most recent call last):\n  ...\nZeroDivisionError: division by zero\n"
    (example,) = parse_examples(body, 1)
    assert example.exc_msg == "ZeroDivisionError: division by zero\n"
    assert example.want.startswith("Traceback")


def test_syntax_error_is_reported_not_raised():
    body = ">>> 1\n1\n>>> x = = 1\n>>> 2\n2\n"
    first, broken, last = parse_examples(body, 1)
    assert (first.syntax_error, last.syntax_error) == (None, None)
    assert (broken.source, broken.line) == ("x = = 1\n", 3)
    assert broken.syntax_error == "SyntaxError: invalid syntax"
    assert broken.error_line == 3


def test_syntax_error_on_a_continuation_line():
    (example,) = parse_examples("\n>>> def f():\n...     return = 1\n", 1)
    assert example.line == 2 and example.error_line == 3
    assert example.syntax_error.startswith("SyntaxError")


def test_indentation_error_is_named():
    (example,) = parse_examples(">>> if True:\n... pass\n", 1)
    assert example.syntax_error.startswith("IndentationError")


@pytest.mark.parametrize(
    "body, reason",
    [
        (">>>x\n", "lacks blank after >>>"),
        (">>> f()  # doctest: +NO_SUCH_OPTION\n", "invalid option"),
        (">>> # doctest: +SKIP\n", "no example"),
        ("  >>> x\n 1\n", "inconsistent leading whitespace"),
    ],
)
def test_malformed_examples_are_reported_not_raised(body, reason):
    examples = parse_examples(">>> 1\n1\n" + body + ">>> 2\n2\n", 1)
    assert [e.want for e in (examples[0], examples[-1])] == ["1\n", "2\n"]
    (broken,) = examples[1:-1]
    assert broken.line == 3 and broken.error_line is not None and broken.error_line >= 3
    assert broken.syntax_error.startswith("malformed example") and reason in broken.syntax_error


def test_malformed_example_keeps_source_and_want():
    (example,) = parse_examples(">>>print(1)\n... \n1\n\nprose\n", 1)
    assert (example.source, example.want) == ("print(1)\n\n", "1\n")


def test_comment_only_prompt_is_no_example():
    assert parse_examples(">>> # just a note\n>>>\n", 1) == ()


def test_has_examples():
    assert has_examples(">>> 1\n1\n")
    assert has_examples("text\n    >>> 1\n")
    assert has_examples("\t>>> 1\n")
    assert not has_examples("print(1)\nx = '>>> not a prompt'\n")
    assert not has_examples("")


def test_agrees_with_doctest_parser():
    body = (
        ">>> a = [1,\n...      2]\n>>> a\n[1, 2]\n\nprose\n>>> print('x')  # doctest: +ELLIPSIS\nx\n"
        ">>> raise KeyError('k')\nTraceback (most recent call last):\nKeyError: 'k'\n"
    )
    theirs = [p for p in doctest.DocTestParser().parse(body) if isinstance(p, doctest.Example)]
    ours = parse_examples(body, 1)
    assert [(e.source, e.want, e.lineno + 1, e.exc_msg) for e in theirs] == [
        (e.source, e.want, e.line, e.exc_msg) for e in ours
    ]
