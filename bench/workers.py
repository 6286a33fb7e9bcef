"""Warm workers against a garden checkout from before them, on the shipped garden, in one run.

Usage: python bench/workers.py --before REV [--runs 5]
REV is a git revision of this repository (the last one without warm workers is 959af04).
Three figures per checkout, alternating checkouts run by run so that both see the same machine:
- the shipped garden, `garden build --refresh` in a fresh process (every block runs);
- the shipped garden, five `garden build --refresh` in one process through `garden.cli.main`
  (as `garden serve` or a test session rebuilds): the median of builds 2–5;
- 200 notes of one tiny block each, `garden build --refresh` in a fresh process (the cost per note).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkouts import REPO, checkout_of

IN_PROCESS = """
import sys, time
from garden.cli import main
times = []
for _ in range(5):
    started = time.perf_counter()
    try:
        main(["build", "--refresh"])
    except SystemExit:
        pass
    times.append(time.perf_counter() - started)
print(min(times[1:]), sorted(times[1:])[len(times[1:]) // 2])
"""


TINY_NOTES = 200


def tiny_notes(root: Path, count: int) -> Path:
    """A garden of `count` notes with one tiny python block each."""
    (root / "notes").mkdir(parents=True)
    for index in range(count):
        (root / "notes" / f"N{index}.md").write_text(f"- n{index}\n    ```python\n    {index} + 1\n    ```\n")
    return root


def timed(command: list[str], garden: Path, checkout: Path) -> str:
    """Run `command` in `garden` with `checkout` first on the path; its stdout."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    return subprocess.run(command, cwd=garden, env=env, check=True, capture_output=True, text=True).stdout


def one_build(garden: Path, checkout: Path) -> float:
    started = time.perf_counter()
    timed([sys.executable, "-m", "garden", "build", "--refresh"], garden, checkout)
    return time.perf_counter() - started


def in_process_build(garden: Path, checkout: Path) -> float:
    """Median seconds of builds 2–5 of five in one process."""
    return float(timed([sys.executable, "-c", IN_PROCESS], garden, checkout).splitlines()[-1].split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="git revision without warm workers")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = checkout_of(args.before, Path(tmp) / "before")
        shipped = Path(tmp) / "shipped"
        shipped.mkdir()
        shutil.copytree(REPO / "notes", shipped / "notes")
        shutil.copy(REPO / "garden.toml", shipped)
        tiny = tiny_notes(Path(tmp) / "tiny", TINY_NOTES)
        checkouts = {f"before ({args.before})": before, "warm workers (this checkout)": REPO}
        scenarios = {"shipped garden, new process": lambda checkout: one_build(shipped, checkout),
                     "shipped garden, in one process (per build)": lambda checkout: in_process_build(shipped, checkout),
                     f"{TINY_NOTES} one-line notes, new process": lambda checkout: one_build(tiny, checkout)}
        figures = {(scenario, name): [] for scenario in scenarios for name in checkouts}
        for _ in range(args.runs):
            for scenario, measure in scenarios.items():
                for name, checkout in checkouts.items():
                    figures[scenario, name].append(measure(checkout))
    print("| `garden build --refresh` | checkout | median s | min s | runs |")
    print("| --- | --- | --- | --- | --- |")
    for (scenario, name), times in figures.items():
        print(f"| {scenario} | {name} | {statistics.median(times):.2f} | {min(times):.2f} | {args.runs} |")


if __name__ == "__main__":
    main()
