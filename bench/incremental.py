"""Incremental builds against a garden checkout from before them, on a generated garden, in one run.

Usage: python bench/incremental.py [--notes 2000] [--runs 3] [--before REV]

In a garden of `--notes` generated notes (bench/generate.py; one note in 20 holds a python block),
the median wall-clock seconds of:
- `garden build` in a fresh process: a cold build (no site, no build cache; the result cache is
  kept, so no code runs), a rebuild after no change, after a one-note prose edit and after a
  one-note link edit (a link to a new page);
- the same two edits in one long-lived process, through the function `garden serve` rebuilds with
  (`garden.serve.rebuild.rebuild`, one `Builder` for the process, cached-only as serve's first build
  after a change is; a checkout whose serve builds with `build_site`, or that has no `garden serve`,
  rebuilds the way it can), after a first build there; and, where serve leaves the search index
  for after the pages (`Builder.index_search`), the seconds the index then takes to catch up.
With `--before REV` (a git revision of this repository: main before the merge of incremental builds,
or c734603, the last one without them) the same figures for that checkout, run by run alternately,
so that both see the same machine.
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
from checkouts import REPO, checkout_of  # noqa: E402
from generate import generate  # noqa: E402

NOTE = "notes/Concept 1.md"
IN_PROCESS = """
import contextlib, io, sys, time
from pathlib import Path
from garden.config import load_config
config = load_config(Path.cwd())
index = None
try:
    from garden.build.builder import Builder
    from garden.build.options import BuildOptions
    try:
        from garden.serve.rebuild import rebuild
        builder = Builder(config)
        build = lambda: rebuild(builder, BuildOptions(cached_only=True))
        index = getattr(builder, "index_search", None)
    except ImportError:
        build = Builder(config).build
except ImportError:
    try:
        from garden.serve.rebuild import rebuild
        from garden.site import BuildOptions
        build = lambda: rebuild(config, BuildOptions(cached_only=True))
    except ImportError:
        from garden.cli import main
        def build():
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                main(["build"])
note = Path(sys.argv[1])
original = note.read_text(encoding="utf-8")
build()
if index:
    index()
for name, old, new in (("prose", "created.", "created {}."), ("link", "created", "[[Link {}]] created")):
    times, indexed = [], []
    for run in range(int(sys.argv[2])):
        note.write_text(original.replace(old, new.format(run), 1), encoding="utf-8")
        started = time.perf_counter()
        build()
        times.append(time.perf_counter() - started)
        if index:
            started = time.perf_counter()
            index()
            indexed.append(time.perf_counter() - started)
    print(f"{name} edit", *times, sep="\t")
    if index:
        print(f"{name} edit: search index after", *indexed, sep="\t")
note.write_text(original, encoding="utf-8")
"""


def garden_build(garden: Path, checkout: Path) -> float:
    """Seconds of `garden build` in a fresh process, importing garden from `checkout`."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "garden", "build"], cwd=garden, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def edit(garden: Path, original: str, old: str, new: str) -> None:
    (garden / NOTE).write_text(original.replace(old, new, 1), encoding="utf-8")


def one_run(garden: Path, checkout: Path, run: int) -> dict[str, float]:
    """One of each figure for one checkout."""
    original = (garden / NOTE).read_text(encoding="utf-8")
    shutil.rmtree(garden / "site", ignore_errors=True)
    shutil.rmtree(garden / ".garden-cache" / "build", ignore_errors=True)
    figures = {"cold build": garden_build(garden, checkout), "no-op rebuild": garden_build(garden, checkout)}
    edit(garden, original, "created.", f"created {run}.")
    figures["one-note prose edit"] = garden_build(garden, checkout)
    edit(garden, original, "created", f"[[Link {run}]] created")
    figures["one-note link edit"] = garden_build(garden, checkout)
    (garden / NOTE).write_text(original, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(checkout))
    lines = subprocess.run([sys.executable, "-c", IN_PROCESS, NOTE, "1"], cwd=garden, env=env, check=True,
                           capture_output=True, text=True).stdout.splitlines()
    for line in lines:
        name, seconds = line.split("\t")
        figures[f"one process: {name}"] = float(seconds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--before", help="a git revision to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        checkouts = {"after": REPO}
        if args.before:
            checkouts = {f"before ({args.before})": checkout_of(args.before, Path(tmp) / "before"), **checkouts}
        gardens = {}
        for name, checkout in checkouts.items():
            gardens[name] = Path(tmp) / f"garden-{len(gardens)}"
            generate(gardens[name], args.notes)
            garden_build(gardens[name], checkout)  # the code runs once; every later build takes it from the cache
        figures: dict[str, dict[str, list[float]]] = {name: {} for name in checkouts}
        for run in range(args.runs):
            for name, checkout in checkouts.items():
                for figure, seconds in one_run(gardens[name], checkout, run).items():
                    figures[name].setdefault(figure, []).append(seconds)
    names = list(checkouts)
    print(f"| {args.notes:,} notes | " + " | ".join(f"{name} median s" for name in names) + " | runs |")
    print("| --- |" + " --- |" * len(names) + " --- |")
    for figure in figures["after"]:
        cells = [f"{statistics.median(figures[name][figure]):.2f}" if figure in figures[name] else "-"
                 for name in names]
        print(f"| {figure} | " + " | ".join(cells) + f" | {args.runs} |")


if __name__ == "__main__":
    main()
