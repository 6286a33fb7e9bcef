"""Finds `[[`, `((` and `{{` that are never closed, outside code and math."""

from __future__ import annotations

import re

CODE_OR_MATH = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|(`+).*?\1|\$\$.*?\$\$", re.DOTALL)
PAIRS = {"[[": "]]", "{{": "}}"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
DELIMITER = re.compile(r"\[\[|\]\]|\{\{|\}\}")


def _blank_out(match: re.Match[str]) -> str:
    """Keep newlines (for line numbers) and erase everything else."""
    return re.sub(r"[^\n]", " ", match.group(0))


def _unclosed_pairs(visible: str) -> list[tuple[str, int]]:
    """`[[` and `{{` left open, matched as pairs (a stray closer is ignored)."""
    stack: list[tuple[str, int]] = []
    for match in DELIMITER.finditer(visible):
        token = match.group(0)
        if token in PAIRS:
            stack.append((token, match.start()))
        elif any(opener == CLOSERS[token] for opener, _ in stack):
            while stack[-1][0] != CLOSERS[token]:
                stack.pop()
            stack.pop()
    return stack


def _unclosed_block_refs(visible: str) -> list[tuple[str, int]]:
    """`((` whose parentheses never close, counting single ones so `((a + b) * c)` is fine."""
    open_at: list[int] = []
    for offset, char in enumerate(visible):
        if char == "(":
            open_at.append(offset)
        elif char == ")" and open_at:
            open_at.pop()
    left = set(open_at)
    return [("((", offset) for offset in sorted(left) if offset + 1 in left and offset - 1 not in left]


def unclosed_delimiters(text: str) -> list[tuple[int, str]]:
    """(line offset within `text`, delimiter) for each opener that is never closed."""
    visible = CODE_OR_MATH.sub(_blank_out, text)
    found = sorted(_unclosed_pairs(visible) + _unclosed_block_refs(visible), key=lambda item: item[1])
    return [(visible.count("\n", 0, offset), opener) for opener, offset in found]
