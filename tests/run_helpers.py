"""Build garden.run cells from markdown text through the parse stage, with real note line numbers."""

from __future__ import annotations

import re

from garden.code.blocks import code_block
from garden.run.cells import Cell
from garden.syntax import make_parser

FENCE = re.compile(r"```(python|neuron|network)\s*")
MD = make_parser()


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
            cells.append(Cell(note, code_block(match.group(1), source, index + 1, MD)))
            index = end
        index += 1
    return cells


def cell(note: str, line: int, kind: str, source: str) -> Cell:
    """One cell whose fence opens on note line `line`."""
    return Cell(note, code_block(kind, source, line, MD))


def line_of(text: str, needle: str) -> int:
    """1-based line of the first line of ``text`` containing ``needle``."""
    return next(number for number, line in enumerate(text.split("\n"), 1) if needle in line)
