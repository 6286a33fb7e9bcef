"""Page URLs: a slug per title, unique across the garden, and relative links between pages."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

RESERVED = {"index", "all-pages", "daily-notes", "static", "404", "graph"}
UNSAFE = re.compile(r"[^\w/]+")
WINDOWS_RESERVED = re.compile(r"(?:con|prn|aux|nul|com\d|lpt\d)", re.IGNORECASE)
MAX_SEGMENT_BYTES = 80  # a file name stays far below the 255 bytes file systems allow
MAX_DEPTH = 8  # folders deeper than this are joined into the last segment


def _capped(segment: str) -> str:
    """`segment` cut to MAX_SEGMENT_BYTES of UTF-8, with a short hash of the whole when cut."""
    encoded = segment.encode("utf-8")
    if len(encoded) <= MAX_SEGMENT_BYTES:
        return segment
    digest = hashlib.sha1(encoded).hexdigest()[:8]
    head = encoded[:MAX_SEGMENT_BYTES - len(digest) - 1].decode("utf-8", "ignore").rstrip("-")
    return f"{head}-{digest}"


def _safe_segment(part: str) -> str:
    """One path segment: letters, digits and hyphens, no reserved device name, capped in bytes."""
    segment = re.sub("-{2,}", "-", UNSAFE.sub("-", part).replace("_", "-")).strip("-")
    if WINDOWS_RESERVED.fullmatch(segment):
        segment += "-page"
    return _capped(segment)


@lru_cache(maxsize=1 << 16)  # every build claims every title's URL again: about 40 ms at 10,000 notes
def slugify(title: str) -> str:
    """`Neural Network` -> `neural-network`; `A/B` -> `a/b` (a folder); keeps non-ASCII letters.

    Slugs are safe file paths on Linux, macOS and Windows: no dots, so never `..` or a trailing
    dot; no device names such as `con`; each segment at most 80 bytes; at most 8 folders deep.
    """
    text = unicodedata.normalize("NFC", title).lower()
    parts = [part for part in text.split("/") if UNSAFE.sub("", part).replace("_", "")]
    if len(parts) > MAX_DEPTH:
        parts = parts[:MAX_DEPTH - 1] + ["-".join(parts[MAX_DEPTH - 1:])]
    segments = [segment for segment in map(_safe_segment, parts) if segment]
    return "/".join(segments) or "page"


class UrlRegistry:
    """Hands out one unique `.html` path per title; a clash gets a numbered variant."""

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED)
        self._last: dict[str, int] = {}  # by base slug (casefolded): its last number; all below are taken
        self.clashes: list[tuple[str, str]] = []

    def claim(self, title: str) -> str:
        """A fresh path for `title`; records (title, path) when the natural one was taken."""
        base = slugify(title)
        number = self._last.get(base.casefold(), 1)
        slug = base if number == 1 else f"{base}-{number}"
        while slug.casefold() in self._taken:
            number += 1
            slug = f"{base}-{number}"
        self._taken.add(slug.casefold())
        self._last[base.casefold()] = number
        if number > 1:
            self.clashes.append((title, slug))
        return f"{slug}.html"


def relative_href(from_path: str, to_path: str, anchor: str | None = None) -> str:
    """A link from one site file to another that works under any base path and from disk."""
    depth = from_path.count("/")
    return "../" * depth + _quoted(to_path) + (f"#{_quoted(anchor)}" if anchor else "")


@lru_cache(maxsize=1 << 16)
def _quoted(part: str) -> str:
    """`part` of a URL percent-encoded (a page's path or an anchor: a site links to each many times)."""
    return quote(part)


def root_prefix(from_path: str) -> str:
    """The relative path from a site file back to the site root (`""` or `../`…)."""
    return "../" * from_path.count("/")


def heading_id(heading: str) -> str:
    """The HTML id of a heading, as GitHub and Obsidian make it and `[[Page#Heading]]` and `(#heading)` link
    to it: lower case, punctuation dropped, spaces as hyphens (`What's New?` -> `whats-new`)."""
    text = unicodedata.normalize("NFC", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-") or "section"


def published_url(base_url: str, path: str) -> str:
    """The absolute address of the site file at `path` once the site is published at `base_url`."""
    return quote(base_url + path, safe=":/%")
