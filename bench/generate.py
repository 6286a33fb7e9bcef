"""Generate a synthetic garden of N linked notes, for build benchmarks."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS = ("gradient loss neuron layer weight bias signal model data capacity network training "
         "function error batch epoch feature representation learning scale").split()


def note_text(index: int, count: int, rng: random.Random) -> str:
    """One note: attributes, a few nested blocks with links, tags, math and a block id."""
    links = [f"[[Concept {rng.randrange(count)}]]" for _ in range(4)]
    lines = ["- Tags:: [[concept]] #generated", "- Updates::", f"    - [[April {1 + index % 28}th, 2021]]: created.",
             "- Notes {{word-count}}"]
    for section in range(4):
        words = " ".join(rng.choice(WORDS) for _ in range(12))
        lines.append(f"    - Section {section} about {links[section]} and {words} ^c{index}s{section}")
        lines.append(f"        - Detail with $$z_{section} = \\sum_i w_i a_i$$ and **bold** and __italic__.")
        lines.append(f"        - See ((c{rng.randrange(count)}s{section})) and #[[topic {index % 50}]].")
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
