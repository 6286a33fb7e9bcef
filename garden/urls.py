"""Page URLs: a slug per title, unique across the garden, and relative links between pages."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

RESERVED = {"index", "all-pages", "daily-notes", "static"}
UNSAFE = re.compile(r"[^\w/]+")


def slugify(title: str) -> str:
    """`Neural Network` -> `neural-network`; `A/B` -> `a/b` (a folder); keeps non-ASCII letters."""
    text = unicodedata.normalize("NFC", title).lower()
    parts = [UNSAFE.sub("-", part).replace("_", "-").strip("-") for part in text.split("/")]
    parts = [re.sub("-{2,}", "-", part) for part in parts if part.strip("-")]
    return "/".join(parts) or "page"


class UrlRegistry:
    """Hands out one unique `.html` path per title; a clash gets a numbered variant."""

    def __init__(self) -> None:
        self._taken: set[str] = set(RESERVED)
        self.clashes: list[tuple[str, str]] = []

    def claim(self, title: str) -> str:
        """A fresh path for `title`; records (title, path) when the natural one was taken."""
        base = slugify(title)
        slug, number = base, 1
        while slug.casefold() in self._taken:
            number += 1
            slug = f"{base}-{number}"
        self._taken.add(slug.casefold())
        if number > 1:
            self.clashes.append((title, slug))
        return f"{slug}.html"


def relative_href(from_path: str, to_path: str, anchor: str | None = None) -> str:
    """A link from one site file to another that works under any base path and from disk."""
    depth = from_path.count("/")
    return "../" * depth + quote(to_path) + (f"#{quote(anchor)}" if anchor else "")


def root_prefix(from_path: str) -> str:
    """The relative path from a site file back to the site root (`""` or `../`…)."""
    return "../" * from_path.count("/")


def heading_id(heading: str) -> str:
    """The HTML id of a heading, as `[[Page#Heading]]` links to it."""
    return "h-" + slugify(heading.replace("/", " "))
