"""Quarto-style `#| key: value` option lines at the top of a python block."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from garden.code.directives import parse_directives
from garden.model import CodeOptions

OPTION_PREFIX = "#|"
_OPTION_RE = re.compile(r"#\|\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_DOTTED_NAME_RE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


LinkReader = Callable[[str], tuple[str, ...]]


class OptionError(Exception):
    """A malformed option line; `line` is its line in the note."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class ParsedOptions:
    """A python block's options, the code after them, and the note line where that code starts."""

    options: CodeOptions
    code: str
    body_line: int


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


def parse_tolerance(value: str) -> float:
    """The tolerance written as `value`: a finite, non-negative number such as `1e-6`."""
    try:
        tolerance = float(value.strip())
    except ValueError:
        raise ValueError(f"tolerance must be a number like 1e-6, got {value!r}") from None
    if not math.isfinite(tolerance):
        raise ValueError(f"tolerance must be finite, got {value!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance must not be negative, got {value!r}")
    return tolerance


_PARSERS: dict[str, Callable[[str], Any]] = {
    "exec": _boolean,
    "timeout": _positive,
    "raises": _class_name,
    "echo": _boolean,
    "rtol": parse_tolerance,
    "atol": parse_tolerance,
    "doctest": parse_directives,
}
KNOWN_OPTIONS = (*_PARSERS, "uses")


def _split(source: str) -> tuple[list[str], str]:
    """A block's leading option lines, and the rest of its body."""
    lines = source.splitlines(keepends=True)
    count = 0
    while count < len(lines) and lines[count].lstrip().startswith(OPTION_PREFIX):
        count += 1
    return [line.rstrip("\r\n") for line in lines[:count]], "".join(lines[count:])


def parse_options(source: str, code_line: int, links: LinkReader) -> ParsedOptions:
    """Read the option lines of a python block whose body starts on note line `code_line`.

    `links` reads the targets of `[[links]]` (for `uses`), raising ValueError on other text.
    Raises OptionError, naming the line, for a malformed, unknown, repeated or invalid option.
    """
    option_lines, code = _split(source)
    options = CodeOptions()
    seen: set[str] = set()
    for offset, text in enumerate(option_lines):
        line = code_line + offset
        match = _OPTION_RE.fullmatch(text.strip())
        if match is None:
            raise OptionError(f"malformed option line {text.strip()!r}; expected '#| key: value'", line)
        key, raw = match.group(1), _unquote(match.group(2))
        if key not in KNOWN_OPTIONS:
            raise OptionError(f"unknown option {key!r}; known: {', '.join(KNOWN_OPTIONS)}", line)
        if key in seen:
            raise OptionError(f"option {key!r} given twice", line)
        seen.add(key)
        try:
            value = links(raw) if key == "uses" else _PARSERS[key](raw)
        except ValueError as exc:
            raise OptionError(f"bad value {raw!r} for option {key!r}: {exc}", line) from None
        options = replace(options, **{key: value})
    return ParsedOptions(options, code, code_line + len(option_lines))
