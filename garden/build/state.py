"""What the last build of a site made, and from what: kept between builds to make the next one
incremental.

For every file of the site: the questions its content read (keys of `GardenView`, by number in a
table that holds each key once with the digest of its answer then), the problems making it
found, a digest of its bytes and the stamp of the file written. A build keeps a file when no
answer it read changed and the file in the site is still the one written; after it, every key in
the table has the digest of its current answer. Two sealed files per site folder, next to the
parse cache: the state, and its `Glance`, the tenth of it that a build with nothing to do reads;
another version of garden never reads either.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from garden.build import sealed
from garden.build.scan import Seen
from garden.diagnostics import Problem
from garden.render.reads import PARSED_KINDS, Key

FORMAT = "garden-build-state-5"


@dataclass(frozen=True)
class FileStamp:
    """The file written into the site: equal stamps mean it is still that file."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path | str) -> FileStamp | None:
        try:
            status = os.stat(path)
        except OSError:
            return None
        return cls(status.st_size, status.st_mtime_ns, status.st_ino)


@dataclass
class Output:
    """One file of the site as the last build left it."""

    reads: array  # ids of the keys its content read (none for an untraced file: it is made every build)
    problems: tuple[Problem, ...]
    digest: bytes | None  # of its bytes; None when making it gave no file
    stamp: FileStamp | None


@dataclass
class KeyTable:
    """Every key some file read, once, with the digest of its answer; the keys about one note's
    parse are also listed by note (they only change with it), the others together."""

    keys: list[Key] = field(default_factory=list)
    digests: list[bytes] = field(default_factory=list)
    ids: dict[Key, int] = field(default_factory=dict)
    by_note: dict[str, list[int]] = field(default_factory=dict)  # note path -> its keys in PARSED_KINDS
    by_question: dict[str, list[int]] = field(default_factory=dict)  # every other key, by its question
    numbering: str = field(default_factory=lambda: uuid.uuid4().hex)  # new when the keys are renumbered
    # while a build changes the table: the digests it replaced, and the number of keys before it
    _undo: tuple[dict[int, bytes], int] | None = field(default=None, repr=False, compare=False)

    def id_of(self, key: Key, digest: bytes) -> int:
        """The number of `key`, its digest now `digest`."""
        number = self.ids.get(key)
        if number is None:
            number = self.ids[key] = len(self.keys)
            self.keys.append(key)
            self.digests.append(digest)
            self._list_of(key).append(number)
        else:
            if self._undo is not None and number < self._undo[1]:
                self._undo[0].setdefault(number, self.digests[number])
            self.digests[number] = digest
        return number

    def _list_of(self, key: Key) -> list[int]:
        return (self.by_note.setdefault(key[1], []) if key[0] in PARSED_KINDS
                else self.by_question.setdefault(key[0], []))

    def change(self) -> KeyTable:
        """This table, for a build to change: `undo` puts it back as it was, `keep` keeps the changes."""
        self._undo = {}, len(self.keys)
        return self

    def undo(self) -> None:
        """Put the table back as it was before `change` (a build failed)."""
        if self._undo is None:
            return
        replaced, length = self._undo
        for number, digest in replaced.items():
            self.digests[number] = digest
        for key in reversed(self.keys[length:]):
            del self.ids[key]
            self._list_of(key).pop()
        del self.keys[length:], self.digests[length:]
        self._undo = None

    def keep(self) -> None:
        """Keep what the build that called `change` changed."""
        self._undo = None

    def compacted(self, outputs: dict[str, Output]) -> KeyTable:
        """The table of only the keys `outputs` read, renumbering their reads (when half is stale)."""
        live = sorted({number for output in outputs.values() for number in output.reads})
        if len(live) * 2 > len(self.keys):
            return self
        renumber = {old: new for new, old in enumerate(live)}
        for output in outputs.values():
            output.reads = array("I", [renumber[number] for number in output.reads])
        table = KeyTable()
        for number in live:
            table.id_of(self.keys[number], self.digests[number])
        return table


@dataclass(frozen=True)
class SearchIndex:
    """The search index a build left (`search_index.py`): a digest of what it was made from, and its
    files (site paths)."""

    key: bytes
    files: tuple[str, ...]


@dataclass(frozen=True)
class PendingIndex:
    """The search index a live build left to make (`Builder.index_search`): the URLs of the pages to index."""

    urls: tuple[str, ...]


@dataclass
class Summary:
    """What the last build reported, to report again when nothing changed."""

    notes: int
    ghosts: int
    daily: int
    pages: int
    problems: list[Problem]
    failures: list[Problem]
    ran: int  # code blocks it ran
    cached: int  # code results it took from the cache
    pending: int  # code blocks a cached-only build left to run


@dataclass
class BuildState:
    """The last build of one site folder."""

    inputs: bytes  # digest of the settings, templates, garden version, packages and options it was made with
    # (empty when a file was changed after it was recorded: the next build makes every file)
    environment: bytes  # digest of the stamps of the folders packages are imported from
    seen: dict[str, Seen]  # the notes folder as its scan found it
    notes: dict[str, str]  # path below the notes folder -> content digest, for each note it parsed
    links: dict[str, bytes]  # path below the notes folder -> digest of what linking reads of the note
    files: bytes  # digest of the list of the other files below the notes folder
    table: KeyTable
    outputs: dict[str, Output]  # by path in the site
    search: SearchIndex | None  # the index in the site
    summary: Summary
    indexing: PendingIndex | None = None  # the index to make instead, when a live build left it for later
    flagged: frozenset[str] = frozenset()  # the paths of the outputs that found problems
    outdated: frozenset[str] = frozenset()  # files a live build left as they were, though an answer they
    # read may have changed (`BuildOptions.whole_later`): the next build makes them again


@dataclass(frozen=True)
class Glance:
    """What a build with nothing to do reads of the last build: enough to tell that nothing changed
    and to report that build again. Kept in a file of its own, a tenth of the state's size."""

    inputs: bytes
    environment: bytes
    seen: dict[str, Seen]
    summary: Summary
    stamps: dict[str, FileStamp] | None  # every file the last build left in the site (its marker aside);
    # None in a glance at a state in memory (`glance_of(state, stamps=False)`): its outputs' stamps
    outdated: bool = False  # whether it left files to make again (`BuildState.outdated`)


def glance_of(state: BuildState, stamps: bool = True) -> Glance:
    """The glance at `state` (without its files' stamps unless `stamps`: `stamps_of` gives them)."""
    return Glance(state.inputs, state.environment, state.seen, state.summary, stamps_of(state) if stamps else None,
                  bool(state.outdated))


def stamps_of(state: BuildState) -> dict[str, FileStamp]:
    """The stamp of every file `state` says the site holds (its marker aside)."""
    return {path: output.stamp for path, output in state.outputs.items() if output.stamp is not None}


def state_path(cache_dir: Path, out_dir: Path) -> Path:
    """Where the state of the site in `out_dir` is kept; its glance is next to it (`glance_path`)."""
    name = hashlib.blake2b(str(out_dir.resolve()).encode("utf-8", "surrogateescape"), digest_size=10).hexdigest()
    return cache_dir / "build" / f"site-{name}.state"


def glance_path(state_file: Path) -> Path:
    """Where the glance at the state in `state_file` is kept."""
    return state_file.with_suffix(".glance")


def _load(path: Path, garden_version: str, kind: type) -> object | None:
    """What this version of garden saved at `path`, when it is a `kind`."""
    loaded = sealed.load(path)
    if not isinstance(loaded, tuple) or len(loaded) != 3 or loaded[:2] != (FORMAT, garden_version):
        return None
    return loaded[2] if isinstance(loaded[2], kind) else None


def load_glance(state_file: Path, garden_version: str) -> Glance | None:
    """The glance at the state saved in `state_file`; None when there is none (or it is damaged)."""
    return _load(glance_path(state_file), garden_version, Glance)  # type: ignore[return-value]


def load_state(state_file: Path, garden_version: str) -> BuildState | None:
    """The state saved in `state_file`; None when there is none (or it is damaged)."""
    return _load(state_file, garden_version, BuildState)  # type: ignore[return-value]


def save_state(state_file: Path, garden_version: str, state: BuildState) -> None:
    """Keep `state` for the next build (by whatever process): the state, then its glance. A save
    stopped between the two leaves an older glance, whose notes or site files differ from those
    there now, so the next build reads the state."""
    state.table = state.table.compacted(state.outputs)
    sealed.dump((FORMAT, garden_version, state), state_file)
    sealed.dump((FORMAT, garden_version, glance_of(state)), glance_path(state_file))
