"""Code fences followed line by line, for the scans of a whole note that must leave code alone
(comments, footnote definitions, telling prose from outlines)."""

from __future__ import annotations

import re

FENCE = re.compile(r"^\s*(?:[-*+]\s+|\d{1,9}[.)]\s+)?(`{3,}|~{3,})")  # a fence opening or closing, maybe on a bullet


class FenceTracker:
    """Fed a note's lines in order, says which are code: inside a fence, or the line closing it."""

    def __init__(self) -> None:
        self.fence: str | None = None

    def is_code(self, line: str) -> bool:
        """Whether `line` is code; a line opening a fence is not, but the lines after it are."""
        marker = FENCE.match(line)
        if self.fence is not None:
            if marker and marker.group(1)[0] == self.fence[0] and len(marker.group(1)) >= len(self.fence):
                self.fence = None
            return True
        if marker:
            self.fence = marker.group(1)
        return False
