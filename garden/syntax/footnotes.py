"""Footnotes: `[^label]` in the text, `[^label]: text` lines at the margin (Obsidian, CommonMark
extensions). Definitions are taken out of the note before its blocks are read; they become the
note's footnote blocks, shown at the end of its page."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.model import Block
from garden.syntax.fences import FenceTracker

DEFINITION = re.compile(r"^\[\^([^\]\s]+)\]:[ \t]?(.*)$")
REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
CONTINUATION = re.compile(r"^(?: {4}|\t)")


def footnote_anchor(label: str) -> str:
    """The HTML id of a footnote on its page."""
    return "fn-" + re.sub(r"[^\w-]", "-", label)


def take_footnotes(text: str, first_line: int) -> tuple[str, list[Block]]:
    """`text` with its footnote definitions blanked out (lines keep their numbers), and one block per
    definition (its lines indented by four spaces below it included), in order."""
    if "[^" not in text:
        return text, []
    lines = text.split("\n")
    footnotes: list[Block] = []
    code = FenceTracker()
    index = 0
    while index < len(lines):
        line = lines[index]
        definition = None if code.is_code(line) else DEFINITION.match(line)
        if definition is None:
            index += 1
            continue
        body = [definition.group(2)]
        lines[index] = ""
        end = index + 1
        while end < len(lines) and CONTINUATION.match(lines[end]):
            body.append(lines[end].lstrip(" \t"))
            lines[end] = ""
            end += 1
        footnotes.append(Block(first_line + index, "\n".join(body).rstrip(), uid=footnote_anchor(definition.group(1))))
        index = end
    return "\n".join(lines), footnotes


def footnote_rule(state: StateInline, silent: bool) -> bool:
    """Match `[^label]`."""
    match = REFERENCE.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        token = state.push("footnote_ref", "sup", 0)
        token.content = match.group(0)
        token.meta = {"footnote": footnote_anchor(match.group(1))}
    state.pos = match.end()
    return True


def footnotes_plugin(md: MarkdownIt) -> None:
    """Add the footnote reference rule, ahead of the rule that takes plain `[` as text."""
    md.inline.ruler.before("bracket_text", "footnote_ref", footnote_rule)
