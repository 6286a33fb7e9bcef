"""Obsidian embeds `![[…]]`: a note (`![[Note]]`), a section (`![[Note#Heading]]`), a block
(`![[Note#^id]]`), or a file (`![[image.png|100x50]]`, audio, video, PDF, anything else)."""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

from garden.syntax.scan import split_top_level
from garden.syntax.wikilinks import link_end, split_link

IMAGES = {"png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "bmp"}
AUDIO = {"mp3", "wav", "ogg", "m4a", "flac", "3gp"}
VIDEO = {"mp4", "webm", "ogv", "mov", "mkv"}
DOCUMENTS = {"pdf", "txt", "csv", "json", "zip", "docx", "xlsx", "pptx", "odt", "ods", "epub"}
ATTACHMENTS = IMAGES | AUDIO | VIDEO | DOCUMENTS  # what `[[name.ext]]` names as a file, not a note
FILE_NAME = re.compile(r"\.([A-Za-z0-9]{1,5})$")
SIZE = re.compile(r"(\d{1,5})(?:x(\d{1,5}))?")


def _file_meta(inner: str) -> dict | None:
    """The token meta of an embedded file, or None when `inner` names a note."""
    name, extra = inner, ""
    aliased = split_top_level(inner, "|")
    if aliased is not None:
        name, extra = aliased
    name = unicodedata.normalize("NFC", name.strip().lstrip("/"))
    extension = FILE_NAME.search(name)
    if extension is None or extension.group(1).lower() == "md":
        return None
    size = SIZE.fullmatch(extra.strip())
    return {"file": (None, name), "extension": extension.group(1).lower(),
            "width": size.group(1) if size else None, "height": size.group(2) if size else None,
            "label": "" if size else extra.strip()}


def embed_rule(state: StateInline, silent: bool) -> bool:
    """Match `![[…]]` at the current position."""
    start = state.pos
    if not state.src.startswith("![[", start):
        return False
    end = link_end(state, start + 1)
    if end is None or end == start + 3:
        return False
    if not silent:
        inner = state.src[start + 3:end]
        token = state.push("wiki_embed", "div", 0)
        token.content = state.src[start:end + 2]
        meta = _file_meta(inner)
        if meta is None:
            target, anchor, _ = split_link(inner)
            meta = {"target": target, "anchor": anchor, "kind": "embed"}
        token.meta = meta
    state.pos = end + 2
    return True


def embeds_plugin(md: MarkdownIt) -> None:
    """Add the embed rule (before markdown links and images)."""
    md.inline.ruler.before("link", "wiki_embed", embed_rule)
