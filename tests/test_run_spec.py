import pytest
from run_helpers import parse_note

from garden.run.engine import run_cells

pytest.importorskip("garden.nn.blocks")


def test_invalid_spec_is_a_cell_error_located_in_the_note():
    note = "Prose.\n\n```neuron\nweights = = 1\n```\n\n```python\nprint('python still runs')\n```\n"
    report = run_cells({"S.md": parse_note("S.md", note)}, cache_dir=None)
    spec, python = report.results[("S.md", 3)], report.results[("S.md", 7)]
    assert spec.status == "error"
    assert spec.error.type == "SpecError"
    assert spec.error.line == 4
    assert python.stdout == "python still runs\n"
