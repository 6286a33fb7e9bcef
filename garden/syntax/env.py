"""What the syntax rules keep in markdown-it's `env` during one parse: scan tables and warnings."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any, TypeVar

from markdown_it.rules_inline import StateInline

T = TypeVar("T")
SCANS = "garden.scans"
WARNINGS = "garden.warnings"


def scanned(state: StateInline, scanner: Callable[[str], T]) -> T:
    """`scanner(state.src)`, computed once per text and parse however often a rule asks."""
    tables: dict[tuple[Callable[[str], Any], str], Any] = state.env.setdefault(SCANS, {})
    key = (scanner, state.src)
    if key not in tables:
        tables[key] = scanner(state.src)
    return tables[key]


def warn(state: StateInline, message: str) -> None:
    """Note a problem with the text being parsed (each message once per parse)."""
    state.env.setdefault(WARNINGS, {})[message] = None


def warnings_of(env: MutableMapping[str, Any]) -> list[str]:
    """The messages the rules noted during the parse that used `env`, in order."""
    return list(env.get(WARNINGS, {}))
