"""In-process unit tests of the cell executor (the engine itself never runs cells in-process)."""

from garden.run.capture import OUTPUT_LIMIT, CappedText
from garden.run.cells import Cell
from garden.run.execute import matches, run_python
from run_helpers import cell as make_cell


def cell(source: str, code_line: int = 5) -> Cell:
    return make_cell("notes/T.md", code_line - 1, "python", source)


def test_trailing_expression_value_and_silencing():
    namespace: dict = {}
    assert run_python(cell("a = 2\na * 21\n"), namespace).value == "42"
    assert run_python(cell("a * 21;\n"), namespace).value is None
    assert run_python(cell("None\n"), namespace).value is None
    assert run_python(cell("for i in range(2):\n    i\n"), namespace).value is None


def test_syntax_error_points_into_note():
    result = run_python(cell("x = 1\ny = (\n", code_line=30), {})
    assert result.status == "error"
    assert result.error.type == "SyntaxError"
    assert result.error.line == 31
    assert 'File "notes/T.md", line 31' in result.error.traceback


def test_capped_text_truncates_and_says_so():
    stream = CappedText(limit=10)
    stream.write("0123456789abc")
    stream.write("def")
    text = stream.getvalue()
    assert text.startswith("0123456789\n")
    assert "6 more characters" in text
    assert OUTPUT_LIMIT >= 1_000_000


def test_raises_matches_subclasses_and_dotted_names():
    error = FileNotFoundError("x")
    assert matches(error, "OSError")
    assert matches(error, "builtins.FileNotFoundError")
    assert not matches(error, "KeyError")
