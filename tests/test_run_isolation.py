"""Timeouts, crashes and resource abuse stay inside their cell."""

import time

import pytest
from run_helpers import parse_note

from garden.run.engine import run_cells

NOTES = {
    "T.md": "```python\n#| timeout: 0.3\nwhile True: pass\n```\n\n```python\n1 + 1\n```\n",
    "Seg.md": "```python\nimport ctypes\nctypes.string_at(0)\n```\n\n```python\n1\n```\n",
    "Exit.md": "```python\nimport os\nos._exit(1)\n```\n",
    "Mem.md": "```python\nbytearray(100 * 1024**3)\n```\n\n```python\nprint('alive')\n```\n",
    "Big.md": (
        "```python\nprint('x' * 20_000_000)\n```\n\n"
        "```python\nfor _ in range(200_000):\n    print('y' * 99)\n```\n\n"
        "```python\n'z' * 3\n```\n"
    ),
    "Ok.md": "```python\nprint('fine')\n```\n",
}


@pytest.fixture(scope="module")
def run():
    notes = {name: parse_note(name, text) for name, text in NOTES.items()}
    started = time.monotonic()
    report = run_cells(notes, cache_dir=None, workers=1, memory_mb=2048)
    return report, time.monotonic() - started


def results(run, note):
    report, _ = run
    return [result for (name, _), result in sorted(report.results.items()) if name == note]


def test_timeout_stops_cell_and_skips_rest_of_note(run):
    timed_out, skipped = results(run, "T.md")
    assert timed_out.status == "timeout"
    assert timed_out.error.line == 1
    assert skipped.status == "not-run"
    assert "timed out" in skipped.error.message


def test_segfault_is_a_crash_of_the_cell(run):
    crashed, skipped = results(run, "Seg.md")
    assert crashed.status == "crash"
    assert "SIGSEGV" in crashed.error.message
    assert crashed.error.line == 3  # from the fault handler's frame in the note
    assert skipped.status == "not-run"


def test_os_exit_is_a_crash(run):
    (crashed,) = results(run, "Exit.md")
    assert crashed.status == "crash"
    assert "exited with code 1" in crashed.error.message


def test_huge_allocation_is_a_memory_error_and_worker_survives(run):
    failed, alive = results(run, "Mem.md")
    assert failed.status == "error"
    assert failed.error.type == "MemoryError"
    assert failed.error.line == 2
    assert alive.stdout == "alive\n"


def test_huge_output_is_truncated(run):
    single, many, after = results(run, "Big.md")
    for result in (single, many):
        assert result.status == "ok"
        assert len(result.stdout) < 1_100_000
        assert "output truncated" in result.stdout
    assert after.value == repr("zzz")


def test_engine_survives_and_later_notes_run(run):
    (fine,) = results(run, "Ok.md")
    assert fine.stdout == "fine\n"
    report, elapsed = run
    assert report.failed == 4  # timeout, segfault, os._exit, MemoryError
    assert elapsed < 20


def test_notes_run_in_parallel():
    sleepy = "```python\nimport time\nstart = time.time()\ntime.sleep(1)\n(start, time.time())\n```\n"
    notes = {name: parse_note(name, sleepy) for name in ("P1.md", "P2.md")}
    report = run_cells(notes, cache_dir=None, workers=2)
    (start1, end1), (start2, end2) = (eval(result.value) for result in report.results.values())
    assert start1 < end2 and start2 < end1  # the two cells overlapped in time
