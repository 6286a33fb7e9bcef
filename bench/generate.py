"""Generate a synthetic Roam-style garden of N linked notes, for build benchmarks.

Links follow a skewed popularity (a few concepts are linked from everywhere, most from a few
notes, as in real gardens); notes carry tags, attributes, daily-note links, math, block ids and
block references, and one note in `CODE_EVERY` holds a small python block.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("gradient loss neuron layer weight bias signal model data capacity network training "
         "function error batch epoch feature representation learning scale").split()
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
CODE_EVERY = 20


def popular(rng: random.Random, count: int) -> int:
    """A note index, skewed: index k is picked about 1/(k+1) as often as index 0 (Zipf-like)."""
    return min(int(count ** rng.random()) - 1, count - 1)


def ordinal(day: int) -> str:
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def daily_link(index: int) -> str:
    return f"[[{MONTHS[index % 12]} {ordinal(1 + index % 28)}, 2021]]"


def note_text(index: int, count: int, rng: random.Random) -> str:
    """One note: attributes, nested blocks with links, tags, math, block ids, block refs, maybe code."""
    links = [f"[[Concept {popular(rng, count)}]]" for _ in range(4)]
    lines = ["- Tags:: [[concept]] #generated", f"- Sources:: [[Author {index % 40}]]", "- Updates::",
             f"    - {daily_link(index)}: created.", "- Notes {{word-count}}"]
    for section in range(4):
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        lines.append(f"    - Section {section} about {links[section]} and {words} ^c{index}s{section}")
        lines.append(f"        - Detail with $$z_{section} = \\sum_i w_i a_i$$ and **bold** and __italic__.")
        lines.append(f"        - See ((c{popular(rng, count)}s{section})) and #[[topic {index % 50}]].")
    if index % CODE_EVERY == 0:
        lines += ["    - Example:", "        ```python", f"        sum(range({index % 97}))", "        ```"]
    return "\n".join(lines) + "\n"


def generate(folder: Path, count: int, seed: int = 0) -> None:
    """Write `count` notes named `Concept N.md` into `folder/notes` and a garden.toml."""
    rng = random.Random(seed)
    notes = folder / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (notes / f"Concept {index}.md").write_text(note_text(index, count, rng), encoding="utf-8")
    (folder / "garden.toml").write_text('title = "Generated"\nentry = "Concept 0"\n', encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    generate(args.folder, args.notes)
