"""Problems found in a user's notes, each pointing at a file and line."""

from __future__ import annotations

from dataclasses import dataclass


def one_line(text: str) -> str:
    """`text` with line breaks and other unprintable characters as escapes (`\\n`, `\\x1b`, `\\u202e`).

    Warnings quote note text; a note must not split a warning over lines or send a terminal
    control sequences.
    """
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


@dataclass(frozen=True)
class Problem:
    """One warning or error about a note: prints as `notes/X.md:12: message`, on one line."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return one_line(f"{where}: {self.message}")
