"""A used note runs once per build and hands its names to every note using it (pickled)."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import make_garden, run_garden
from test_build_exec import fence
from test_uses import stdout_of

USERS = 5


def used_once_garden(log: str) -> dict[str, str]:
    """Notes whose used notes append their name to the file `log` each time they run."""
    def logging(name: str) -> str:
        return f"with open({log!r}, 'a') as _log:\n    _log.write({name!r} + '\\n')\n"

    notes = {
        "Base.md": "- base\n" + fence("python", logging("Base") + "value = 21\n\ndef double(x):\n    return 2 * x"),
        "Broken.md": "- broken\n" + fence("python", logging("Broken") + "raise ValueError('broken on purpose')"),
        "Streams.md": "- streams\n" + fence("python", "import threading\nnumbers = (n for n in range(3))\n"
                                                      "guard = threading.Lock()\n_hidden = (n for n in range(2))\n"
                                                      "size = 3"),
        "Reader.md": "- reader\n" + fence("python", "#| uses: [[Streams]]\nwith guard:\n    print(next(numbers))"),
        "Sizer.md": "- sizer\n" + fence("python", "#| uses: [[Streams]]\nprint(size)"),
    }
    for index in range(USERS):
        notes[f"User {index}.md"] = "- user\n" + fence("python", f"#| uses: [[Base]]\nprint(double(value) + {index})")
    for index in range(2):
        notes[f"Needs Broken {index}.md"] = ("- intro\n" + fence("python", "print('before')") +
                                             fence("python", "#| uses: [[Broken]]\nprint('after')"))
    return notes


def runs(log) -> list[str]:
    return log.read_text().split() if log.exists() else []


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The garden built once: (its root, the build's result, the log of used notes' runs then)."""
    folder = tmp_path_factory.mktemp("once")
    log = folder / "runs.log"
    root = make_garden(folder / "garden", used_once_garden(str(log)), "search = false\n")
    proc = run_garden(root, "build")
    return root, proc, runs(log), log


def test_a_note_used_by_five_runs_once_and_each_gets_its_names(built):
    root, proc, log, _ = built
    assert log.count("Base") == 1, log
    for index in range(USERS):
        assert stdout_of(root, f"user-{index}.html") == f"{42 + index}\n"
    assert "notes/User" not in proc.stderr


def test_a_used_note_whose_results_are_cached_runs_once_more_for_the_one_user_that_changed(built, tmp_path):
    first, _, _, log = built
    root = shutil.copytree(first, tmp_path / "garden")
    before = runs(log).count("Base")
    user = root / "notes" / "User 3.md"
    user.write_text(user.read_text().replace("+ 3)", "+ 30)"))
    proc = run_garden(root, "build")
    assert runs(log).count("Base") == before + 1
    assert stdout_of(root, "user-3.html") == "72\n"
    assert "1 ran" in proc.stdout.splitlines()[-1]


def test_a_failing_used_note_runs_once_and_is_reported_at_each_using_block(built):
    root, proc, log, _ = built
    assert proc.returncode == 1
    assert log.count("Broken") == 1, log
    assert "notes/Broken.md:5: ValueError: broken on purpose" in proc.stderr
    for index in range(2):
        assert (f"notes/Needs Broken {index}.md:5: UsesError: a used note failed: "
                f"notes/Broken.md:5: ValueError: broken on purpose") in proc.stderr, proc.stderr
        assert stdout_of(root, f"needs-broken-{index}.html") == "", "the using note's blocks do not run"


def test_a_name_that_cannot_be_pickled_is_an_error_where_a_user_reads_it(built):
    root, proc, _, _ = built
    error = ("notes/Reader.md:2: UsesError: uses [[Streams]]: name 'numbers' cannot cross to dependents: "
             "TypeError: cannot pickle 'generator' object; uses [[Streams]]: name 'guard' cannot cross to "
             "dependents: TypeError: cannot pickle '_thread.lock' object (a name starting with _ is not handed on)")
    assert error in proc.stderr.splitlines(), proc.stderr
    assert not re.search(r"Traceback|_hidden|Sizer", proc.stderr), "only the names a note reads, no traceback"
    assert "cannot pickle" in (root / "site" / "reader.html").read_text()
    assert stdout_of(root, "sizer.html") == "3\n", "a note reading only names that cross runs"
