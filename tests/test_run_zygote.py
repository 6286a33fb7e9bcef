"""Warm workers: one parent per process imports numpy once and forks a clean worker per note."""

from __future__ import annotations

import os
import signal

from run_helpers import parse_note

from garden.run import zygote
from garden.run.engine import run_cells

PROBE = ("```python\nimport os, sys\n"
         "print(os.getppid(), 'numpy' in sys.modules, os.getcwd(), os.environ.get('GARDEN_PROBE'))\n```\n")


def probe(notes: tuple[str, ...] = ("Probe.md",)) -> list[list[str]]:
    """(parent pid, numpy already imported, cwd, $GARDEN_PROBE) as each probing note saw them."""
    report = run_cells({name: parse_note(name, PROBE) for name in notes}, cache_dir=None, workers=2)
    return [report.results[(name, 1)].stdout.split() for name in notes]


def test_workers_share_one_warm_parent_across_runs(monkeypatch, tmp_path):
    (first,) = probe()
    (second,) = probe()
    parent, numpy_loaded, _, _ = first
    assert parent == second[0] != str(os.getpid()), "both runs forked from the same zygote, not the engine"
    assert numpy_loaded == "True", "numpy was imported before the note's code ran"


def test_a_worker_takes_the_engines_folder_and_environment_at_run_time(monkeypatch, tmp_path):
    probe()  # the zygote starts here, in another folder and without the variable
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GARDEN_PROBE", "set-later")
    ((_, _, cwd, variable),) = probe()
    assert (cwd, variable) == (str(tmp_path), "set-later")


def test_each_note_gets_a_fresh_process():
    meddler = "```python\nimport json\njson.meddled = True\nimport os\nprint(os.getpid())\n```\n"
    looker = "```python\nimport json, os\nprint(os.getpid(), getattr(json, 'meddled', False))\n```\n"
    notes = {"A.md": parse_note("A.md", meddler), "B.md": parse_note("B.md", looker)}
    report = run_cells(notes, cache_dir=None, workers=1)
    (meddler_pid,) = report.results[("A.md", 1)].stdout.split()
    looker_pid, meddled = report.results[("B.md", 1)].stdout.split()
    assert meddler_pid != looker_pid and meddled == "False"


def test_a_killed_parent_is_replaced_and_the_run_goes_on():
    (first,) = probe()
    os.kill(int(first[0]), signal.SIGKILL)
    (second,) = probe()
    assert second[0] != first[0] and second[1] == "True"


def test_a_new_key_ends_the_old_parent():
    env = dict(os.environ)
    old = zygote.zygote_for("key one", env)
    assert zygote.zygote_for("key one", env) is old
    new = zygote.zygote_for("key two", env)
    assert new is not old and not old.alive and new.alive
