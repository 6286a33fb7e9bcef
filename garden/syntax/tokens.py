"""Walking markdown-it's flat token lists."""

from __future__ import annotations

from markdown_it.token import Token


def closing_index(tokens: list[Token], opening: int) -> int:
    """Index of the token closing the one at `opening` (the last token if none does)."""
    level = 0
    for index in range(opening, len(tokens)):
        level += tokens[index].nesting
        if level == 0:
            return index
    return len(tokens) - 1
