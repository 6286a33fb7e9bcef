"""A garden of N notes that all `uses` one note, built by an older checkout and by this one.

Usage: python bench/uses.py --before REV [--notes 200] [--runs 3]
REV is a git revision of this repository (the last one that re-ran a used note inside each note
using it is a226f66). Each build is `garden build --refresh` in a fresh process, checkouts
alternating run by run; the used note appends a line to a log outside the garden each time it
runs, and does about 30 ms of work. Printed per checkout: how many times the used note ran in
one build, and the median and fastest build.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from checkouts import REPO, checkout_of

USED = """- The note every other note uses
    - ```python
      with open({log!r}, "a") as _log:
          _log.write("ran\\n")
      offset = sum(i * i for i in range(300_000)) % 7

      def scale(x):
          return 2 * x + offset
      ```
"""
USER = """- Note {index}
    - ```python
      #| uses: [[Base]]
      scale({index})
      ```
"""


def garden(root: Path, count: int, log: Path) -> Path:
    """`count` notes using the note Base, whose runs are logged to `log`."""
    (root / "notes").mkdir(parents=True)
    (root / "garden.toml").write_text('title = "Uses"\nsearch = false\n')
    (root / "notes" / "Base.md").write_text(USED.format(log=str(log)))
    for index in range(count):
        (root / "notes" / f"Note {index}.md").write_text(USER.format(index=index))
    return root


def build(root: Path, checkout: Path, log: Path) -> tuple[float, int]:
    """Seconds of one `garden build --refresh` with `checkout`, and how often the used note ran."""
    log.write_text("")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "garden", "build", "--refresh"], cwd=root, check=True,
                   capture_output=True, env=dict(os.environ, PYTHONPATH=str(checkout)))
    return time.perf_counter() - started, len(log.read_text().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", required=True, help="git revision that re-ran used notes in each user")
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        before = checkout_of(args.before, Path(tmp) / "before")
        log = Path(tmp) / "runs.log"
        root = garden(Path(tmp) / "garden", args.notes, log)
        checkouts = {f"before ({args.before})": before, "this checkout": REPO}
        figures: dict[str, list[tuple[float, int]]] = {name: [] for name in checkouts}
        for _ in range(args.runs):
            for name, checkout in checkouts.items():
                figures[name].append(build(root, checkout, log))
    print(f"| {args.notes} notes using one note, `garden build --refresh` | runs of the used note per build "
          f"| median s | min s | builds |")
    print("| --- | --- | --- | --- | --- |")
    for name, results in figures.items():
        times = [seconds for seconds, _ in results]
        ran = sorted({count for _, count in results})
        print(f"| {name} | {', '.join(map(str, ran))} | {statistics.median(times):.2f} | {min(times):.2f} "
              f"| {len(results)} |")


if __name__ == "__main__":
    main()
