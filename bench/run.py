"""Build benchmarks: the shipped garden and a generated one, median of several runs.

Usage: python bench/run.py [--runs 5] [--notes 2000]
Each build runs `garden build` in a fresh copy of the garden, as a user would.
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

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def time_build(garden: Path, runs: int, *extra: str, cold: bool = False) -> list[float]:
    """Wall-clock seconds of `garden build` in `garden`, once per run (`cold`: empty result cache)."""
    times = []
    for _ in range(runs):
        if cold:
            shutil.rmtree(garden / ".garden-cache", ignore_errors=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "garden", "build", *extra], cwd=garden, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=dict(os.environ, PYTHONPATH=str(REPO)))  # this checkout, not an installed garden
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped"
        shipped.mkdir()
        shutil.copytree(REPO / "notes", shipped / "notes")
        shutil.copy(REPO / "garden.toml", shipped)
        generated = Path(tmp) / "generated"
        generate(generated, args.notes)
        baseline = time_build(shipped, args.runs, "--help")
        rows = [("`garden build --help` (interpreter start-up baseline)", baseline),
                ("shipped garden, cold cache (every block runs)", time_build(shipped, args.runs, cold=True)),
                ("shipped garden, warm cache (nothing runs)", time_build(shipped, args.runs)),
                ("shipped garden, `--no-exec`", time_build(shipped, args.runs, "--no-exec")),
                (f"generated garden, {args.notes} notes (no code)", time_build(generated, args.runs))]
    print("| build | median s | min s | max s | runs |\n| --- | --- | --- | --- | --- |")
    for name, times in rows:
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} | {len(times)} |")


if __name__ == "__main__":
    main()
