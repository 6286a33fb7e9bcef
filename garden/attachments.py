"""The link stage for attachments: which file each link or embed of a note names, and where the
site keeps a copy (`_files/…`: page URLs hold no `_`, so they never meet).

A Markdown link's path is read against its note's folder, then from the top of the notes
folder; in an Obsidian vault, and for `![[name]]`, a file name is also found anywhere, the one
nearest the top winning as Obsidian does. Only files below the notes folder are ever named.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable

from garden.model import FileLink, Note
from garden.urls import slugify

FILES_DIR = "_files"


class _Finder:
    """Finds attachments among the garden's files (posix paths below the notes folder)."""

    def __init__(self, files: Iterable[str], flavor: str) -> None:
        self.flavor = flavor
        self.exact = set(files)
        self.folded: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        for path in sorted(self.exact, key=lambda path: (path.count("/"), len(path), path)):
            self.folded.setdefault(path.casefold(), path)
            self.by_name[posixpath.basename(path).casefold()].append(path)

    def find(self, link: FileLink) -> str | None:
        """The path of the file `link` names, or None."""
        written = posixpath.normpath(link.name) if link.name else ""
        for path in (link.path, written if not written.startswith("..") else None):
            if path is None:
                continue
            if path in self.exact:
                return path
            if self.flavor != "roam" and path.casefold() in self.folded:
                return self.folded[path.casefold()]
        if link.path is not None and self.flavor != "obsidian":
            return None
        wanted = "/" + written.casefold()
        return next((path for path in self.by_name.get(posixpath.basename(written).casefold(), [])
                     if ("/" + path.casefold()).endswith(wanted)), None)


def site_path(path: str, taken: set[str]) -> str:
    """Where the site keeps the file at `path`: `_files/` and a safe, unique name keeping its extension."""
    stem, extension = posixpath.splitext(path)
    base = f"{FILES_DIR}/{slugify(stem)}"
    extension = "".join(char for char in extension.lower() if char.isalnum() or char == ".")
    candidate, number = base + extension, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{base}-{number}{extension}"
    taken.add(candidate.casefold())
    return candidate


def place_attachments(notes: list[Note], files: Iterable[str],
                      flavor: str) -> tuple[dict[tuple[str | None, str], str], dict[str, str]]:
    """(site path by what links name, notes-folder path by site path) for every attachment the notes
    link or embed and the garden has; a file nothing links is not placed. The renderer warns about
    links to files that are not there."""
    finder = _Finder(files, flavor)
    by_key: dict[tuple[str | None, str], str] = {}
    sources: dict[str, str] = {}
    placed: dict[str, str] = {}
    taken: set[str] = set()
    for note in notes:
        for link in note.files:
            if link.key in by_key:
                continue
            found = finder.find(link)
            if found is None:
                continue
            if found not in placed:
                placed[found] = site_path(found, taken)
                sources[placed[found]] = found
            by_key[link.key] = placed[found]
    return by_key, sources
