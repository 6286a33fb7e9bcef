"""Publishing rules (garden.toml `[publish]`): which notes the site shows, and which of their blocks it hides.

Part of the link stage: `link_notes` passes the notes through `published_notes` before it builds the
Garden, so every later stage and every emitter sees only what is published, and nothing refers to
the rest.

A block carries a tag when its own text names it: `#tag`, `#[[tag]]`, `[[tag]]` or a `Tags:: [[tag]]`
value (Roam makes no difference between them; a nested tag `#a/b` carries `a` too). A page carries a tag
when its front matter `tags` name it or one of its top-level blocks carries it. Tags are compared as
the flavour resolves links (without case in Obsidian and Logseq).

- `only_tags`: only pages carrying one of them are published, and the entry page.
- `hide_tags`: a block carrying one of them is hidden with its children, and so is a footnote cited
  only from hidden blocks; a page whose front matter `tags` or a top-level `Tags::` attribute name one
  is not published at all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from garden.model import Block, Note, code_of

CARRYING_KINDS = {"tag", "link"}  # references by which a block carries a tag


@dataclass(frozen=True)
class PublishRules:
    """What garden.toml's `[publish]` table says, and the entry page (published without a tag)."""

    only_tags: tuple[str, ...] = ()
    hide_tags: tuple[str, ...] = ()
    entry: str | None = None

    @property
    def active(self) -> bool:
        """Whether the rules keep anything from the site (without them every note is published whole)."""
        return bool(self.only_tags or self.hide_tags)


EVERYTHING = PublishRules()  # no rules: every note is published whole


@dataclass
class _Tags:
    """The tags one note carries, as resolved titles: by its page, and by each of its blocks."""

    page: set[str]  # front matter `tags` and its top-level blocks' tags
    page_attribute: set[str]  # front matter `tags` and top-level `Tags::` values: what hides a whole page
    blocks: dict[Block, set[str]]


def _tags_of(note: Note, resolve: Callable[[str], str]) -> _Tags:
    """Resolves the note's front matter tags, then every reference target, in the order linking does
    (so ghost pages keep the spelling they have without rules)."""
    front = {resolve(tag) for tag in note.tags}
    blocks: dict[Block, set[str]] = defaultdict(set)
    attribute = set(front)
    top_level = set(note.blocks)
    for ref in note.refs:
        target = resolve(ref.target)
        if ref.kind in CARRYING_KINDS:
            blocks[ref.block].add(target)
            if ref.in_tags_attribute and ref.block in top_level:
                attribute.add(target)
    page = front.union(*(blocks[block] for block in note.blocks if block in blocks))
    return _Tags(page, attribute, blocks)


def published_notes(notes: list[Note], rules: PublishRules, resolve: Callable[[str], str]) -> list[Note]:
    """The notes the site shows, in order, as copies without their hidden blocks (nor the references,
    files, code and footnotes those hold, nor their lines in the source text). `resolve` gives the page
    title a link target names."""
    if not rules.active:
        return notes
    tags = {note: _tags_of(note, resolve) for note in notes}
    only = {resolve(tag) for tag in rules.only_tags}
    hide = {resolve(tag) for tag in rules.hide_tags}
    entry = resolve(rules.entry) if rules.entry else None
    shown = []
    for note in notes:
        carried = tags[note]
        if carried.page_attribute & hide:
            continue
        if only and note.title != entry and not carried.page & only:
            continue
        hiding = {block for block, carries in carried.blocks.items() if carries & hide}
        shown.append(_without(note, hiding) if hiding else note)
    return shown


def _copies(blocks: list[Block], hidden: Callable[[Block], bool]) -> tuple[list[Block], dict[Block, Block]]:
    """Copies of `blocks` and their descendants, leaving out hidden blocks with theirs; and the copy
    of each block kept. A loop, not recursion: outlines nest deep."""
    roots: list[Block] = []
    copies: dict[Block, Block] = {}
    pending: list[tuple[Block, Block | None]] = [(block, None) for block in reversed(blocks)]
    while pending:
        block, parent = pending.pop()
        if hidden(block):
            continue
        copy = replace(block, parent=parent, children=[])
        copies[block] = copy
        (parent.children if parent is not None else roots).append(copy)
        pending.extend((child, copy) for child in reversed(block.children))
    return roots, copies


def _cited_footnotes(blocks: Iterable[Block]) -> set[str]:
    """The footnotes (`[^label]`, by their block's uid) that these blocks' own text cites."""
    return {token.meta["footnote"] for block in blocks for line in block.tokens for token in line.children or []
            if token.type == "footnote_ref"}


def _without(note: Note, hiding: set[Block]) -> Note:
    """A copy of `note` without the `hiding` blocks, their descendants and everything that comes from them."""
    blocks, copies = _copies(note.blocks, hiding.__contains__)
    dropped = [block for block in note.walk() if block not in copies]
    uncited = _cited_footnotes(dropped) - _cited_footnotes(copies)
    footnotes, footnote_copies = _copies(note.footnotes, lambda block: block in hiding or block.uid in uncited)
    dropped += [block for block in note.footnotes if block not in footnote_copies]
    copies.update(footnote_copies)
    code = {id(found) for block in copies for token in block.tokens if (found := code_of(token)) is not None}
    return replace(
        note,
        blocks=blocks,
        footnotes=footnotes,
        refs=[replace(ref, block=copies[ref.block]) for ref in note.refs if ref.block in copies],
        files=[replace(link, block=copies[link.block]) for link in note.files if link.block in copies],
        code=[found for found in note.code if id(found) in code],
        source=replace(note.source, text=_blanked(note, dropped)),
    )


def _blanked(note: Note, dropped: list[Block]) -> str:
    """The note's source text with the lines of `dropped` blocks emptied (the others keep their numbers).

    A block's lines run from its own up to the next block in the file, or the file's end; a footnote's
    are its definition and the lines indented under it."""
    lines = note.source.text.split("\n")
    starts = sorted(block.line for block in [*note.walk(), *note.footnotes]) + [len(lines) + 1]
    footnotes = set(note.footnotes)
    for block in dropped:
        if block in footnotes:
            end = block.line + block.text.count("\n") + 1
        else:
            end = starts[bisect_right(starts, block.line)]
        for line in range(block.line, min(end, len(lines) + 1)):
            lines[line - 1] = ""
    return "\n".join(lines)
