import pytest

from garden.run.options import CellOptions, OptionError, parse_options, split_options


def test_defaults_without_options():
    assert parse_options("x = 1\n") == CellOptions()


def test_all_keys_parsed():
    source = (
        "#| exec: false\n#| timeout: 2.5\n#| raises: numpy.linalg.LinAlgError\n"
        "#|echo: no\n#| rtol: 1e-6\n#| atol: 0\n#| uses: [[Other note]], [[Ünïcode]]\nx = 1\n"
    )
    options = parse_options(source, 10)
    assert options == CellOptions(
        exec=False, timeout=2.5, raises="numpy.linalg.LinAlgError", echo=False, rtol=1e-6, atol=0.0, uses=("Other note", "Ünïcode")
    )


def test_split_options_keeps_body():
    lines, body = split_options("#| echo: false\n#| exec: true\nprint(1)\n#| not an option\n")
    assert lines == ["#| echo: false", "#| exec: true"]
    assert body == "print(1)\n#| not an option\n"


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
    ],
)
def test_bad_options_raise_with_note_line(source, line, fragment):
    with pytest.raises(OptionError) as caught:
        parse_options(source, 20)
    assert caught.value.line == line
    assert fragment in caught.value.message
