"""Executed code through the CLI: results on the page, caching, strictness and isolation."""

from __future__ import annotations

import re
import shutil
import time

import pytest

from helpers import SUMMARY, make_garden, run_garden


def fence(kind: str, body: str, indent: int = 4) -> str:
    """A fenced block as a child outline block."""
    pad = " " * indent
    lines = [f"{pad}- ```{kind}"] + [f"{pad}  {line}" for line in body.strip("\n").split("\n")] + [f"{pad}  ```"]
    return "\n".join(lines) + "\n"


def counts(proc) -> tuple[int, int, int]:
    match = SUMMARY.match(proc.stdout.strip().splitlines()[-1])
    assert match, proc.stdout
    return int(match["ran"]), int(match["cached"]), int(match["failed"])


def outputs(html: str) -> list[str]:
    """Text of every element with class `output`, in page order."""
    return re.findall(r'<div class="output[^"]*">(.*?)</div>\s*</div>', html, re.DOTALL)


ALPHA = ("- First\n" + fence("python", "x = 20\nprint('x is', x)") +
         "- Second\n" + fence("python", "x + 1") +
         "- Third\n" + fence("python", "print(x * 2)"))
BETA = "- Beta links [[Alpha]]\n" + fence("python", "print('beta ran')")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Alpha and Beta built once: (the garden's root, the build's result). Tests that change the
    garden change a copy (with its site and cache)."""
    root = make_garden(tmp_path_factory.mktemp("alpha"), {"Alpha.md": ALPHA, "Beta.md": BETA})
    return root, run_garden(root, "build")


def test_results_appear_under_their_blocks(built):
    root, proc = built
    assert proc.returncode == 0, proc.stderr
    html = (root / "site" / "alpha.html").read_text()
    shown = outputs(html)
    assert len(shown) == 3
    assert "x is 20" in shown[0] and "21" in shown[1] and "40" in shown[2]
    assert counts(proc) == (4, 0, 0)


def test_second_build_runs_nothing_and_prose_edits_run_nothing(built, tmp_path):
    root = shutil.copytree(built[0], tmp_path / "garden")
    assert counts(run_garden(root, "build")) == (0, 4, 0)
    note = root / "notes" / "Alpha.md"
    note.write_text(note.read_text().replace("- Second\n", "- Second, now with more words\n    - and a new block\n"))
    proc = run_garden(root, "build")
    assert counts(proc) == (0, 4, 0)
    assert "x is 20" in (root / "site" / "alpha.html").read_text()


def test_editing_one_block_reruns_its_note_from_that_block(built, tmp_path):
    root = shutil.copytree(built[0], tmp_path / "garden")
    note = root / "notes" / "Alpha.md"
    note.write_text(note.read_text().replace("x + 1", "x + 2"))
    proc = run_garden(root, "build")
    assert counts(proc) == (2, 2, 0)
    shown = outputs((root / "site" / "alpha.html").read_text())
    assert "22" in shown[1] and "40" in shown[2]


def test_refresh_reruns_everything(tmp_path):
    root = make_garden(tmp_path, {"Alpha.md": ALPHA})
    run_garden(root, "build")
    assert counts(run_garden(root, "build", "--refresh")) == (3, 0, 0)


def test_no_exec_shows_code_without_running_it(tmp_path):
    root = make_garden(tmp_path, {"Alpha.md": ALPHA})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0
    html = (root / "site" / "alpha.html").read_text()
    assert outputs(html) == [] and "print" in html
    assert not list((root / ".garden-cache").glob("*.json")), "nothing ran, so nothing is cached"
    assert counts(proc) == (0, 0, 0)


def test_failures_fail_the_build_but_the_site_is_written(tmp_path):
    broken = "- Oops\n" + fence("python", "def f():\n    return 1 / 0\n\nf()")
    root = make_garden(tmp_path, {"Broken.md": broken, "Beta.md": BETA})
    proc = run_garden(root, "build")
    assert proc.returncode == 1
    assert "notes/Broken.md:4: ZeroDivisionError: division by zero" in proc.stderr
    html = (root / "site" / "broken.html").read_text()
    assert 'class="output error"' in html and "Broken.md&quot;, line 4" in html
    assert "beta ran" in (root / "site" / "beta.html").read_text()
    assert counts(proc) == (2, 0, 1)
    again = run_garden(root, "build")
    assert again.returncode == 1 and counts(again) == (0, 2, 1), "failures are cached, and still fail"
    assert run_garden(root, "build", "--allow-errors").returncode == 0


def test_expected_errors_and_skipped_blocks(tmp_path):
    note = ("- raises\n" + fence("python", "#| raises: KeyError\n{}['missing']") +
            "- skipped\n" + fence("python", "#| exec: false\nraise SystemExit('never')") +
            "- hidden code\n" + fence("python", "#| echo: false\nprint('only the output')"))
    root = make_garden(tmp_path, {"Options.md": note})
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr
    html = (root / "site" / "options.html").read_text()
    assert "KeyError" in html and "never" in html
    assert "only the output" in html and "print(" not in html


def test_spec_blocks_render_numbers_diagrams_and_curves(tmp_path):
    note = ("- neuron\n" + fence("neuron", "inputs = [1.0, 2.0]\nweights = [0.5, -0.3]\nbias = 0.1") +
            "- network\n" + fence("network", 'layers = [2, 3, 1]\nseed = 0\n[train]\ndata = "xor"\nepochs = 300') +
            "- bad\n" + fence("neuron", 'inputs = [1.0]\nweights = [1.0]\nactivation = "sigmoidal"'))
    root = make_garden(tmp_path, {"Specs.md": note})
    proc = run_garden(root, "build")
    assert proc.returncode == 1
    assert re.search(r"notes/Specs\.md:\d+: SpecError: .*activation", proc.stderr)
    html = (root / "site" / "specs.html").read_text()
    assert html.count("<svg") >= 3  # neuron diagram, network diagram, loss curve
    assert "<math" in html and "0.5" in html


def test_cached_network_results_keep_their_checkpoints(tmp_path):
    note = "- network\n" + fence("network", 'layers = [2, 3, 1]\nseed = 0\n[train]\ndata = "xor"\nepochs = 300')
    root = make_garden(tmp_path, {"Net.md": note})
    assert counts(run_garden(root, "build")) == (1, 0, 0)
    fresh = (root / "site" / "net.html").read_text()
    assert counts(run_garden(root, "build")) == (0, 1, 0)
    cached = (root / "site" / "net.html").read_text()
    assert cached == fresh
    assert 'data-training="' in cached and "&quot;frames&quot;:[[" in cached and "nn-decision-map" in cached


FAILURES = {
    "Loop.md": "- loop\n" + fence("python", "#| timeout: 0.5\nwhile True:\n    pass"),
    "Exit.md": "- exit\n" + fence("python", "import os\nos._exit(1)"),
    "Segfault.md": "- segfault\n" + fence("python", "import ctypes\nctypes.string_at(0)"),
    "SysExit.md": "- sys.exit\n" + fence("python", "import sys\nsys.exit(3)"),
    "Huge.md": "- allocation\n" + fence("python", "block = bytearray(100 * 1024 ** 3)"),
    "Chatty.md": "- printing\n" + fence("python", "for _ in range(200_000):\n    print('x' * 99)"),
    "Fine.md": "- fine\n" + fence("python", "print('still here')"),
}


def test_hostile_blocks_each_fail_alone_within_seconds(tmp_path):
    root = make_garden(tmp_path, FAILURES)
    started = time.monotonic()
    proc = run_garden(root, "build")
    elapsed = time.monotonic() - started
    assert proc.returncode == 1
    assert elapsed < 30, f"the build took {elapsed:.1f}s for one 0.5 s timeout"
    expected = {"loop": "Timeout", "exit": "WorkerCrash", "segfault": "SIGSEGV", "sysexit": "SystemExit",
                "huge": "MemoryError"}
    for page, error in expected.items():
        html = (root / "site" / f"{page}.html").read_text()
        assert 'class="output error"' in html and error in html, page
    assert "still here" in (root / "site" / "fine.html").read_text()
    chatty = (root / "site" / "chatty.html").read_text()
    assert "truncated" in chatty and len(chatty) < 3_000_000
    assert counts(proc)[2] == 5


def test_cached_errors_keep_pointing_at_the_right_lines_after_prose_edits(tmp_path):
    note = ("- define\n" + fence("python", "def f():\n    return 1 / 0") +
            "- call\n" + fence("python", "f()"))
    root = make_garden(tmp_path, {"Lines.md": note})
    first = run_garden(root, "build")
    assert "notes/Lines.md:4: ZeroDivisionError" in first.stderr
    moved = "- a new first block\n" + note.replace("- call\n", "- some prose\n    - more prose\n- call\n")
    (root / "notes" / "Lines.md").write_text(moved)
    second = run_garden(root, "build")
    assert counts(second) == (0, 2, 1)
    assert "notes/Lines.md:5: ZeroDivisionError" in second.stderr, second.stderr
    html = (root / "site" / "lines.html").read_text()
    assert "line 5, in f" in html and "line 11, in &lt;module&gt;" in html


def test_changing_the_garden_timeout_reruns_what_timed_out(tmp_path):
    note = "- slow\n" + fence("python", "import time\ntime.sleep(0.5)\nprint('woke')")
    root = make_garden(tmp_path, {"Slow.md": note}, 'timeout = 0.2\n')
    assert counts(run_garden(root, "build")) == (1, 0, 1)
    (root / "garden.toml").write_text("timeout = 5\n")
    proc = run_garden(root, "build")
    assert counts(proc) == (1, 0, 0) and "woke" in (root / "site" / "slow.html").read_text()
