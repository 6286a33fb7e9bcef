"""What rendering one page needs: the garden (through its view), where the page lives, and the
problems found."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from garden.diagnostics import Problem
from garden.graph import Page
from garden.model import Block, CodeBlock
from garden.render.sanitize import sanitize
from garden.render.text import plain_text, word_count
from garden.render.reads import Replay
from garden.render.view import GardenView
from garden.run.cells import CellResult
from garden.urls import relative_href

MAX_EMBED_DEPTH = 3


@dataclass
class RenderContext:
    """Renders blocks for the page at `page_path`; links come out relative to it."""

    view: GardenView
    md: MarkdownIt
    page_path: str
    block: Block | None = None
    page: Page | None = None
    depth: int = 0
    raw_outputs: bool = False  # show rich outputs of code unsanitised (garden.toml `raw_outputs`)
    word_counts: dict[int, tuple[int, Replay]] = field(default_factory=dict)  # by id() of the block: counted once
    embedding: list[Block] = field(default_factory=list)  # the blocks holding the embeds being shown

    def link(self, title: str, anchor: str | None = None) -> tuple[str, Page | None]:
        """(href, page) for a link to `title`; page is None when nothing has that title."""
        page = self.view.page(title)
        if page is None or not page.url:
            return "#", None
        return relative_href(self.page_path, page.url, self.anchor_on(page, anchor)), page

    def anchor_on(self, page: Page, anchor: str | None) -> str | None:
        """The id of `anchor` (a heading, or `^id` for a block) on `page`; None, with a warning if
        the page is a note, when the page has no such heading or block."""
        if not anchor:
            return None
        found, has_note = self.view.anchor(page.title, anchor)
        if found is None and has_note:
            self.warn(f"{page.title!r} has no {'block' if anchor.startswith('^') else 'heading'} {anchor!r}; "
                      f"the link goes to the top of the page")
        return found

    def block_href(self, page: Page, block: Block) -> str:
        """Link to one block on its page (`page` comes from a question whose answer holds its URL)."""
        return relative_href(self.page_path, page.url, block.anchor)

    def read(self, block: Block, page: Page | None = None) -> Block:
        """Note that this page shows something of `block` (of `page`, by default the page being rendered)."""
        page = page or self.page
        if page is not None and page.note is not None:
            self.view.block(page.note, block)
        return block

    def result_of(self, code: CodeBlock) -> CellResult | None:
        """What the build computed for a code block of the page being rendered."""
        if self.page is None or self.page.note is None:
            return None
        return self.view.result(self.page.note.display, code.line)

    def warn(self, message: str) -> None:
        """Record a problem at the block being rendered."""
        if self.block is not None and self.page is not None and self.page.note is not None:
            self.view.log.warn(Problem(self.page.note.display, self.block.line, message))

    def would_show_itself(self, blocks: list[Block]) -> bool:
        """Whether embedding `blocks` here would show again a block that holds this embed or an outer one."""
        holders = [*self.embedding, *([self.block] if self.block is not None else [])]
        return any(block is holder or block in holder.ancestors() for holder in holders for block in blocks)

    @contextmanager
    def embedded(self) -> Iterator[None]:
        """Render what an embed shows: one level deeper, the block holding the embed remembered."""
        self.depth += 1
        if self.block is not None:
            self.embedding.append(self.block)
        holder = self.block
        try:
            yield
        finally:
            self.depth -= 1
            if holder is not None:
                self.embedding.pop()

    def render_block(self, block: Block, page: Page | None = None) -> str:
        """HTML of one block's own content (not its children)."""
        saved = self.block, self.page
        self.block, self.page = block, page or self.page
        self.read(block)
        try:
            html = self.md.renderer.render(block.tokens, self.md.options, {"ctx": self})
            return sanitize(html) if block.raw_html else html
        finally:
            self.block, self.page = saved

    def render_inline(self, block: Block, page: Page | None = None) -> str:
        """A block's content without its paragraph wrapper, for use inside a line of text."""
        html = self.render_block(block, page).strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            html = html[3:-4]
        return html

    def children_word_count(self) -> int:
        """Words in the children of the block being rendered (Roam's `{{word-count}}`)."""
        block = self.block
        if block is None:
            return 0
        return self.view.log.cached(self.word_counts, id(block), lambda: sum(
            word_count(plain_text(self.read(child).tokens)) for child in block.walk() if child is not block))
