"""Obsidian's `%%comments%%`: removed before anything else reads the note, lines kept in place."""

from __future__ import annotations

import re

from garden.syntax.fences import FenceTracker

CODE_SPAN = re.compile(r"(`+)(?:.*?[^`])?\1(?!`)")


def _comment_free(line: str, open_comment: bool) -> tuple[str, bool]:
    """`line` without its comment parts (code spans kept), and whether a comment is still open."""
    kept: list[str] = []
    position = 0
    while position < len(line):
        if open_comment:
            end = line.find("%%", position)
            if end < 0:
                return "".join(kept), True
            position, open_comment = end + 2, False
            continue
        span = CODE_SPAN.search(line, position)
        start = line.find("%%", position)
        if start < 0:
            kept.append(line[position:])
            break
        if span is not None and span.start() <= start:
            kept.append(line[position:span.end()])
            position = span.end()
            continue
        kept.append(line[position:start])
        position, open_comment = start + 2, True
    return "".join(kept), open_comment


def strip_comments(text: str) -> tuple[str, int | None]:
    """`text` with every `%%…%%` removed (outside code), and the index of the line whose `%%` is never
    closed (None if all are): as in Obsidian, that comment runs to the end of the note. Each line
    stays on its line, so problems still name the right one."""
    if "%%" not in text:
        return text, None
    lines = text.split("\n")
    code = FenceTracker()
    open_comment = False
    opened_at: int | None = None
    for index, line in enumerate(lines):
        if not open_comment and (code.is_code(line) or code.fence is not None):
            continue  # code, or the line opening it: no comment starts there
        was_open = open_comment
        lines[index], open_comment = _comment_free(line, open_comment)
        if open_comment and (not was_open or "%%" in line):
            opened_at = index
    return "\n".join(lines), opened_at if open_comment else None
