"""Markdown links and images with relative URLs: `[x](Other%20Note.md#Heading)` links a note (a
reference like `[[Other Note#Heading]]`), `[x](file.pdf)` and `![x](../assets/x.png)` name an
attachment. The path is read against the note's folder (`NOTE_PATH` in the parse's env).

Obsidian's `[[paper.pdf]]` (a known attachment extension) names a file, not a page, and
`[[#Heading]]` links a heading of the note itself. Logseq's size after an image,
`![x](a.png){:height 100, :width 200}`, becomes the image's size."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from garden.model import Block, FileLink
from garden.syntax.embeds import ATTACHMENTS

NOTE_PATH = "garden.note_path"  # env key: the note's path below the notes folder, e.g. `Folder/Note.md`
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
LOGSEQ_SIZE = re.compile(r"\{(:(?:height|width) \d{1,5}(?:, ?)?){1,2}\}")
SIZE_ITEM = re.compile(r":(height|width) (\d{1,5})")


def note_path_of(path: str, note_path: str) -> str | None:
    """`path` as written in the note at `note_path`, as a path below the notes folder; None when it
    leaves the notes folder. A leading `/` means the top of the notes folder."""
    joined = path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(note_path), path)
    normal = posixpath.normpath(joined) if joined else "."
    if normal == "." or normal == ".." or normal.startswith("../"):
        return None
    return unicodedata.normalize("NFC", normal)


def _annotate(token: Token, attribute: str, note_path: str) -> None:
    """Mark a link or image token whose URL is a relative path: a note link or an attachment."""
    url = token.attrGet(attribute)
    if not isinstance(url, str) or not url or SCHEME.match(url) or url.startswith("#"):
        return
    written, _, fragment = url.partition("#")
    written = unquote(written)
    path = note_path_of(written, note_path)
    if attribute == "href" and written.casefold().endswith(".md") and path is not None:
        token.meta = {"target": path[:-3], "anchor": unquote(fragment) or None, "kind": "link", "path": True}
    else:
        token.meta = {"file": (path, written.lstrip("/"))}


def _retype_wikilink(token: Token) -> None:
    """Make `[[#Heading]]` an in-page link and `[[paper.pdf]]` a file link."""
    target = token.meta["target"]
    if target.startswith("#") and token.meta.get("anchor") is None and len(target) > 1:
        token.type, token.meta = "anchor_link", {"anchor": target[1:].strip()}
        token.content = token.content.removeprefix("#")
    elif posixpath.splitext(target)[1][1:].lower() in ATTACHMENTS and token.meta.get("anchor") is None:
        token.type, token.meta = "file_link", {"file": (None, target.lstrip("/"))}


def _take_size(image: Token, after: Token | None) -> None:
    """Move Logseq's `{:height 100, :width 200}` from the text right after an image onto the image."""
    if after is None or after.type != "text":
        return
    size = LOGSEQ_SIZE.match(after.content)
    if size is not None:
        for name, value in SIZE_ITEM.findall(size.group()):
            image.attrSet(name, value)
        after.content = after.content[size.end():]


def paths_rule(state: StateCore) -> None:
    """Annotate the links and images of every inline token, and retype file and in-page wikilinks."""
    note_path = state.env.get(NOTE_PATH, "")
    for block_token in state.tokens:
        children = block_token.children or []
        for index, token in enumerate(children):
            if token.type == "link_open":
                _annotate(token, "href", note_path)
            elif token.type == "image":
                _annotate(token, "src", note_path)
                _take_size(token, children[index + 1] if index + 1 < len(children) else None)
            elif token.type == "wikilink":
                _retype_wikilink(token)


def file_links(block: Block, tokens: list[Token]) -> Iterator[FileLink]:
    """The attachments a block's tokens name, in order."""
    for token in tokens:
        if token.meta and "file" in token.meta:
            path, name = token.meta["file"]
            yield FileLink(path, name, block)
        if token.children:
            yield from file_links(block, token.children)


def paths_plugin(md: MarkdownIt) -> None:
    """Add the core rule (after inline parsing)."""
    md.core.ruler.after("inline", "garden_paths", paths_rule)
