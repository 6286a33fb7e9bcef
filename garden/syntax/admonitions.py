"""Admonitions: Obsidian's callouts (`> [!note] Title`, foldable with `-` or `+`) and Logseq's
`#+BEGIN_NOTE … #+END_NOTE` blocks, both as `admonition_open`/`admonition_close` tokens."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore

from garden.syntax.tokens import closing_index

CALLOUT = re.compile(r"\[!([\w-]+)\]([-+]?)[ \t]*(.*)")
ORG_BEGIN = re.compile(r"#\+BEGIN_(\w+)[ \t]*(.*)$", re.IGNORECASE)
VERBATIM = {"src": "", "example": "text"}  # org blocks whose lines are code, with their language


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def org_block_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`#+BEGIN_X` up to `#+END_X`: an admonition of kind x (QUOTE a quote, SRC and EXAMPLE code)."""
    opening = ORG_BEGIN.match(_line(state, start))
    if opening is None:
        return False
    kind = opening.group(1).lower()
    closing = next((line for line in range(start + 1, end)
                    if _line(state, line).lower().startswith(f"#+end_{kind}")), None)
    if closing is None:
        return False
    if silent:
        return True
    if kind in VERBATIM:
        token = state.push("fence", "code", 0)
        token.info = opening.group(2).strip() or VERBATIM[kind]
        token.content = state.getLines(start + 1, closing, state.blkIndent, True)
        token.map = [start, closing + 1]
    else:
        name, tag = ("blockquote", "blockquote") if kind == "quote" else ("admonition", "div")
        state.push(f"{name}_open", tag, 1).meta = {"kind": kind, "title": kind.capitalize(), "fold": ""}
        old_max = state.lineMax
        state.lineMax = closing
        state.md.block.tokenize(state, start + 1, closing)
        state.lineMax = old_max
        state.push(f"{name}_close", tag, -1).meta = {"fold": ""}
    state.line = closing + 1
    return True


def callout_rule(state: StateCore) -> None:
    """Turn each quote whose first line is `[!type] Title` into an admonition of that type."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "blockquote_open" or index + 2 >= len(tokens) or tokens[index + 2].type != "inline":
            continue
        inline = tokens[index + 2]
        first, _, rest = inline.content.partition("\n")
        callout = CALLOUT.fullmatch(first.strip())
        if callout is None:
            continue
        kind, fold, title = callout.group(1).lower(), callout.group(2), callout.group(3).strip()
        token.type, token.tag = "admonition_open", "div"
        token.meta = {"kind": kind, "title": title or kind.capitalize(), "fold": fold}
        closing = closing_index(tokens, index)
        tokens[closing].type, tokens[closing].tag, tokens[closing].meta = "admonition_close", "div", {"fold": fold}
        inline.content = rest
        if not rest.strip():
            for paragraph in (tokens[index + 1], inline, tokens[index + 3]):
                paragraph.hidden, paragraph.type, paragraph.content = True, "text", ""



def admonitions_plugin(md: MarkdownIt) -> None:
    """Add Logseq's org blocks (before paragraphs and headings, as `#+` could start either) and callouts."""
    md.block.ruler.before("heading", "org_block", org_block_rule, {"alt": ["paragraph"]})
    md.core.ruler.before("inline", "callout", callout_rule)
