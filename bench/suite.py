"""The test suite's wall-clock time and CPU time, against a revision from before a change, in one run.

Usage: python bench/suite.py [--runs 3] [--before REV]

Runs the README's test command (`python -m pytest -n auto`, here with `-q -p no:benchmark`) in this
checkout, and with `--before REV` in a copy of that git revision, alternately run by run so that
both see the same machine. CPU time is that of every process the run starts, the browsers and the
notes' workers included: this script makes itself their child subreaper (Linux), so that processes
orphaned on the way are still counted when they end. On a shared machine the wall-clock time
depends on what else runs; the CPU time much less, and it bounds the wall-clock time from below
(CPU seconds / cores).
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PR_SET_CHILD_SUBREAPER = 36
COMMAND = [sys.executable, "-m", "pytest", "-n", "auto", "-q", "-p", "no:benchmark"]


def copy_of(revision: str, folder: Path) -> Path:
    """The whole tree of `revision` extracted into `folder`."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def children_cpu() -> float:
    """CPU seconds of every descendant that has ended and been waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_run(checkout: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, pytest's last line) of the suite in `checkout`."""
    cpu_before, started = children_cpu(), time.perf_counter()
    proc = subprocess.run(COMMAND, cwd=checkout, capture_output=True, text=True)
    wall = time.perf_counter() - started
    while True:  # orphans of the run, adopted by this process: wait for them so that they count
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "(no output)"
    if proc.returncode != 0:
        sys.exit(f"the suite failed in {checkout}: {last}\n{proc.stdout[-3000:]}")
    return wall, children_cpu() - cpu_before, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", metavar="REV", help="a git revision to compare with")
    args = parser.parse_args()
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # run in the background, the suites would ignore it
    with tempfile.TemporaryDirectory() as temporary:
        checkouts = {"this checkout": REPO}
        if args.before:
            checkouts = {f"before ({args.before})": copy_of(args.before, Path(temporary) / "before"), **checkouts}
        figures: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
        for run in range(args.runs):
            for name, checkout in checkouts.items():
                wall, cpu, last = one_run(checkout)
                figures[name].append((wall, cpu))
                print(f"run {run + 1} {name}: wall {wall:.1f} s, CPU {cpu:.1f} s, load {os.getloadavg()[0]:.1f}: {last}",
                      flush=True)
    print("\n| suite | median wall s | median CPU s | runs |\n| --- | --- | --- | --- |")
    for name, runs in figures.items():
        print(f"| {name} | {statistics.median(w for w, _ in runs):.1f} | {statistics.median(c for _, c in runs):.1f} "
              f"| {len(runs)} |")


if __name__ == "__main__":
    main()
