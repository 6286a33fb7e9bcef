"""Reading TOML block bodies with helpful, key-naming error messages."""

import difflib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

_TOML_POSITION = re.compile(r"\(at line (\d+), column \d+\)")
_ASSIGNMENT = re.compile(r"""^\s*([\w"'.\- ]+?)\s*=""")
_HEADER = re.compile(r"""^\s*\[\s*([A-Za-z_"'][\w"'.\- ]*?)\s*\]\s*(#.*)?$""")


class SpecError(Exception):
    """An invalid block spec; ``key`` and ``line`` (1-based) point at the problem."""

    def __init__(self, message: str, key: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.line = line

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        what = f"{self.key}: " if self.key else ""
        return f"{where}{what}{self.message}"


class MissingPackage(SpecError):
    """A spec that needs an optional package which is not installed; the message says how to install it."""


def toml_type(value: Any) -> str:
    """The TOML name of a parsed value's type, for messages."""
    names = {bool: "boolean", int: "integer", float: "float", str: "string",
             list: "array", dict: "table"}
    return names.get(type(value), type(value).__name__)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _normalise_key(raw: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in raw.split("."))


def key_line(source: str, key: str) -> int | None:
    """The 1-based line where ``key`` (dotted, e.g. ``train.epochs``) is set."""
    table = ""
    for number, text in enumerate(source.splitlines(), start=1):
        if header := _HEADER.match(text):
            table = _normalise_key(header[1])
            if table == key:
                return number
        elif assignment := _ASSIGNMENT.match(text):
            full = ".".join(filter(None, [table, _normalise_key(assignment[1])]))
            if full == key or full.startswith(key + "."):
                return number
    return None


def parse_toml(source: str) -> dict[str, Any]:
    """Parse a block body, turning TOML syntax errors into SpecError with a line."""
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        if position:
            line = int(position[1])
        else:  # "(at end of document)"
            line = max(len(source.splitlines()), 1)
        reason = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        raise SpecError(f"TOML syntax error: {reason}", line=line) from None


_REQUIRED = object()


@dataclass(frozen=True)
class SpecTable:
    """One TOML table of a spec; ``prefix`` is its dotted path (``"train."``)."""

    data: dict[str, Any]
    source: str
    prefix: str = ""

    def error(self, key: str, message: str) -> SpecError:
        full = self.prefix + key
        return SpecError(message, key=full, line=key_line(self.source, full))

    def top_error(self, key: str, message: str) -> SpecError:
        """An error at ``key`` of the spec's top level, seen from inside this table."""
        return SpecError(message, key=key, line=key_line(self.source, key))

    def check_keys(self, allowed: Sequence[str]) -> None:
        """Reject keys not in ``allowed``, suggesting the closest valid one."""
        for key in self.data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                raise self.error(key, f"unknown key {key!r}; {hint}valid keys: {', '.join(allowed)}")

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _REQUIRED:
            raise self.error(key, f"missing required key {key!r}")
        return default

    def number(self, key: str, default: Any = _REQUIRED, positive: bool = False) -> float:
        value = self._get(key, default)
        if not is_number(value):
            raise self.error(key, f"{key} must be a number, got {toml_type(value)}")
        if positive and value <= 0:
            raise self.error(key, f"{key} must be positive, got {value}")
        return float(value)

    def integer(self, key: str, default: Any = _REQUIRED, low: int = 0, high: int | None = None) -> int:
        value = self._get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.error(key, f"{key} must be an integer, got {toml_type(value)}")
        if value < low or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise self.error(key, f"{key} must be {bounds}, got {value}")
        return value

    def optional_integer(self, key: str, low: int = 0, high: int | None = None) -> int | None:
        return self.integer(key, low=low, high=high) if key in self.data else None

    def choice(self, key: str, choices: Iterable[str], default: Any = _REQUIRED) -> str:
        value = self._get(key, default)
        options = list(choices)
        if not isinstance(value, str):
            raise self.error(key, f"{key} must be a string, got {toml_type(value)}")
        if value not in options:
            close = difflib.get_close_matches(value, options, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise self.error(key, f"unknown {key} {value!r}; {hint}valid: {', '.join(options)}")
        return value

    def numbers(self, key: str, default: Any = _REQUIRED) -> list[float]:
        value = self._get(key, default)
        if not isinstance(value, list) or not all(is_number(v) for v in value):
            raise self.error(key, f"{key} must be an array of numbers, got {toml_type(value)}")
        return [float(v) for v in value]

    def integers(self, key: str, default: Any = _REQUIRED) -> list[int]:
        value = self._get(key, default)
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise self.error(key, f"{key} must be an array of integers")
        return list(value)

    def rows(self, key: str, width: int) -> list[list[float]]:
        """Samples of ``width`` numbers: an array of rows, or one flat row.

        A flat array is one sample, except when ``width`` is 1, where each
        number is its own sample.
        """
        value = self._get(key, _REQUIRED)
        if isinstance(value, list) and value and all(is_number(v) for v in value):
            value = [[v] for v in value] if width == 1 else [value]
        if not isinstance(value, list) or not value or not all(
            isinstance(row, list) and all(is_number(v) for v in row) for row in value
        ):
            raise self.error(key, f"{key} must be a non-empty array of numbers or of number arrays")
        for row in value:
            if len(row) != width:
                raise self.error(key, f"each sample in {key} needs {width} numbers, got {len(row)}")
        return [[float(v) for v in row] for row in value]

    def table(self, key: str) -> "SpecTable | None":
        if key not in self.data:
            return None
        value = self.data[key]
        if not isinstance(value, dict):
            raise self.error(key, f"{key} must be a table, got {toml_type(value)}")
        return SpecTable(value, self.source, f"{self.prefix}{key}.")
