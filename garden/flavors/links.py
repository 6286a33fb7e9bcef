"""Which note a link names: by title or alias, by path below the notes folder, and in an Obsidian
vault by file name anywhere in the vault, as Obsidian resolves them.

A note's title (its path, or what its front matter says) always names that note. Obsidian and
Logseq compare names without case, ghost pages' too (`#HUB` and `[[hub]]` are one page). In Obsidian `[[Note]]` finds `Folder/Note.md`
when no other file is called `Note.md`; among several, the one nearest the vault's top wins (fewest
folders, then shortest path, then first in alphabetical order) and the link is ambiguous.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass

from garden.model import Note


@dataclass(frozen=True)
class Resolution:
    """The title a link target resolves to; `candidates` lists the notes' paths when several matched."""

    title: str
    candidates: tuple[str, ...] = ()


def _nearest_top(path: str) -> tuple[int, int, str]:
    return path.count("/"), len(path), path


def _clean(target: str) -> str:
    """A link target as a path below the notes folder: no leading `/` or `./`, no `.md`."""
    path = target.strip().lstrip("/")
    path = posixpath.normpath(path) if path else path
    return path[:-3] if path.casefold().endswith(".md") else path


class Resolver:
    """Resolves link targets to page titles for one garden of notes."""

    def __init__(self, notes: list[Note], aliases: dict[str, str], flavor: str) -> None:
        self.flavor = flavor
        self.titles = {note.title for note in notes}
        self.aliases = aliases
        self.folded: dict[str, str] = {}
        self.ghosts: dict[str, str] = {}  # casefolded -> the first spelling of a target no note has
        self.paths: dict[str, str] = {}  # path below the notes folder (casefolded but in Roam) -> title
        self.by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)  # file name -> (path, title)
        for note in notes:
            path = note.source.relative.removesuffix(".md")
            self.paths.setdefault(self._key(path), note.title)
            self.by_name[posixpath.basename(path).casefold()].append((path, note.title))
            self.folded.setdefault(note.title.casefold(), note.title)
        for alias, title in aliases.items():
            self.folded.setdefault(alias.casefold(), title)

    def _key(self, name: str) -> str:
        return name if self.flavor == "roam" else name.casefold()

    def resolve(self, target: str) -> Resolution:
        """The page `target` names; the target itself (a ghost page) when no note matches."""
        if self.flavor == "obsidian":
            found = self._by_file_name(_clean(target).casefold())
            if found is not None and (found.title == target or target not in self.titles):
                return found
        if target in self.titles:
            return Resolution(target)
        if target in self.aliases:
            return Resolution(self.aliases[target])
        if self.flavor != "roam" and target.casefold() in self.folded:
            return Resolution(self.folded[target.casefold()])
        title = self.paths.get(self._key(_clean(target)))
        if title is not None:
            return Resolution(title)
        return Resolution(target if self.flavor == "roam" else self.ghosts.setdefault(target.casefold(), target))

    def _by_file_name(self, path: str) -> Resolution | None:
        """The note whose path ends with `path` (casefolded), the one nearest the top among several."""
        matches = sorted((found for found in self.by_name.get(posixpath.basename(path), [])
                          if ("/" + found[0].casefold()).endswith("/" + path)), key=lambda found: _nearest_top(found[0]))
        if not matches:
            return None
        return Resolution(matches[0][1], tuple(found[0] + ".md" for found in matches) if len(matches) > 1 else ())
