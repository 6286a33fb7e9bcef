"""Capture a cell's stdout/stderr in memory, keeping at most a fixed number of characters."""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager

OUTPUT_LIMIT = 1_000_000  # characters kept per stream and cell


class CappedText(io.TextIOBase):
    """A write-only text stream that keeps the first ``limit`` characters."""

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        super().__init__()
        self._limit = limit
        self._parts: list[str] = []
        self._kept = 0
        self._dropped = 0

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        room = max(self._limit - self._kept, 0)
        if room:
            kept = text[:room]
            self._parts.append(kept)
            self._kept += len(kept)
        self._dropped += len(text) - min(room, len(text))
        return len(text)

    def getvalue(self) -> str:
        """The kept text, with a note if anything was dropped."""
        text = "".join(self._parts)
        if self._dropped:
            text += f"\n[output truncated: {self._dropped} more characters not shown]\n"
        return text


@contextmanager
def captured() -> Iterator[tuple[CappedText, CappedText]]:
    """Redirect sys.stdout and sys.stderr to fresh CappedText streams."""
    saved = sys.stdout, sys.stderr
    out, err = CappedText(), CappedText()
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = saved
