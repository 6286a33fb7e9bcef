"""Task checkboxes: a block or line that starts `[ ] ` or `[x] ` (Obsidian's and Logseq's tasks)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

TASK = re.compile(r"\[([ xX])\] ")


def task_rule(state: StateInline, silent: bool) -> bool:
    """Match `[ ] ` or `[x] ` at the start of a line."""
    if state.pos != 0 and state.src[state.pos - 1] != "\n":
        return False
    match = TASK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("todo", "input", 0).meta = {"done": match.group(1) != " "}
    state.pos = match.end()
    return True


def tasks_plugin(md: MarkdownIt) -> None:
    """Add the task rule ahead of links, which would read `[x]` as a reference link's label."""
    md.inline.ruler.before("link", "task", task_rule)
