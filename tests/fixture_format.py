"""Reading fixture files: cases of `name`, input, expected HTML and expected references.

Each case is a name line followed by three sections, each ended by a line holding only `.`:
the note text, the HTML of its first block, and its references (`kind target` per line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Case:
    """One fixture case and the line where it starts."""

    name: str
    line: int
    source: str
    html: str
    refs: list[str]


def read_cases(path: Path) -> list[Case]:
    """All cases of a fixture file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    cases: list[Case] = []
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        name, start = lines[index], index + 1
        sections: list[str] = []
        index += 1
        if lines[index] != ".":
            raise ValueError(f"{path}:{index + 1}: expected '.' after the case name")
        index += 1
        for _ in range(3):
            end = lines.index(".", index)
            sections.append("\n".join(lines[index:end]))
            index = end + 1
        refs = [line for line in sections[2].split("\n") if line.strip()]
        cases.append(Case(name, start, sections[0], sections[1], refs))
    return cases
