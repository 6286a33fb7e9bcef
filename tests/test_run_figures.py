import pytest
from run_helpers import parse_note

from garden.run.engine import run_cells

pytest.importorskip("matplotlib")

NOTE = """```python
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9])
plt.show()
```

```python
fig, axes = plt.subplots(1, 2)
```

```python
print("no figure here")
```
"""


def test_figures_captured_as_deterministic_svg():
    notes = {"F.md": parse_note("F.md", NOTE)}
    first = run_cells(notes, cache_dir=None)
    line_plot, pair, plain = first.results.values()
    assert len(line_plot.figures) == 1 and line_plot.figures[0].startswith("<svg")
    assert line_plot.stderr == ""  # plt.show() on Agg is silent
    assert len(pair.figures) == 1  # one figure with two axes, closed after the cell
    assert plain.figures == []
    again = run_cells(notes, cache_dir=None)
    assert [r.figures for r in again.results.values()] == [r.figures for r in first.results.values()]
