"""Hostile-note benchmarks: `garden build --no-exec` of one hostile note at doubling sizes.

Usage: python bench/hostile.py [--runs 3] [--kinds brackets,braces,...]
Each garden holds one note, `notes/Hostile.md`; the table gives the median build time of each
size, the part of it above the interpreter's start-up, and that part's ratio to the size before
(about 2 when the build is linear in n).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import time_build  # noqa: E402

Maker = Callable[[int], str]

DOUBLING = (12_500, 25_000, 50_000, 100_000)
KINDS: dict[str, tuple[str, Maker, tuple[int, ...]]] = {
    "brackets": ("unclosed `[[`", lambda n: "- " + "[[" * n + "\n", (25_000, 50_000, 100_000, 200_000, 400_000)),
    "late": ("`[[` × n, then one `]`", lambda n: "- " + "[[" * n + "]\n", DOUBLING),
    "braces": ("unclosed `{{`", lambda n: "- " + "{{" * n + "\n", (25_000, 50_000, 100_000, 200_000, 400_000)),
    "nested": ("`[[` nested n deep", lambda n: "- " + "[[" * n + "x" + "]]" * n + "\n", DOUBLING),
    "tags": ("n `#tags` in one block, 20 names", lambda n: "- " + " ".join(f"#t{i % 20}" for i in range(n)) + "\n",
             DOUBLING),
    "distinct": ("n `#tags` in one block, all different",
                 lambda n: "- " + " ".join(f"#t{i}" for i in range(n)) + "\n", (1_000, 2_000, 4_000, 8_000)),
    "blocks": ("n blocks `- x [[a]]`", lambda n: "- x [[a]]\n" * n, DOUBLING),
    "deep": ("outline n deep (n²/2 bytes)", lambda n: "".join(" " * d + "- x\n" for d in range(n)),
             (500, 1_000, 2_000, 4_000)),
}


def time_note(content: str, runs: int) -> list[float]:
    """Build times of a fresh garden holding only `content` as notes/Hostile.md."""
    with tempfile.TemporaryDirectory() as tmp:
        garden = Path(tmp)
        (garden / "notes").mkdir()
        (garden / "notes" / "Hostile.md").write_text(content, encoding="utf-8")
        return time_build(garden, runs, "--no-exec")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = statistics.median(time_build(Path(tmp), args.runs, "--help"))
    print(f"`garden build --help` (start-up baseline): {baseline:.2f} s\n")
    print("| note | n | bytes | median s | above start-up s | × per doubling |\n| --- | --- | --- | --- | --- | --- |")
    for kind in args.kinds.split(","):
        name, make, sizes = KINDS[kind]
        previous = None
        for size in sizes:
            content = make(size)
            median = statistics.median(time_note(content, args.runs))
            work = max(median - baseline, 0.01)
            ratio = f"{work / previous:.2f}" if previous else ""
            print(f"| {name} | {size:,} | {len(content.encode()):,} | {median:.2f} | {work:.2f} | {ratio} |",
                  flush=True)
            previous = work


if __name__ == "__main__":
    main()
