"""Parse Quarto-style ``#| key: value`` option lines at the top of a python cell."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from garden.check.tolerance import parse_tolerance

OPTION_PREFIX = "#|"
_OPTION_RE = re.compile(r"#\|\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_LINKED_TITLE = re.compile(r"\[\[([^\[\]]+)\]\]")
_DOTTED_NAME_RE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


class OptionError(Exception):
    """A malformed option line; ``line`` is the line in the note."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class CellOptions:
    """Options of a python cell (defaults apply when a key is absent)."""

    exec: bool = True
    timeout: float | None = None  # seconds; None means the engine default
    raises: str | None = None  # exception class name the cell must raise
    echo: bool = True
    rtol: float | None = None
    atol: float | None = None
    uses: tuple[str, ...] = ()  # titles of the notes this cell's note builds on


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("true", "yes"):
        return True
    if lowered in ("false", "no"):
        return False
    raise ValueError("expected true or false")


def _positive(text: str) -> float:
    number = float(text)
    if not math.isfinite(number) or number <= 0:
        raise ValueError("expected a number > 0")
    return number


def _class_name(text: str) -> str:
    if not _DOTTED_NAME_RE.fullmatch(text):
        raise ValueError("expected an exception class name")
    return text


def _titles(text: str) -> tuple[str, ...]:
    titles = tuple(unicodedata.normalize("NFC", title.strip()) for title in _LINKED_TITLE.findall(text))
    if not titles or _LINKED_TITLE.sub("", text).strip(" ,"):
        raise ValueError("expected links to notes, like [[Activation Function]], [[Neuron]]")
    return titles


_PARSERS: dict[str, Callable[[str], Any]] = {
    "exec": _boolean,
    "timeout": _positive,
    "raises": _class_name,
    "echo": _boolean,
    "rtol": parse_tolerance,
    "atol": parse_tolerance,
    "uses": _titles,
}


def split_options(source: str) -> tuple[list[str], str]:
    """Split a cell into its leading option lines and the remaining body."""
    lines = source.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith(OPTION_PREFIX):
        count += 1
    return [line.rstrip("\r\n") for line in lines[:count]], "".join(lines[count:])


def parse_options(source: str, code_line: int = 1) -> CellOptions:
    """Parse the option lines of ``source`` whose first line is note line ``code_line``."""
    option_lines, _ = split_options(source)
    options = CellOptions()
    seen: set[str] = set()
    for offset, text in enumerate(option_lines):
        line = code_line + offset
        match = _OPTION_RE.fullmatch(text.strip())
        if match is None:
            raise OptionError(f"malformed option line {text.strip()!r}; expected '#| key: value'", line)
        key, raw = match.group(1), _unquote(match.group(2))
        if key not in _PARSERS:
            raise OptionError(f"unknown option {key!r}; known: {', '.join(_PARSERS)}", line)
        if key in seen:
            raise OptionError(f"option {key!r} given twice", line)
        seen.add(key)
        try:
            value = _PARSERS[key](raw)
        except ValueError as exc:
            raise OptionError(f"bad value {raw!r} for option {key!r}: {exc}", line) from None
        options = replace(options, **{key: value})
    return options
