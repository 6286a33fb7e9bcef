"""Behaviour of python cells run through the engine (in worker processes)."""

import pytest
from run_helpers import line_of, parse_note

from garden.run.engine import run_cells

NOTE = """# A note

Some prose.

```python
x = 41
print("to stdout")
import sys
print("to stderr", file=sys.stderr)
```

```python
x += 1
x
```

```python
def boom():
    raise ValueError("bad value")
```

```python
y = 1
boom()
```

```python
#| raises: ValueError
boom()
```

```python
#| raises: KeyError
1 + 1
```

```python
#| exec: false
raise RuntimeError("never")
```

```python
#| echo: false
#| bogus: 1
x
```

```python
import sys
sys.exit(3)
```

```python
print(x, y)
```

```python
import numpy as np
import random
(np.random.rand(), random.random())
```

```python
x;
```
"""

OTHER = """```python
print("other note")
```

```python
x
```
"""


@pytest.fixture(scope="module")
def report():
    notes = {"notes/A.md": parse_note("notes/A.md", NOTE), "notes/B.md": parse_note("notes/B.md", OTHER)}
    return run_cells(notes, cache_dir=None, workers=2)


def result(report, needle, note="notes/A.md", text=NOTE):
    """The result of the cell whose fence is just above the line containing ``needle``."""
    body = line_of(text, needle)
    fence = max(line for (name, line) in report.results if name == note and line < body)
    return report.results[(note, fence)]


def test_stdout_and_stderr_captured(report):
    first = result(report, "x = 41")
    assert first.status == "ok"
    assert first.stdout == "to stdout\n"
    assert first.stderr == "to stderr\n"
    assert first.value is None


def test_namespace_shared_in_order_and_trailing_value(report):
    assert result(report, "x += 1").value == "42"


def test_traceback_lines_point_into_the_note(report):
    failed = result(report, "y = 1")
    assert failed.status == "error"
    assert failed.error.type == "ValueError"
    assert failed.error.message == "bad value"
    raise_line = line_of(NOTE, 'raise ValueError("bad value")')
    call_line = line_of(NOTE, "y = 1") + 1
    assert failed.error.line == raise_line
    assert f'File "notes/A.md", line {call_line}, in <module>' in failed.error.traceback
    assert f'File "notes/A.md", line {raise_line}, in boom' in failed.error.traceback
    assert 'raise ValueError("bad value")' in failed.error.traceback
    assert "worker.py" not in failed.error.traceback and "execute.py" not in failed.error.traceback


def test_expected_exception(report):
    expected = result(report, "#| raises: ValueError")
    assert expected.status == "ok"
    assert expected.expected_error
    assert expected.error.type == "ValueError"


def test_missing_expected_exception_is_an_error(report):
    missing = result(report, "#| raises: KeyError")
    assert missing.status == "error"
    assert not missing.expected_error
    assert "expected KeyError" in missing.error.message


def test_exec_false_is_not_run(report):
    skipped = result(report, "#| exec: false")
    assert skipped.status == "not-run"
    assert skipped.error is None


def test_bad_option_is_an_error_with_its_line(report):
    bad = result(report, "#| bogus: 1")
    assert bad.status == "error"
    assert bad.error.type == "OptionError"
    assert bad.error.line == line_of(NOTE, "#| bogus: 1")


def test_sys_exit_is_a_cell_error_and_later_cells_run(report):
    exited = result(report, "sys.exit(3)")
    assert exited.status == "error"
    assert exited.error.type == "SystemExit"
    assert exited.error.line == line_of(NOTE, "sys.exit(3)")
    assert result(report, "print(x, y)").stdout == "42 1\n"


def test_seeded_randomness(report):
    import random

    import numpy as np

    np.random.seed(0)
    random.seed(0)
    assert result(report, "np.random.rand()").value == repr((np.random.rand(), random.random()))


def test_semicolon_silences_value(report):
    assert result(report, "x;").value is None


def test_notes_have_separate_namespaces_and_counts(report):
    assert result(report, 'print("other note")', "notes/B.md", OTHER).stdout == "other note\n"
    missing = result(report, "x", "notes/B.md", OTHER)
    assert missing.error.type == "NameError"
    # A: 12 cells, one exec:false, one bad option -> 10 ran; B: 2 ran
    assert report.ran == 12
    assert report.cached == 0
    # failures: y=1/boom, raises KeyError, bogus option, sys.exit, B's NameError
    assert report.failed == 5


def test_empty_garden_starts_nothing():
    report = run_cells({"notes/Empty.md": []}, cache_dir=None)
    assert report.results == {} and report.ran == 0
