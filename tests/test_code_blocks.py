"""The parse stage's reading of a code block: `#|` options, code, examples and `uses`, once."""

import pickle

import pytest

from garden.code.blocks import code_block
from garden.model import CodeBlock, CodeOptions, OptionProblem
from garden.syntax import make_parser

MD = make_parser()


def python(source: str, line: int = 19) -> CodeBlock:
    return code_block("python", source, line, MD)


def test_defaults_without_options():
    block = python("x = 1\n")
    assert (block.options, block.option_error, block.code, block.body_line) == (CodeOptions(), None, "x = 1\n", 20)


def test_all_keys_parsed():
    source = (
        "#| exec: false\n#| timeout: 2.5\n#| raises: numpy.linalg.LinAlgError\n"
        "#|echo: no\n#| rtol: 1e-6\n#| atol: 0\n#| doctest: +IGNORE_EXCEPTION_DETAIL -TOLERANCE\n"
        "#| uses: [[Other note]], [[Ünïcode]]\nx = 1\n"
    )
    block = python(source, 9)
    assert block.options == CodeOptions(
        exec=False, timeout=2.5, raises="numpy.linalg.LinAlgError", echo=False, rtol=1e-6, atol=0.0,
        doctest=(("IGNORE_EXCEPTION_DETAIL", True), ("TOLERANCE", False)), uses=("Other note", "Ünïcode"),
    )
    assert (block.code, block.body_line) == ("x = 1\n", 18)


def test_options_end_at_the_first_other_line():
    block = python("#| echo: false\n#| exec: true\nprint(1)\n#| not an option\n")
    assert block.code == "print(1)\n#| not an option\n"
    assert block.body_line == 22


@pytest.mark.parametrize(
    ("uses", "titles"),
    [
        ("[[Neuron|the neuron]]", ("Neuron",)),
        ("[[Neuron#Weights]], [[Loss Function]]", ("Neuron", "Loss Function")),
        ("[[[[Nested]] title]]", ("[[Nested]] title",)),
        ("'[[Quoted]]'", ("Quoted",)),
    ],
)
def test_uses_are_read_by_the_link_parser(uses, titles):
    assert python(f"#| uses: {uses}\nx = 1\n").uses == titles


@pytest.mark.parametrize(
    ("source", "line", "fragment"),
    [
        ("#| colour: red\n", 20, "unknown option 'colour'"),
        ("#| exec: false\n#| timeout: -1\n", 21, "timeout"),
        ("#| exec: false\n#| timeout: soon\n", 21, "timeout"),
        ("#| echo: maybe\n", 20, "echo"),
        ("#| raises: not a class\n", 20, "raises"),
        ("#| exec: true\n#| exec: false\n", 21, "twice"),
        ("#| exec false\n", 20, "malformed"),
        ("#| atol: nan\n", 20, "atol"),
        ("#| uses: Neuron\n", 20, "expected links to notes"),
        ("#| uses: [[Neuron]] and more\n", 20, "expected links to notes"),
        ("#| doctest: ELLIPSIS\n", 20, "doctest directives"),
        ("#| doctest: +NO_SUCH_FLAG\n", 20, "doctest directives"),
    ],
)
def test_bad_options_are_the_blocks_error_with_its_note_line(source, line, fragment):
    block = python(source + "x = 1\n")
    assert isinstance(block.option_error, OptionProblem)
    assert block.option_error.line == line
    assert fragment in block.option_error.message
    assert block.options == CodeOptions() and block.code == block.source


def test_examples_carry_note_lines_and_directives():
    block = python("#| doctest: +IGNORE_EXCEPTION_DETAIL\n>>> 1 + 1\n2\n>>> f()  # doctest: +SKIP\n", 4)
    first, skipped = block.examples
    assert (first.source, first.want, first.line) == ("1 + 1\n", "2\n", 6)
    assert skipped.line == 8 and skipped.directives == (("SKIP", True),)
    assert block.skips(skipped) and not block.skips(first)
    assert block.check_lines == [6, 8]


def test_a_plain_block_has_no_examples_and_checks_at_its_fence():
    block = python("print('>>> not a prompt')\n", 7)
    assert block.examples is None and block.check_lines == [7]


def test_the_model_is_plain_data_that_pickles_and_compares_by_value():
    source = "#| uses: [[A]]\n#| doctest: +ELLIPSIS\n>>> 1\n1\n"
    block = python(source)
    assert pickle.loads(pickle.dumps(block)) == block
    assert python(source) == block and hash(python(source)) == hash(block)
    assert python(source.replace("1\n", "2\n")) != block
