"""Finds `[[`, `((` and `{{` that are never closed, outside code and math."""

from __future__ import annotations

import re

CODE_OR_MATH = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|(`+).*?\1|\$\$.*?\$\$", re.DOTALL)
PAIRS = {"[[": "]]", "((": "))", "{{": "}}"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
DELIMITER = re.compile(r"\[\[|\]\]|\(\(|\)\)|\{\{|\}\}")


def _blank_out(match: re.Match[str]) -> str:
    """Keep newlines (for line numbers) and erase everything else."""
    return re.sub(r"[^\n]", " ", match.group(0))


def unclosed_delimiters(text: str) -> list[tuple[int, str]]:
    """(line offset within `text`, delimiter) for each opener that is never closed."""
    visible = CODE_OR_MATH.sub(_blank_out, text)
    stack: list[tuple[str, int]] = []
    for match in DELIMITER.finditer(visible):
        token = match.group(0)
        if token in PAIRS:
            stack.append((token, match.start()))
        elif stack and stack[-1][0] == CLOSERS[token]:
            stack.pop()
        elif any(opener == CLOSERS[token] for opener, _ in stack):
            while stack and stack[-1][0] != CLOSERS[token]:
                stack.pop()
            stack.pop()
    return [(visible.count("\n", 0, offset), opener) for opener, offset in stack]
