"""Mutation fuzzing: build thousands of damaged copies of real notes and count garden's own errors.

Usage:
    python bench/mutate.py --count 10000 /path/to/notes [/more/notes ...]
    python bench/mutate.py --show 0:1234 /path/to/notes ...  > note.md   # reproduce one note

Every `.md` file below the given folders is a source. Note I of a run with seed S is made by
an RNG seeded with "S:I": it picks a source and applies 1-6 mutations (delete, duplicate, swap
or truncate byte ranges, insert fragments and near-misses of garden's constructs, change
indentation, insert control characters and odd Unicode, convert line endings, splice in part of
another note, deepen nesting, repeat an opener up to 10,000 times, break the UTF-8). The notes
are built `--no-exec` in gardens of `--batch` notes, in this process, through `garden.cli.main`.

A failure is garden's own error: an exception out of `garden build`, an exit code other than 0
or 1, a warning that a note could not be parsed or rendered, a stderr line that is not a
warning, or a note without its page. Each is printed with its note's seed ("S:I") and the
mutations; `--show S:I` writes that note to stdout. The exit status is 1 when any failure was found.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fragments import CAPPED_OPENERS, FRAGMENTS, ODD_CHARACTERS, OPENERS  # noqa: E402

from garden.cli import main as garden_main  # noqa: E402

MAX_REPEAT = 10_000
MAX_DEPTH = 400  # deeper outlines hit Python's recursion limit: being fixed in garden/outline.py
WARNING = re.compile(r"^(?:notes/[^:]+\.md(?::\d+)?|page (?:'.*'|\".*\")|garden\.toml): \S")
BROKEN = re.compile(r"could not be (?:parsed|rendered) \(")

Mutation = Callable[[str, random.Random, list[str]], str]


# --------------------------------------------------------------------------- mutations

def _span(text: str, rng: random.Random, longest: int = 400) -> tuple[int, int]:
    start = rng.randrange(len(text) + 1)
    return start, min(len(text), start + int(rng.expovariate(1 / 20)) % longest + 1)


def _point(text: str, rng: random.Random) -> int:
    """A random position, at a line start half of the time."""
    position = rng.randrange(len(text) + 1)
    if rng.random() < 0.5:
        position = text.rfind("\n", 0, position) + 1
    return position


def delete(text: str, rng: random.Random, corpus: list[str]) -> str:
    start, end = _span(text, rng)
    return text[:start] + text[end:]


def duplicate(text: str, rng: random.Random, corpus: list[str]) -> str:
    start, end = _span(text, rng)
    at = rng.randrange(len(text) + 1)
    return text[:at] + text[start:end] * rng.randint(1, 3) + text[at:]


def swap(text: str, rng: random.Random, corpus: list[str]) -> str:
    (a, b), (c, d) = sorted([_span(text, rng), _span(text, rng)])
    if c < b:
        return text
    return text[:a] + text[c:d] + text[b:c] + text[a:b] + text[d:]


def truncate(text: str, rng: random.Random, corpus: list[str]) -> str:
    return text[:rng.randrange(len(text) + 1)]


def insert_fragment(text: str, rng: random.Random, corpus: list[str]) -> str:
    at = 0 if rng.random() < 0.1 else _point(text, rng)
    fragment = rng.choice(FRAGMENTS)
    if rng.random() < 0.3:
        fragment = fragment[:rng.randrange(len(fragment) + 1)]
    return text[:at] + fragment + text[at:]


def reindent(text: str, rng: random.Random, corpus: list[str]) -> str:
    lines = text.split("\n")
    start = rng.randrange(len(lines))
    for number in range(start, min(len(lines), start + rng.randint(1, 30))):
        indent = rng.choice(["", " ", "  ", "   ", "    ", "\t", "\t\t", " \t", "\t  ", "        "])
        lines[number] = indent * rng.randint(0, 4) + lines[number].lstrip(" \t")
    return "\n".join(lines)


def odd_characters(text: str, rng: random.Random, corpus: list[str]) -> str:
    for _ in range(rng.randint(1, 20)):
        at = rng.randrange(len(text) + 1)
        text = text[:at] + rng.choice(ODD_CHARACTERS) + text[at:]
    return text


def line_endings(text: str, rng: random.Random, corpus: list[str]) -> str:
    ending = rng.choice(["\r\n", "\r", "\n\r", "\r\r\n", "\u2028", "\x85"])
    if rng.random() < 0.5:
        return text.replace("\n", ending)
    return "".join(ending if char == "\n" and rng.random() < 0.5 else char for char in text)


def splice(text: str, rng: random.Random, corpus: list[str]) -> str:
    other = rng.choice(corpus)
    start, end = _span(other, rng, longest=5000)
    at = _point(text, rng)
    cut = at + (rng.randrange(len(text) - at + 1) if rng.random() < 0.5 else 0)
    return text[:at] + other[start:end] + text[cut:]


def deepen(text: str, rng: random.Random, corpus: list[str]) -> str:
    lines = text.split("\n")
    start = rng.randrange(len(lines))
    depth, step = rng.randint(2, MAX_DEPTH), rng.choice(["  ", "    ", "\t", " "])
    deeper = [step * level + "- " + rng.choice(lines).lstrip(" \t-")[:120] for level in range(depth)]
    return "\n".join(lines[:start] + deeper + lines[start:])


def repeat_opener(text: str, rng: random.Random, corpus: list[str]) -> str:
    opener = rng.choice(OPENERS)
    limit = CAPPED_OPENERS.get(opener, MAX_REPEAT)
    times = min(limit, int(10 ** rng.uniform(0, 4)))
    at = _point(text, rng)
    return text[:at] + opener * times + text[at:]


def broken_utf8(text: str, rng: random.Random, corpus: list[str]) -> str:
    """An undecodable byte (written out through `surrogateescape`): the note is skipped with a warning."""
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(["\udcff", "\udcc3", "\udce2\udc82"]) + text[at:]


MUTATIONS: list[tuple[Mutation, int]] = [
    (delete, 10), (duplicate, 8), (swap, 6), (truncate, 4), (insert_fragment, 30), (reindent, 8),
    (odd_characters, 8), (line_endings, 4), (splice, 6), (deepen, 4), (repeat_opener, 6), (broken_utf8, 1),
]


def mutated_note(seed: str, corpus: list[str]) -> tuple[bytes, list[str]]:
    """The note seeded `seed` ("S:I"): its bytes and the names of the mutations applied."""
    rng = random.Random(seed)
    text = rng.choice(corpus)
    functions, weights = zip(*MUTATIONS)
    applied = rng.choices(functions, weights, k=rng.randint(1, 6))
    for mutation in applied:
        text = mutation(text, rng, corpus)
    return text.encode("utf-8", "surrogateescape"), [mutation.__name__ for mutation in applied]


def load_corpus(folders: list[Path]) -> list[str]:
    """The text of every `.md` file below the folders, in a fixed order."""
    paths = sorted(path for folder in folders for path in folder.rglob("*.md") if path.is_file())
    return [path.read_bytes().decode("utf-8", "replace") for path in paths]


# --------------------------------------------------------------------------- building

@dataclass
class Batch:
    """What one build of a batch of notes did."""

    notes: int = 0
    pages: int = 0
    warnings: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)


def run_build(root: Path) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `garden build --no-exec` in `root`, in this process."""
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = Path.cwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = garden_main(["build", "--no-exec"])
            except BaseException:  # noqa: BLE001 -- what escapes garden is exactly what we count
                traceback.print_exc()
                code = -1
    finally:
        os.chdir(previous)
    return code, stdout.getvalue(), stderr.getvalue()


def _write_garden(root: Path, notes: dict[str, bytes]) -> None:
    (root / "notes").mkdir(parents=True)
    (root / "garden.toml").write_text('title = "Mutants"\n', encoding="utf-8")
    for name, content in notes.items():
        (root / "notes" / name).write_bytes(content)


def _missing_pages(site: Path, written: int, skipped: int) -> list[str]:
    """Problems with the built site: notes without a page, pages without a file."""
    nodes = json.loads((site / "graph.json").read_text(encoding="utf-8"))["nodes"]
    problems = [f"page {node['title']!r} has no file {node['url']}" for node in nodes
                if not (site / node["url"]).is_file()]
    notes = sum(not node["ghost"] for node in nodes)
    if notes != written - skipped:
        problems.append(f"{written - skipped} notes were read but {notes} note pages were built")
    return problems


def build_batch(notes: dict[str, bytes], seeds: dict[str, str]) -> Batch:
    """Build one garden of `notes` (file name -> bytes); failures name the seed of their note."""
    with tempfile.TemporaryDirectory(prefix="garden-mutants-") as tmp:
        root = Path(tmp)
        _write_garden(root, notes)
        started = time.perf_counter()
        code, _, stderr = run_build(root)
        batch = Batch(notes=len(notes), seconds=time.perf_counter() - started)
        lines = stderr.splitlines()
        if code not in (0, 1):
            batch.failures += [f"build exited {code}: {lines[-1] if lines else ''}"] + isolate(notes, seeds)
            return batch
        batch.warnings = len(lines)
        for line in lines:
            name = line.removeprefix("notes/").split(":", 1)[0]
            if not WARNING.match(line):
                batch.failures.append(f"not a warning: {line[:300]}")
            elif BROKEN.search(line):
                batch.failures.append(f"seed {seeds.get(name, '?')}: {line[:300]}")
        skipped = sum(line.endswith("note skipped") for line in lines)
        batch.failures += _missing_pages(root / "site", len(notes), skipped)
        batch.pages = len(json.loads((root / "site" / "graph.json").read_text(encoding="utf-8"))["nodes"])
        return batch


def isolate(notes: dict[str, bytes], seeds: dict[str, str]) -> list[str]:
    """Build each note alone (with GARDEN_DEBUG=1) to find which ones stop a build, with tracebacks."""
    found = []
    os.environ["GARDEN_DEBUG"] = "1"
    try:
        for name, content in notes.items():
            with tempfile.TemporaryDirectory(prefix="garden-mutant-") as tmp:
                _write_garden(Path(tmp), {name: content})
                code, _, stderr = run_build(Path(tmp))
            if code not in (0, 1):
                found.append(f"seed {seeds[name]}: exit {code}\n{stderr[-3000:]}")
    finally:
        del os.environ["GARDEN_DEBUG"]
    return found


# --------------------------------------------------------------------------- command line

def batch_of(corpus: list[str], seed: int, indices: range) -> tuple[dict[str, bytes], dict[str, str]]:
    """The notes of one batch (file name -> bytes) and what made each (file name -> seed and mutations)."""
    notes, seeds = {}, {}
    for index in indices:
        name = f"n{index:06d}.md"
        notes[name], applied = mutated_note(f"{seed}:{index}", corpus)
        seeds[name] = f"{seed}:{index} ({', '.join(applied)})"
    return notes, seeds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="folders of real notes (.md files)")
    parser.add_argument("--count", type=int, default=1000, help="mutated notes to build (default 1000)")
    parser.add_argument("--seed", type=int, default=0, help="run seed (default 0)")
    parser.add_argument("--batch", type=int, default=500, help="notes per garden build (default 500)")
    parser.add_argument("--start", type=int, default=0, help="index of the first note (to rerun part of a run)")
    parser.add_argument("--show", metavar="S:I", help="write the note with this seed to stdout and stop")
    args = parser.parse_args()
    corpus = load_corpus(args.folders)
    if not corpus:
        parser.error("no .md files in the given folders")
    if args.show:
        sys.stdout.buffer.write(mutated_note(args.show, corpus)[0])
        return 0
    print(f"{len(corpus)} source notes; notes {args.start}-{args.count - 1} of seed {args.seed}, "
          f"batches of {args.batch}")
    batches = []
    for first in range(args.start, args.count, args.batch):
        batch = build_batch(*batch_of(corpus, args.seed, range(first, min(args.count, first + args.batch))))
        batches.append(batch)
        for failure in batch.failures:
            print("FAIL", failure, flush=True)
        print(f"  notes {first}-{first + batch.notes - 1}: {batch.seconds:.1f} s, {batch.warnings} warnings, "
              f"{len(batch.failures)} failures", flush=True)
    failures = sum(len(batch.failures) for batch in batches)
    print(f"built {sum(batch.notes for batch in batches)} mutated notes ({sum(batch.pages for batch in batches)} "
          f"pages, {sum(batch.warnings for batch in batches)} warnings) in "
          f"{sum(batch.seconds for batch in batches):.0f} s of builds (slowest batch "
          f"{max(batch.seconds for batch in batches):.1f} s); failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
