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
    open_count = dict.fromkeys(PAIRS, 0)
    for match in DELIMITER.finditer(visible):
        token = match.group(0)
        if token in PAIRS:
            stack.append((token, match.start()))
            open_count[token] += 1
        elif open_count[CLOSERS[token]]:
            while stack[-1][0] != CLOSERS[token]:
                open_count[stack.pop()[0]] -= 1
            open_count[stack.pop()[0]] -= 1
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


def _line_offsets(text: str, found: list[tuple[str, int]]) -> list[tuple[int, str]]:
    """(line offset, opener) of each (opener, index) of `found`, sorted by index; each pair once."""
    lines: dict[tuple[int, str], None] = {}
    line, counted = 0, 0
    for opener, offset in sorted(found, key=lambda item: item[1]):
        line += text.count("\n", counted, offset)
        counted = offset
        lines[line, opener] = None
    return list(lines)


def unclosed_delimiters(text: str) -> list[tuple[int, str]]:
    """(line offset within `text`, delimiter) for each opener that is never closed, once per line."""
    visible = CODE_OR_MATH.sub(_blank_out, text)
    return _line_offsets(visible, _unclosed_pairs(visible) + _unclosed_block_refs(visible))
