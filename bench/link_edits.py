"""`garden serve`'s link edits in a large garden: links to pages that many notes link to already.

Usage: python bench/link_edits.py --before REV [--notes 10000] [--rounds 2] [--edits 4]

Generates a garden of `--notes` notes (bench/generate.py), copies it, and builds one copy with the
garden of `REV` and the other with this checkout (the code runs once each, then comes from the
cache). Then, in rounds that alternate the two checkouts, a fresh process per checkout and round
builds as `garden serve` does (`garden.serve.rebuild.rebuild`, one `Builder`, cached-only, the
search index after each edit) and times `--edits` edits of one note (the one halfway down the list), each adding a link to another
of the most linked pages (`Concept 100`, `Concept 101`…); the first edit after the process starts
is left out. Prints the median seconds until the pages are in place, and every edit's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from checkouts import REPO, checkout_of  # noqa: E402
from generate import generate  # noqa: E402

IN_PROCESS = """
import sys, time
from pathlib import Path
from garden.build.builder import Builder
from garden.build.options import BuildOptions
from garden.config import load_config
from garden.serve.rebuild import rebuild
builder = Builder(load_config(Path.cwd()))
options = BuildOptions(cached_only=True, live=True)
note = Path(sys.argv[1])
original = note.read_text(encoding="utf-8")
rebuild(builder, options)
builder.index_search()
try:
    for edit in range(int(sys.argv[2]) + 1):
        note.write_text(original + f"- a new link to [[Concept {100 + edit}]]\\n", encoding="utf-8")
        started = time.perf_counter()
        rebuild(builder, options)
        print(time.perf_counter() - started)
        builder.index_search()
finally:
    note.write_text(original, encoding="utf-8")
    rebuild(builder, options)
    builder.index_search()
"""


def edits(garden: Path, checkout: Path, note: str, count: int) -> list[float]:
    """Seconds of `count` link edits of `note` in one process importing garden from `checkout`, but the first."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    printed = subprocess.run([sys.executable, "-c", IN_PROCESS, note, str(count)], cwd=garden, env=env,
                             check=True, capture_output=True, text=True).stdout
    return [float(line) for line in printed.split()][1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="a git revision to compare with")
    parser.add_argument("--notes", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--edits", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        checkouts = {f"before ({args.before})": checkout_of(args.before, Path(tmp) / "before"), "after": REPO}
        gardens = {name: Path(tmp) / f"garden-{number}" for number, name in enumerate(checkouts)}
        generate(gardens["after"], args.notes)
        shutil.copytree(gardens["after"], gardens[f"before ({args.before})"])
        for name, checkout in checkouts.items():
            subprocess.run([sys.executable, "-m", "garden", "build"], cwd=gardens[name], check=True,
                           env=dict(os.environ, PYTHONPATH=str(checkout)), capture_output=True)
        seconds: dict[str, list[float]] = {name: [] for name in checkouts}
        for _ in range(args.rounds):
            for name, checkout in checkouts.items():
                seconds[name] += edits(gardens[name], checkout, f"notes/Concept {args.notes // 2}.md", args.edits)
    for name, values in seconds.items():
        print(f"{name}: median {statistics.median(values):.2f} s of {len(values)} link edits:",
              " ".join(f"{value:.2f}" for value in values))


if __name__ == "__main__":
    main()
