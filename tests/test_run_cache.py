"""The on-disk result cache and its key chain."""

import json
import threading
import time

import pytest
from run_helpers import line_of, parse_note

import garden.run.engine
from garden.run.engine import run_cells
from garden.run.executor import RunCancelled
from garden.run.cache import environment_fingerprint
from garden.run.plan import prepare

NOTE = """# Cached

```python
import random
state = [random.random()]
```

```python
state.append(len(state))
```

```python
print(state[1])
```

```python
raise ValueError("cached failure")
```
"""


def run(text, cache_dir, note="C.md", **options):
    return run_cells({note: parse_note(note, text)}, cache_dir=cache_dir, **options)


def forbid_workers(monkeypatch):
    """Make any attempt to start workers fail."""
    monkeypatch.setattr(garden.run.engine, "LocalExecutor", None)


def test_first_run_fills_the_cache(tmp_path):
    first = run(NOTE, tmp_path)
    assert (first.ran, first.cached, first.failed) == (4, 0, 1)
    assert len(list(tmp_path.glob("*.json"))) == 4


def test_cache_hit_starts_no_worker(tmp_path, monkeypatch):
    first = run(NOTE, tmp_path)
    forbid_workers(monkeypatch)
    second = run(NOTE, tmp_path)
    assert (second.ran, second.cached, second.failed) == (0, 4, 1)
    assert all(result.from_cache for result in second.results.values())
    failure = second.results[("C.md", 16)]
    assert failure.status == "error" and failure.error.message == "cached failure"
    assert [r.stdout for r in second.results.values()] == [r.stdout for r in first.results.values()]


def test_changed_cell_reruns_from_there_with_rebuilt_state(tmp_path):
    run(NOTE, tmp_path)
    edited = NOTE.replace("print(state[1])", "print(state[1], len(state))")
    report = run(edited, tmp_path)
    assert (report.ran, report.cached) == (2, 2)
    assert report.results[("C.md", 3)].from_cache and report.results[("C.md", 8)].from_cache
    assert report.results[("C.md", 12)].stdout == "1 2\n"  # earlier cells were replayed


def test_prose_and_echo_edits_change_nothing(tmp_path, monkeypatch):
    run(NOTE, tmp_path)
    forbid_workers(monkeypatch)
    edited = "Intro prose.\n\nMore prose.\n" + NOTE.replace("```python\nprint", "```python\n#| echo: false\nprint")
    report = run(edited, tmp_path)
    assert (report.ran, report.cached) == (0, 4)
    raise_line = line_of(edited, "raise ValueError")
    failure = report.results[("C.md", raise_line - 1)]
    assert failure.error.line == raise_line  # moved along with the cell
    assert f'File "C.md", line {raise_line}' in failure.error.traceback


def test_execution_options_change_the_key():
    fingerprint = environment_fingerprint()

    def keys(source):
        return [item.key for item in prepare(parse_note("K.md", source), seed="", fingerprint=fingerprint, timeout=30)]

    plain = keys("```python\nx = 1\n```\n\n```python\nx\n```\n")
    assert keys("Prose\n\n```python\n#| echo: false\nx = 1\n```\n\n```python\nx\n```\n") == plain
    for option in ("timeout: 5", "raises: KeyError", "exec: false"):
        changed = keys(f"```python\n#| {option}\nx = 1\n```\n\n```python\nx\n```\n")
        assert changed[0] != plain[0] and changed[1] != plain[1]  # the chain carries it on
    assert keys("```python\nx = 2\n```\n\n```python\nx\n```\n")[1] != plain[1]


def test_refresh_and_seed_rerun(tmp_path):
    run(NOTE, tmp_path)
    assert run(NOTE, tmp_path, refresh=True).ran == 4
    assert run(NOTE, tmp_path, seeds={"C.md": "dependency changed"}).ran == 4


def test_corrupt_entry_is_a_miss(tmp_path):
    run(NOTE, tmp_path)
    for path in tmp_path.glob("*.json"):
        if "cached failure" in path.read_text():
            path.write_text("{not json")
    report = run(NOTE, tmp_path)
    assert (report.ran, report.cached) == (1, 3)
    assert all(json.loads(path.read_text()) for path in tmp_path.glob("*.json"))  # rewritten whole


def test_a_timeout_is_not_cached_and_a_cached_crash_skips_the_rest_without_a_worker(tmp_path, monkeypatch):
    slow = "```python\n#| timeout: 0.3\nwhile True: pass\n```\n\n```python\n1\n```\n"
    assert run(slow, tmp_path).results[("C.md", 1)].status == "timeout"
    again = run(slow, tmp_path)
    assert (again.results[("C.md", 1)].status, again.results[("C.md", 1)].from_cache, again.ran) == ("timeout", False, 1)
    crash = "```python\nimport os\nos._exit(3)\n```\n\n```python\n1\n```\n"
    assert run(crash, tmp_path).results[("C.md", 1)].status == "crash"
    forbid_workers(monkeypatch)
    second = run(crash.replace("1\n```\n", "2\n```\n"), tmp_path)
    assert second.results[("C.md", 1)].from_cache
    assert second.results[("C.md", 6)].status == "not-run"

def test_cached_only_takes_what_the_cache_holds_and_leaves_the_rest_pending(tmp_path, monkeypatch):
    run(NOTE, tmp_path)
    forbid_workers(monkeypatch)
    report = run(NOTE.replace("print(state[1])", "print(state[1] * 2)"), tmp_path, cached_only=True)
    assert [result.status for _, result in sorted(report.results.items())] == ["ok", "ok", "pending", "pending"]
    assert (report.ran, report.cached, report.pending, report.failed) == (0, 2, 2, 0)
    assert len(list(tmp_path.glob("*.json"))) == 4, "nothing new is cached"


def test_a_cancelled_run_stops_its_worker_and_caches_nothing(tmp_path):
    started = tmp_path / "started"
    slow = f"""```python
print("cached before")
```

```python
import pathlib, time
pathlib.Path({str(started)!r}).touch()
time.sleep(600)
```
"""
    cancel = threading.Event()

    def cancel_once_started() -> None:
        while not started.exists():
            time.sleep(0.02)
        cancel.set()

    threading.Thread(target=cancel_once_started, daemon=True).start()
    with pytest.raises(RunCancelled):
        run(slow, tmp_path / "cache", cancel=cancel)
    assert list((tmp_path / "cache").glob("*.json")) == []
