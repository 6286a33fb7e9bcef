"""Build garden.run cells from markdown text, with real note line numbers."""

from __future__ import annotations

import re

from garden.run.cells import Cell

FENCE = re.compile(r"```(python|neuron|network)\s*")


def parse_note(note: str, text: str) -> list[Cell]:
    """The fenced python/neuron/network blocks of ``text`` as cells."""
    lines = text.split("\n")
    cells = []
    index = 0
    while index < len(lines):
        match = FENCE.fullmatch(lines[index])
        if match:
            end = lines.index("```", index + 1)
            source = "".join(line + "\n" for line in lines[index + 1 : end])
            cells.append(Cell(note, index + 1, match.group(1), source, index + 2))
            index = end
        index += 1
    return cells


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)
