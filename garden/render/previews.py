"""Link previews: for each shown page a small script, `previews/<page>.js`, that the site's JavaScript
loads when a reader hovers a link to the page. It hands over the page's title, its first prose
blocks, and the blocks and sections that links elsewhere point at, as HTML the build rendered and
sanitised (`sanitize_preview`). A script rather than JSON because browsers let a page opened
from disk load scripts beside it, but not fetch files."""

from __future__ import annotations

import json
from html import escape

from garden.diagnostics import Problem
from garden.graph import Page
from garden.model import Block
from garden.render.anchors import page_anchors, section
from garden.render.context import RenderContext
from garden.render.pages import SiteRenderer
from garden.render.sanitize import sanitize_preview
from garden.render.summary import prose_blocks
from garden.render.text import plain_text, shorten

PREVIEW_FOLDER = "previews"
PREVIEW_BLOCKS = 4  # at most this many blocks in a preview
PREVIEW_CHARS = 600  # and at most this much of their text
PREVIEW_HTML_BYTES = 6000  # and of their HTML (formulas are wordy)
CODE_TOKENS = {"fence", "code_block"}


def preview_path(page: Page) -> str:
    """Where the preview of a page is in the site: `previews/a/b.js` for `a/b.html`."""
    return f"{PREVIEW_FOLDER}/{page.url.removesuffix('.html')}.js"


def preview_script(renderer: SiteRenderer, page: Page) -> str:
    """The content of `previews/<page>.js`: the page's preview, handed to `gardenPreview`."""
    renderer.view.page(page.title)
    try:
        data = {"title": page.title} | _preview(renderer, page)
    except Exception as error:  # one page garden cannot render must not cost the site
        renderer.view.log.warn(Problem(page.note.display if page.note else f"page {page.title!r}", None,
                                       f"no preview ({type(error).__name__}: {error}); it shows the title only"))
        data = {"title": page.title, "html": ""}
    key = page.url.removesuffix(".html")
    return f"gardenPreview({json.dumps(key)}, {json.dumps(data, sort_keys=True)});\n"


def _preview(renderer: SiteRenderer, page: Page) -> dict:
    """What the preview of one page shows: `html` (its first prose blocks, or for a ghost page how many
    shown pages link to it) and `blocks` (by id: each block with an id, each heading's section that
    links on shown pages go to)."""
    view = renderer.view
    if page.note is None:
        linking = len({source.title for source, _ in view.backlinks(page.title)} & view.shown_titles() - {page.title})
        plural = "" if linking == 1 else "s"
        return {"html": f'<p class="preview-ghost">No note yet · linked from {linking} page{plural}</p>'}
    note = view.note(page.note)
    if note.failure:
        return {"html": ""}
    excerpt = _Excerpts(RenderContext(view, renderer.md, page.url, raw_outputs=renderer.config.raw_outputs), page)
    blocks = {block.uid: excerpt(list(block.walk())) for block in note.walk() if block.uid is not None}
    blocks |= {anchor: excerpt([inner for block in section(note, anchor) for inner in block.walk()])
               for anchor in sorted(view.linked_sections(page.title) & page_anchors(note))}
    html = excerpt([block for block in prose_blocks(note) if not _is_code(block)])
    return {"html": html} | ({"blocks": blocks} if blocks else {})


def _is_code(block: Block) -> bool:
    return any(token.type in CODE_TOKENS for token in block.tokens)


class _Excerpts:
    """Previews of blocks of one page; each block rendered and sanitised once, however many show it."""

    def __init__(self, ctx: RenderContext, page: Page) -> None:
        self.ctx = ctx
        self.page = page
        self.shown: dict[Block, str] = {}

    def block(self, block: Block) -> str:
        """One block as a preview shows it."""
        if block not in self.shown:
            html = sanitize_preview(self.ctx.render_block(block, self.page)).strip()
            self.shown[block] = f'<div class="preview-block">{html}</div>'
        return self.shown[block]

    def __call__(self, blocks: list[Block]) -> str:
        """The first of `blocks`, as many as fit the preview's limits; the first alone, shortened to
        plain text, if even that does not fit."""
        parts: list[str] = []
        chars = size = 0
        for block in blocks[:PREVIEW_BLOCKS]:
            text = plain_text(block.tokens)
            shown = self.block(block) if chars + len(text) <= PREVIEW_CHARS else ""
            if not shown or size + len(shown) > PREVIEW_HTML_BYTES:
                if not parts:
                    parts.append(f'<div class="preview-block"><p>{escape(shorten(text, PREVIEW_CHARS))}</p></div>')
                break
            parts.append(shown)
            chars, size = chars + len(text), size + len(shown)
        return "".join(parts)
