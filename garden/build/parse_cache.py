"""Parsed notes, kept: in memory while the builder lives, and on disk for the next process.

An entry is named by a digest of the note's Source and of everything else parsing depends on
(garden's own source, its dependencies' versions, Python's version, the flavour), so a hit is
exactly what parsing would give. On disk each is a sealed pickle (`sealed.py`) in
`.garden-cache/build/notes/`; a build deletes the entries it did not use.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

from garden.build import sealed
from garden.build.scan import ScannedNote, source_digest
from garden.diagnostics import Problem
from garden.model import Note, Source
from garden.notes import parse_source
from garden.run.fingerprint import dependency_versions, garden_source_digest

SUFFIX = ".note"


@dataclass(frozen=True)
class Parsed:
    """What parsing one note gave: the note (None when it was refused) and its problems."""

    note: Note | None
    problems: tuple[Problem, ...]


class ParseCache:
    """Parses notes, or finds them parsed already."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._salt = ""
        self._keys: dict[str, str] = {}  # content digest -> entry name, under this salt
        self._memory: dict[str, Parsed] = {}
        self._used: set[str] = set()
        self._swept = False  # whether the folder was cleared of unused entries (then the unused ones are in memory)
        self.parsed = 0  # notes parsed (not found) since the last `forget_unused`

    def prepare(self, flavor: str) -> None:
        """Start a build: name entries by what parsing depends on now (garden's source, packages, flavour)."""
        salt = f"{garden_source_digest()}\0{dependency_versions()}\0{sys.version}\0{flavor}"
        salt = hashlib.blake2b(salt.encode(), digest_size=20).hexdigest()
        if salt != self._salt:
            self._salt, self._keys = salt, {}

    @property
    def salt(self) -> str:
        """What entries are named by besides the note (`prepare`): parses under another salt are others."""
        return self._salt

    def _key(self, content: str) -> str:
        key = self._keys.get(content)
        if key is None:
            key = self._keys[content] = hashlib.blake2b(f"{self._salt}\0{content}".encode(), digest_size=20).hexdigest()
        return key

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def in_memory(self, scanned: list[ScannedNote]) -> list[Parsed | None]:
        """The parsed note of each scanned note file that this cache holds in memory, None for the
        others (for `found` to look for on disk): for a build after an edit, nearly all of them."""
        keys = [self._key(note.content) for note in scanned]
        found = list(map(self._memory.get, keys))
        self._used.update(key for key, parsed in zip(keys, found) if parsed is not None)
        return found

    def keep_used(self, dropped: list[str]) -> None:
        """Count every entry held in memory as used, but those of the `dropped` contents: a build
        that looks up only the notes that changed keeps the others' entries as the last one did."""
        self._used = self._memory.keys() - {self._key(content) for content in dropped}

    def found(self, scanned: ScannedNote) -> Parsed | None:
        """The parsed note of a scanned note file, when this cache holds it (in memory or on disk)."""
        key = self._key(scanned.content)
        found = self._memory.get(key)
        if found is None:
            loaded = sealed.load(self._path(key))
            found = loaded if isinstance(loaded, Parsed) else None
        if found is not None:
            self._keep(key, found)
        return found

    def parse(self, scanned: ScannedNote, read: Callable[[str], Source | Problem], md: MarkdownIt) -> Parsed:
        """Parse a note this cache lacks (`found` said so), read now if the scan did not, and keep it."""
        key, found, _ = self._parse_now(scanned, read, md)
        self._keep(key, found)
        self.parsed += 1
        return found

    def parse_pickled(self, scanned: ScannedNote, read: Callable[[str], Source | Problem], md: MarkdownIt
                      ) -> tuple[str | None, bytes]:
        """Parse a note this cache lacks and store it on disk (in a process of a parallel build): its
        entry's name (None: nothing stored) and the parsed note pickled, for `adopt`."""
        key, _, payload = self._parse_now(scanned, read, md)
        return key, payload

    def adopt(self, key: str | None, payload: bytes) -> Parsed:
        """The parsed note another process made (`parse_pickled`), kept as if parsed here."""
        found = pickle.loads(payload)
        self._keep(key, found)
        self.parsed += 1
        return found

    def _parse_now(self, scanned: ScannedNote, read: Callable[[str], Source | Problem], md: MarkdownIt
                   ) -> tuple[str | None, Parsed, bytes]:
        source = scanned.source or read(scanned.relative)
        if isinstance(source, Problem):  # the file went away or changed into a non-note since the scan
            found = Parsed(None, (source,))
            return None, found, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
        key = self._key(source_digest(source))
        note, problems = parse_source(source, md)
        found = Parsed(note, tuple(problems))
        return key, found, sealed.dump(found, self._path(key))

    def _keep(self, key: str | None, found: Parsed) -> None:
        if key is None:
            return
        self._memory[key] = found
        self._used.add(key)

    def forget_unused(self) -> None:
        """Drop every entry, in memory and on disk, that no parse since the last call asked for: the
        first time, every such file in the folder; then those this cache had in memory (the others
        it used the last time), without listing the folder again."""
        if self._swept and len(self._used) == len(self._memory):  # every entry kept was used (each used one is kept)
            self._used, self.parsed = set(), 0
            return
        unused = self._memory.keys() - self._used
        if self._swept:
            stale = [self._path(key) for key in unused]
        else:
            try:
                stale = [path for path in self.folder.iterdir()
                         if path.suffix == SUFFIX and path.stem not in self._used]
            except OSError:
                stale = []
            self._swept = True
        for path in stale:
            path.unlink(missing_ok=True)
        if len(unused) * 4 < len(self._memory):  # an edit or a few: drop those alone
            for key in unused:
                del self._memory[key]
        else:
            self._memory = {key: parsed for key, parsed in self._memory.items() if key in self._used}
        if len(self._keys) > 2 * len(self._memory):  # the names of contents no longer held, once they are many
            self._keys = {content: key for content, key in self._keys.items() if key in self._memory}
        self._used = set()
        self.parsed = 0
