"""`garden build` on more than one core (`-j N`, one process per core by default): forked workers parse
the notes and make the pages, and the site and what the next build knows are those one core makes.

These run garden in its own process: it forks, which a test process with threads should not do.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, SUMMARY, make_garden, process_alive, run_garden, tree_digest
from test_incremental import differences, site_files

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="watches processes through /proc")

INTERRUPTED = "garden: interrupted; the workers were stopped; the previous site and the cached results are kept"
EDITED = time.time() + 60  # when both gardens' note was edited
NOTES = 210  # enough notes, and pages, for a build to share them out (garden.build.parallel.MIN_ITEMS)

COUNTING_FORKS = """\
import os, sys
forked = []
fork = os.fork
def counted_fork():
    pid = fork()
    if pid:
        forked.append(pid)
    return pid
os.fork = counted_fork
from garden.cli import main
code = main(sys.argv[1:])
print(f"forked {len(forked)}", file=sys.stderr)
sys.exit(code)
"""


def _notes(count: int = NOTES) -> dict[str, str]:
    """Notes that link, tag, refer to and embed each other's blocks, with math, attributes and some code."""
    notes = {}
    for number in range(count):
        after = (number + 1) % count
        code = "    ```python\n    print(sum(range(%d)))\n    ```\n" % number if number % 100 == 0 else ""
        notes[f"Note {number}.md"] = (
            f"- Type:: [[Kind {number % 7}]]\n"
            f"- links [[Note {after}]] and [[Note {(number * 7) % count}|an alias]] #topic{number % 5}\n"
            f"    - a child with $$x^{number % 9}$$ ^block{number}\n"
            f"- refers to ((block{after})) and embeds {{{{embed: ((block{(number + 3) % count}))}}}}\n{code}")
    return notes


def _garden_process(root: Path, *args: str, **popen) -> subprocess.Popen:
    """`garden ARGS` in its own process, in `root`, telling on stderr how many processes it forked."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", COUNTING_FORKS, *args], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def _build_forking(root: Path, *args: str) -> tuple[str, int]:
    """Build in a new process: its summary line, and how many processes it forked."""
    process = _garden_process(root, "build", *args)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    forked = int(stderr.splitlines()[-1].removeprefix("forked "))
    return stdout.strip(), forked


def test_two_cores_make_the_site_one_core_makes_and_the_next_build_knows_it(tmp_path):
    toml = 'title = "Shared out"\nsearch = false\n'
    two = make_garden(tmp_path / "two", _notes(), toml)
    one = shutil.copytree(two, tmp_path / "one")  # the same files, of the same times (the feed dates notes by them)
    summary, forked = _build_forking(two, "-j", "2")
    assert forked >= 4, "two workers read the notes, two make the pages"
    assert run_garden(one, "build", "-j", "1").returncode == 0
    assert site_files(two / "site") == site_files(one / "site"), differences(site_files(two / "site"),
                                                                             site_files(one / "site"))

    summary, forked = _build_forking(two, "-j", "2")
    assert SUMMARY.match(summary)["rendered"] == "0" and forked == 0, "the next build has nothing to do"

    for root in (two, one):  # what the workers read decides what the next build makes again
        path = root / "notes" / "Note 4.md"  # its ^block4 is embedded in Note 1, referred to from Note 3
        path.write_text(path.read_text().replace("a child with", "an edited child with"))
        os.utime(path, (EDITED, EDITED))
    summary, _ = _build_forking(two, "-j", "2")
    assert 3 <= int(SUMMARY.match(summary)["rendered"]) < 20
    assert run_garden(one, "build", "-j", "1").returncode == 0
    assert site_files(two / "site") == site_files(one / "site"), differences(site_files(two / "site"),
                                                                             site_files(one / "site"))


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _two_workers(process: subprocess.Popen) -> list[int]:
    """The two workers of a build sharing its work out, once both are there."""
    deadline, workers = time.monotonic() + 60, []
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = _children(process.pid)
        time.sleep(0.005)
    assert len(workers) == 2, "the build shares its work out"
    return workers


def test_ctrl_c_stops_a_build_on_two_cores_and_keeps_the_site(tmp_path):
    root = make_garden(tmp_path, {"Before.md": "- the site before\n"}, 'title = "Interrupted"\nsearch = false\n')
    assert run_garden(root, "build", "--no-exec", "-j", "1").returncode == 0
    site = tree_digest(root / "site")
    make_garden(root, _notes())
    process = _garden_process(root, "build", "--no-exec", "-j", "2", start_new_session=True)
    workers = _two_workers(process)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl+C in a terminal: every process of the group hears it
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[:-1] == [INTERRUPTED], "one line, from the builder; nothing from its workers"
    assert tree_digest(root / "site") == site
    for worker in workers:
        with pytest.raises(ProcessLookupError):
            os.kill(worker, 0)


def test_templates_that_break_on_two_cores_fail_the_build_as_on_one(tmp_path):
    notes = {f"Note {number}.md": f"- note {number}\n" for number in range(NOTES)}
    root = make_garden(tmp_path, notes, 'title = "Broken"\nsearch = false\n')
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text('{% extends "base.html" %}{% block main %}{{ nothing.here() }}'
                                                  '{% endblock %}')
    one = run_garden(root, "build", "--no-exec", "-j", "1")
    process = _garden_process(root, "build", "--no-exec", "-j", "2")
    _, stderr = process.communicate(timeout=120)
    assert one.returncode == process.returncode == 2 and stderr.splitlines()[-1] != "forked 0"
    assert stderr.splitlines()[:-1] == one.stderr.splitlines() == [
        "garden: templates/page.html:1: template error: 'nothing' is undefined"]


def test_jobs_must_be_a_whole_number_of_one_or_more(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n"})
    for wrong in ("0", "-2", "two"):
        proc = run_garden(root, "build", "-j", wrong)
        assert proc.returncode == 2 and f"{wrong!r} is not a whole number of 1 or more" in proc.stderr, proc.stderr
    assert not (root / "site").exists()


def test_a_worker_killed_by_the_system_costs_time_not_the_build(tmp_path):
    """As the kernel's out-of-memory killer would: the work the worker had not sent back is done by the
    builder, and the build is whole (the next one has nothing to do)."""
    root = make_garden(tmp_path, _notes(), 'title = "Killed worker"\nsearch = false\n')
    process = _garden_process(root, "build", "--no-exec", "-j", "2")
    os.kill(_two_workers(process)[0], signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0 and stderr.splitlines()[:-1] == [], stderr
    summary = SUMMARY.match(stdout.strip())
    assert int(summary["rendered"]) == int(summary[1]) + 5, "every page, and the index pages and 404.html"
    again = run_garden(root, "build", "--no-exec", "-j", "1")
    assert SUMMARY.match(again.stdout.strip())["rendered"] == "0", again.stdout


def test_workers_end_with_a_builder_that_is_killed(tmp_path):
    """SIGKILL leaves the builder no moment to stop its workers: they end by themselves, rather than
    waiting on its pipes for ever with their copy of the garden."""
    root = make_garden(tmp_path, _notes(), 'title = "Builder killed"\nsearch = false\n')
    process = _garden_process(root, "build", "--no-exec", "-j", "2")
    workers = _two_workers(process)
    process.kill()
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(map(process_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [worker for worker in workers if process_alive(worker)]
    for worker in left:
        os.kill(worker, signal.SIGKILL)
    assert left == []

