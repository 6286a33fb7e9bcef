"""The parse stage: one note's source into a titled outline of blocks with references and code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token

from garden.code.blocks import collect_code
from garden.diagnostics import Problem
from garden.frontmatter import read_front_matter
from garden.model import Block, Note, Ref, Source
from garden.outline import TooManyBlocks, parse_outline
from garden.prose import is_prose, parse_prose
from garden.syntax.balance import unclosed_delimiters
from garden.syntax.comments import strip_comments
from garden.syntax.env import warnings_of
from garden.syntax.footnotes import take_footnotes
from garden.syntax.paths import NOTE_PATH, file_links
from garden.syntax.scan import nested_targets
from garden.syntax.tokens import compact

PROPERTY = re.compile(r"^([\w-]+):: ?(.*)$")


def _refs_of(block: Block, tokens: list[Token], attribute: str | None = None) -> Iterator[Ref]:
    """References in a token stream; those after `Key::` record the attribute they belong to."""
    for token in tokens:
        if token.children:
            yield from _refs_of(block, token.children)
        target = token.meta.get("target") if token.meta else None
        if not target:
            continue
        if token.type == "attribute":
            attribute = target
            yield Ref(target, "attribute", block)
            continue
        yield Ref(target, token.meta["kind"], block, token.meta.get("anchor"), attribute)
        for parent in token.meta.get("parents", ()):
            yield Ref(parent, "tag", block, None, attribute)
        for inner in nested_targets(target):
            yield Ref(inner, token.meta["kind"], block, None, attribute)


def _has_raw_html(tokens: list[Token]) -> bool:
    """Whether a token stream holds raw HTML (an html_block, or html_inline in its inline children)."""
    return any(token.type in ("html_block", "html_inline") or (token.children and _has_raw_html(token.children))
               for token in tokens)


def _has_table_macro(tokens: list[Token]) -> bool:
    """Whether a block holds Roam's `{{[[table]]}}`, which shows the block's children as a table."""
    return any(child.type == "macro" and child.meta.get("name") == "table"
               for token in tokens if token.type == "inline" for child in token.children or [])


def _parse_block(note: Note, block: Block, md: MarkdownIt) -> list[Problem]:
    """Parse one block's text into its tokens and the note's refs; problems at the block's lines."""
    env: dict = {NOTE_PATH: note.source.relative}
    block.tokens = md.parse(block.text, env)
    block.raw_html = _has_raw_html(block.tokens)
    block.table = _has_table_macro(block.tokens)
    note.refs.extend(_refs_of(block, block.tokens))
    note.files.extend(file_links(block, block.tokens))
    problems = [Problem(note.display, block.line, message) for message in warnings_of(env)]
    problems += [Problem(note.display, block.line + offset, f"`{opener}` is never closed")
                 for offset, opener in unclosed_delimiters(block.text)]
    return problems


def _page_properties(blocks: list[Block]) -> dict[str, str]:
    """Logseq's page properties: a first block made only of `key:: value` lines (`title::`, `alias::`)."""
    if not blocks:
        return {}
    lines = blocks[0].text.split("\n")
    matches = [PROPERTY.match(line) for line in lines]
    if not all(matches):
        return {}
    return {match.group(1).lower(): match.group(2).strip() for match in matches if match}


def parse_note(source: Source, md: MarkdownIt) -> tuple[Note | None, list[Problem]]:
    """Parse one source into a Note; problems point at lines of the file.

    A note of more blocks than `garden.outline.MAX_BLOCKS` is refused: no Note, one problem.
    """
    matter = read_front_matter(source)
    problems = matter.problems
    title = matter.title or source.file_title
    body, unclosed = strip_comments(matter.body)
    if unclosed is not None:
        problems.append(Problem(source.display, matter.first_line + unclosed,
                                "`%%` opens a comment that is never closed; the rest of the note is hidden"))
    body, footnotes = take_footnotes(body, matter.first_line)
    try:
        if is_prose(body):
            blocks, outline_problems = parse_prose(body, matter.first_line), []
        else:
            blocks, outline_problems = parse_outline(body, matter.first_line)
    except TooManyBlocks as refused:
        return None, problems + [Problem(source.display, None, f"{refused}; note skipped")]
    problems += [Problem(source.display, line, message) for line, message in outline_problems]
    properties = _page_properties(blocks)
    title = matter.title or properties.get("title") or title
    aliases = matter.aliases + [alias for written in properties.get("alias", "").split(",")
                                if (alias := written.strip(" []"))]
    note = Note(title, source, blocks, aliases, matter.tags, footnotes=footnotes, dates=matter.dates)
    for order, block in enumerate([*note.walk(), *footnotes]):
        block.order = order
        problems += _parse_block(note, block, md)
    collect_code(note, md)
    shared: dict[tuple, Token] = {}
    for block in [*note.walk(), *footnotes]:
        compact(block.tokens, shared)
    problems += [Problem(source.display, line, "expected-output block has no python block right before it")
                 for line in note.orphan_outputs]
    if not blocks:
        problems.append(Problem(source.display, None, "note is empty"))
    return note, problems


def parse_source(source: Source, md: MarkdownIt) -> tuple[Note | None, list[Problem]]:
    """`parse_note`, except that a note garden cannot parse (a bug) does not cost the site: it
    becomes a note whose page says so, and a warning."""
    try:
        return parse_note(source, md)
    except Exception as error:
        reason = f"{type(error).__name__}: {error}"
        note = Note(source.file_title, source, [], failure=f"garden could not parse this note: {reason}")
        return note, [Problem(source.display, None, f"could not be parsed ({reason}); its page says so")]
