"""`garden check` and the pytest plugin, through the command line, on small gardens."""

from __future__ import annotations

import doctest
import os
import re
import shutil

import pytest

from helpers import REPO, make_garden, run_garden
from test_build_exec import fence

GARDEN_ARGS = ("-p", "no:cacheprovider")  # the gardens get no .pytest_cache


def run_pytest(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    """`pytest --garden ROOT ARGS` in this process, on the garden written into `pytester.path`.

    Only garden's plugin is loaded, not every plugin installed here (the xdist test below runs
    pytest as a process, where the plugin comes in through its entry point).
    """
    root = str(pytester.path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return pytester.runpytest_inprocess("--garden", root, "--rootdir", root, "-p", "garden.pytest_plugin",
                                            *GARDEN_ARGS, *args)


CHECKED = ("- doctests\n" + fence("python", ">>> 0.1 + 0.2\n0.3\n>>> print('hello')\nhello") +
           "- printed output\n" + fence("python", "print(6 * 7)\n'done'") + "      ```output\n      42\n      'done'\n      ```\n" +
           "- a neuron with expectations\n" +
           fence("neuron", "inputs = [1.0, 2.0]\nweights = [0.5, -0.3]\nbias = 0.1\n[expect]\na = 0.5") +
           "- a plain block\n" + fence("python", "x = 1"))


def test_check_passes_a_garden_whose_claims_hold(tmp_path):
    root = make_garden(tmp_path, {"Claims.md": CHECKED})
    proc = run_garden(root, "check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "5 passed, of which 1 within tolerance, 0 failed"
    assert not (root / "site").exists(), "check writes no site"


def test_a_broken_expectation_fails_with_its_line_and_a_diff(tmp_path):
    root = make_garden(tmp_path, {"Claims.md": CHECKED.replace("hello\n", "goodbye\n", 1).replace("a = 0.5", "a = 0.6")})
    proc = run_garden(root, "check")
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert "notes/Claims.md:5: output differs from the example" in lines
    assert "    -goodbye" in lines and "    +hello" in lines
    assert any(line.startswith("notes/Claims.md:23: expect.a: a is 0.5") for line in lines), lines
    assert lines[-1] == "3 passed, of which 1 within tolerance, 2 failed"


def test_build_and_check_share_the_cache(tmp_path):
    root = make_garden(tmp_path, {"Claims.md": CHECKED})
    assert run_garden(root, "build").returncode == 0
    started = os.stat(root / ".garden-cache").st_mtime_ns
    proc = run_garden(root, "check")
    assert proc.returncode == 0 and os.stat(root / ".garden-cache").st_mtime_ns == started


def test_an_error_fails_its_block_and_skips_the_rest_of_the_note(tmp_path):
    note = "- boom\n" + fence("python", "raise ValueError('nope')") + "- after\n" + fence("python", ">>> 1 + 1\n2")
    root = make_garden(tmp_path, {"Errors.md": note})
    proc = run_garden(root, "check")
    assert proc.returncode == 1
    assert "notes/Errors.md:3: ValueError: nope" in proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 1 skipped"


def test_bad_input_is_a_failure_at_its_line_not_a_crash(tmp_path):
    note = ("- orphan\n    - ```output\n      42\n      ```\n" +
            "- bad tolerance\n" + fence("python", "#| rtol: lots\nprint(1)"))
    broken = "- broken example\n" + fence("python", ">>> print(1\n1")
    root = make_garden(tmp_path, {"Bad.md": note, "Broken.md": broken})
    proc = run_garden(root, "check")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    out = proc.stdout
    assert "notes/Bad.md:2: expected-output block has no python block right before it" in out
    assert re.search(r"notes/Bad\.md:7: OptionError: bad value 'lots' for option 'rtol'", out), out
    assert re.search(r"notes/Broken\.md:3: SyntaxError", out), out
    assert out.strip().splitlines()[-1] == "0 passed, 3 failed"


def test_check_limits_itself_to_the_paths_given(tmp_path):
    root = make_garden(tmp_path, {"Claims.md": CHECKED, "Other/Broken.md": "- x\n" + fence("python", "1/0")})
    assert run_garden(root, "check", "notes/Claims.md").returncode == 0
    assert run_garden(root, "check", "notes/Other").returncode == 1


def test_tolerance_options_widen_the_comparison(tmp_path):
    note = ("- loose\n" + fence("python", "#| rtol: 0.01\nprint(3.14159)") + "      ```output\n      3.14\n      ```\n" +
            "- strict\n" + fence("python", "print(3.14159)") + "      ```output\n      3.14\n      ```\n")
    root = make_garden(tmp_path, {"Pi.md": note})
    proc = run_garden(root, "check")
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, of which 1 within tolerance, 1 failed"


# Plain doctests (no tolerance in play): garden agrees with the standard library's doctest.
SAMPLES = [
    (">>> 'a' + 'b'\n'ab'\n", True),
    (">>> 'a' + 'b'\n'ba'\n", False),
    (">>> print('x\\ny')\nx\ny\n", True),
    (">>> print('x\\n\\ny')\nx\n<BLANKLINE>\ny\n", True),
    (">>> {'k': [1, 2]}\n{'k': [1, 2]}\n", True),
    (">>> {'k': [1, 2]}\n{'k': [2, 1]}\n", False),
    (">>> [1, 2, 3]   # doctest: +ELLIPSIS\n[1, ...]\n", True),
    (">>> list(range(3))  # doctest: +NORMALIZE_WHITESPACE\n[0,   1,  2]\n", True),
    (">>> None\n", True),
    (">>> x = 5\n>>> x\n5\n", True),
    (">>> raise KeyError('k')\nTraceback (most recent call last):\nKeyError: 'k'\n", True),
    (">>> raise KeyError('k')\nTraceback (most recent call last):\nKeyError: 'other'\n", False),
    (">>> 1 + 1\nTraceback (most recent call last):\nValueError: x\n", False),
    (">>> int('x')\n2\n", False),
    (">>> True\nTrue\n", True),
    (">>> 'spam'\n'eggs'\n", False),
    (">>> for i in range(2):\n...     print(i)\n0\n1\n", True),
    (">>> sorted({3, 1, 2})\n[1, 2, 3]\n", True),
    (">>> 'skip me'  # doctest: +SKIP\n'different'\n", None),
]


def stdlib_outcome(text: str) -> bool | None:
    """Whether the standard library's doctest passes the example (None when it is skipped)."""
    test = doctest.DocTestParser().get_doctest(text, {}, "sample", "sample.txt", 0)
    if all(example.options.get(doctest.SKIP) for example in test.examples):
        return None
    runner = doctest.DocTestRunner(verbose=False)
    return runner.run(test, out=lambda _: None).failed == 0


SAMPLE_NOTES = {text: f"Sample{index:02}.md" for index, (text, _) in enumerate(SAMPLES)}


def summary_counts(proc) -> tuple[int, int, int]:
    """(passed, failed, skipped) from the last line of `garden check`."""
    summary = proc.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", summary)
    assert match, proc.stdout
    passed, failed, skipped = (int(n) for n in match.groups(default="0"))
    return passed, failed, skipped


@pytest.fixture(scope="module")
def samples_checked(tmp_path_factory):
    """A garden with one note per sample, checked as a whole: (its root, the check's result).
    Checking one note of it afterwards judges the results this run cached, without running them."""
    root = make_garden(tmp_path_factory.mktemp("samples"),
                       {note: "- sample\n" + fence("python", text) for text, note in SAMPLE_NOTES.items()})
    return root, run_garden(root, "check")


def test_plain_doctests_checked_together(samples_checked):
    _, proc = samples_checked
    failing = {line.split(":")[0] for line in proc.stdout.splitlines() if line.startswith("notes/")}
    assert failing == {f"notes/{SAMPLE_NOTES[text]}" for text, outcome in SAMPLES if outcome is False}
    expected = [outcome for _, outcome in SAMPLES]
    assert summary_counts(proc)[1:] == (expected.count(False), expected.count(None)), proc.stdout


@pytest.mark.parametrize("text, expected", SAMPLES)
def test_plain_doctests_agree_with_the_standard_library(samples_checked, text, expected):
    assert stdlib_outcome(text) == expected
    root, _ = samples_checked
    proc = run_garden(root, "check", f"notes/{SAMPLE_NOTES[text]}")
    passed, failed, skipped = summary_counts(proc)
    ours = None if skipped and not passed and not failed else (failed == 0)
    assert ours == expected, proc.stdout


def test_numbers_pass_within_tolerance_where_doctest_fails(tmp_path):
    text = ">>> 0.1 + 0.2\n0.3\n>>> import numpy as np\n>>> np.float64(0.5)\n0.5\n"
    assert stdlib_outcome(text) is False
    root = make_garden(tmp_path, {"Sample.md": "- sample\n" + fence("python", text)})
    assert run_garden(root, "check").returncode == 0


def test_pytest_lists_one_item_per_example_with_note_and_line(pytester):
    make_garden(pytester.path, {"Claims.md": CHECKED})
    proc = run_pytest(pytester, "--collect-only", "-q")
    ids = [line for line in proc.outlines if "::" in line]
    assert ids == ["notes/Claims.md::line-3", "notes/Claims.md::line-5", "notes/Claims.md::line-13",
                   "notes/Claims.md::line-18", "notes/Claims.md::line-26"]


def test_pytest_reports_failures_with_location_and_diff_and_skips_after_errors(pytester):
    note = (CHECKED.replace("hello\n", "goodbye\n", 1) + "- boom\n" + fence("python", "1 / 0") +
            "- after\n" + fence("python", "print('later')"))
    make_garden(pytester.path, {"Claims.md": note})
    proc = run_pytest(pytester, "-rs")
    stdout = str(proc.stdout)
    assert proc.ret == pytest.ExitCode.TESTS_FAILED
    assert "notes/Claims.md:5: output differs from the example" in stdout
    assert "-goodbye" in stdout and "+hello" in stdout
    assert "notes/Claims.md:31: ZeroDivisionError: division by zero" in stdout
    assert "skipped: notes/Claims.md:31 failed" in stdout
    proc.assert_outcomes(failed=2, passed=4, skipped=1)
    selected = run_pytest(pytester, "-k", "line-13")
    selected.assert_outcomes(passed=1, deselected=6)


def test_pytest_xdist_keeps_a_notes_items_in_one_worker(pytester, monkeypatch):
    make_garden(pytester.path, {"A.md": CHECKED, "B.md": CHECKED})
    # A real `python -m pytest` (importing garden from this checkout): its plugins, garden's and
    # pytest-xdist's, come in through their entry points, and xdist's workers are processes anyway.
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    root = str(pytester.path)
    # Hypothesis's plugin has nothing to do here and doubles the time workers take to start.
    proc = pytester.runpytest_subprocess("--garden", root, "--rootdir", root, *GARDEN_ARGS, "-n", "2", "-v",
                                         "-p", "no:hypothesispytest", timeout=120)
    workers: dict[str, set[str]] = {}
    for worker, note in re.findall(r"\[(gw\d)\] .*? (notes/\w+\.md)::", str(proc.stdout)):
        workers.setdefault(note, set()).add(worker)
    assert set(workers) == {"notes/A.md", "notes/B.md"}
    assert all(len(names) == 1 for names in workers.values()), workers


def test_the_shipped_garden_checks_clean_and_a_broken_value_is_named(tmp_path, shipped_build):
    # Checked where the shipped garden was built, as after `garden build`: on the results the
    # build cached (test_build_and_check_share_the_cache), so its code does not run a second time.
    shutil.copytree(shipped_build.root, tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("site"))
    sources = {path: path.read_text(encoding="utf-8") for path in (tmp_path / "notes").glob("*.md")}
    examples = sum(text.count(">>> ") + text.count("```output") + text.count("[expect]") for text in sources.values())
    proc = run_garden(tmp_path, "check")
    assert proc.returncode == 0, proc.stdout
    passed, failed = map(int, re.match(r"(\d+) passed, (\d+) failed$", proc.stdout.splitlines()[-1]).groups())
    assert failed == 0 and passed >= examples > 20

    note = tmp_path / "notes" / "Loss Function.md"
    lines = note.read_text(encoding="utf-8").split("\n")
    fence = next(number for number, line in enumerate(lines, start=1) if line.strip() == "```output")
    lines[fence] = lines[fence].replace("0.25", "0.35", 1)
    assert "0.35" in lines[fence]
    note.write_text("\n".join(lines), encoding="utf-8")
    broken = run_garden(tmp_path, "check")
    assert broken.returncode == 1
    assert f"notes/Loss Function.md:{fence}: output of the block" in broken.stdout
    assert broken.stdout.splitlines()[-1] == f"{passed - 1} passed, 1 failed"


def test_cached_example_results_follow_their_lines(pytester):
    root = make_garden(pytester.path, {"A.md": "- ex\n" + fence("python", ">>> 1 + 1\n3")})
    assert "notes/A.md:3: output differs" in run_garden(root, "check").stdout
    note = root / "notes" / "A.md"
    note.write_text("- new prose\n- more prose\n" + note.read_text())
    proc = run_garden(root, "check")
    assert "notes/A.md:5: output differs" in proc.stdout, proc.stdout
    plugin = str(run_pytest(pytester, "-q").stdout)
    assert "notes/A.md:5: output differs" in plugin and "KeyError" not in plugin


def test_a_malformed_expect_bound_is_a_failure_naming_the_key(tmp_path):
    spec = 'layers = [2, 2, 1]\n[train]\ndata = "xor"\nepochs = 10\n[expect]\nfinal_loss_below = "small"'
    root = make_garden(tmp_path, {"Net.md": "- net\n" + fence("network", spec)})
    proc = run_garden(root, "check")
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr
    assert "notes/Net.md:8: expect.final_loss_below: must be a number, got 'small'" in proc.stdout, proc.stdout
