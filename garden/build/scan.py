"""Which files of the notes folder changed since the last build, told by their stat: only new and
changed files are read.

A file whose size, times, inode and device are what they were is taken as unchanged, as git and
make take it, unless it was changed so shortly before it was looked at that a later change could
have left its times the same (git's "racy" files): those are read again, every time, until their
last change is older than the coarsest file-time resolution.
"""

from __future__ import annotations

import bisect
import hashlib
import os
import stat
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from garden.config import Config
from garden.diagnostics import Problem
from garden.model import Source
from garden.sources import enters, garden_files, read_source

RACY_NS = 2_000_000_000  # file times are as coarse as 2 s on some file systems
MAX_ROOTS = 64  # a rescan of more changed paths than this looks at every file instead


@dataclass(frozen=True)
class Stamp:
    """What stat says of a file: equal stamps mean unchanged content (for a settled file)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int

    @classmethod
    def of(cls, status: os.stat_result) -> Stamp:
        return cls(status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino, status.st_dev)


@dataclass(frozen=True)
class Seen:
    """What a scan learnt of one file: its stamp, and its content digest or why it is no note."""

    stamp: Stamp
    settled: bool  # changed long enough before the scan that an equal stamp later means equal content
    content: str | None = None  # for a note, the digest of its Source; for another file, of its bytes
    problem: Problem | None = None  # a note that cannot be read: why


@dataclass(frozen=True)
class ScannedNote:
    """A note file: its path below the notes folder, its content digest, and its Source when this
    scan read it."""

    relative: str
    content: str
    source: Source | None


@dataclass
class Scan:
    """The notes folder as one scan found it."""

    notes: list[ScannedNote] = field(default_factory=list)  # in path order
    problems: list[Problem] = field(default_factory=list)  # note files that cannot be read
    files: list[str] = field(default_factory=list)  # every other file below the notes folder (attachments)
    seen: dict[str, Seen] = field(default_factory=dict)  # by path below the notes folder
    changed: bool = False  # anything differs from the scan it was compared with
    unsettled: set[str] = field(default_factory=set)  # the paths seen whose stamps are not to be trusted yet
    sourced: list[str] = field(default_factory=list)  # the paths of the notes this scan read (with a Source)
    contents: dict[str, str] | None = None  # `note_contents`, once worked out
    base: dict[str, str] | None = None  # the `note_contents` of the scan this one was made from (`rescan`)
    content_changes: set[str] = field(default_factory=set)  # the paths whose content differs from `base`'s

    def note_contents(self) -> dict[str, str]:
        """The content digest of each note file, by its path below the notes folder."""
        if self.contents is None:
            self.contents = {scanned.relative: scanned.content for scanned in self.notes}
        return self.contents

    def changes_since(self, contents: dict[str, str]) -> set[str]:
        """The paths of the notes whose content differs from `contents` (absent on either side
        included): from what `rescan` saw when `contents` is the scan's `base`, else compared."""
        if contents is self.base:
            return set(self.content_changes)
        return {path for path, _ in contents.items() ^ self.note_contents().items()}

    def file_contents(self) -> dict[str, str | Problem]:
        """For each file below the notes folder that is not a note: the digest of its content, or
        the problem reading it."""
        found = (self.seen.get(relative) for relative in self.files)
        return {relative: seen.content or seen.problem for relative, seen in zip(self.files, found)
                if seen is not None and (seen.content or seen.problem)}


def source_digest(source: Source) -> str:
    """A digest of everything of a Source that parsing reads: its paths, names and text."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (str(source.path), source.display, source.relative, source.title or "", source.text):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def _file_digest(path: Path) -> str:
    """A digest of a file's bytes (OSError when it cannot be read)."""
    digest = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _note_problem(relative: str, seen: Seen) -> bool:
    """Whether what a scan saw at `relative` is a note that cannot be read."""
    return seen.problem is not None and os.path.splitext(relative)[1] == ".md"


def _note_order(note: ScannedNote) -> list[str]:
    return note.relative.split("/")


def _notes_after(previous: Scan, looked_at: set[str], fresh: list[ScannedNote]) -> list[ScannedNote]:
    """The notes of `previous` but those at the paths looked at again, without the sources it read,
    with the `fresh` notes found at those paths put in place (all in path order)."""
    notes = list(previous.notes)

    def position(relative: str) -> int | None:
        at = bisect.bisect_left(notes, relative.split("/"), key=_note_order)
        return at if at < len(notes) and notes[at].relative == relative else None

    for relative in previous.sourced:
        at = position(relative)
        if at is not None:
            notes[at] = ScannedNote(relative, notes[at].content, None)
    for relative in looked_at:
        at = position(relative)
        if at is not None:
            del notes[at]
    for note in fresh:
        bisect.insort(notes, note, key=_note_order)
    return notes


def _contents_after(contents: dict[str, str], looked_at: set[str], fresh: list[ScannedNote]
                    ) -> tuple[dict[str, str], set[str]]:
    """`contents` (`Scan.note_contents`) with the paths looked at again replaced by the `fresh`
    notes found at them, and the paths whose content changed so."""
    after = dict(contents)
    for note in fresh:
        after[note.relative] = note.content
    gone = looked_at.difference(note.relative for note in fresh)
    for relative in gone:
        after.pop(relative, None)
    changed = {note.relative for note in fresh if contents.get(note.relative) != note.content}
    changed.update(relative for relative in gone if relative in contents)
    return after, changed


def _walk_order(relative: str) -> tuple[tuple[int, str], ...]:
    """Where `garden_files` yields a file: a folder's files by name, then its folders by name."""
    parts = relative.split("/")
    return tuple((1, part) for part in parts[:-1]) + ((0, parts[-1]),)


class Scanner:
    """Scans one garden's notes folder, comparing each file with the previous scan."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.notes_dir = config.notes_dir
        self.flavor = config.flavor

    def scan(self, previous: dict[str, Seen]) -> Scan:
        """The notes folder now: notes and attachments as the load stage finds them (`load_garden`)."""
        scan = Scan()
        self._look(scan, previous, garden_files(self.notes_dir, self._skipped), time.time_ns())
        scan.changed = scan.changed or previous.keys() != scan.seen.keys()
        return scan

    def rescan(self, previous: Scan, changed: Iterable[Path]) -> Scan:
        """What `scan` would find, given `previous`, the last scan of this folder, and every path
        changed since (files or whole folders, as a watcher tells them; paths outside the folder
        are left out): only those paths are looked at, and the files changed too shortly before
        `previous` to trust their stamps."""
        tops = (self.notes_dir.resolve(), self.notes_dir.absolute())
        roots = set(previous.unsettled)
        for path in changed:
            relative = next((path.relative_to(top).as_posix() for top in tops if path.is_relative_to(top)), None)
            if relative == ".":
                return self.scan(previous.seen)  # the folder itself came or went
            if relative is not None:
                roots.add(relative)
        if len(roots) > MAX_ROOTS:
            return self.scan(previous.seen)
        fresh = Scan()
        self._look(fresh, previous.seen, self._files_at(sorted(roots)), time.time_ns())
        if all(map(previous.seen.__contains__, roots)):  # files only: nothing is below them
            looked_at = roots
        else:
            below = tuple(root + "/" for root in roots)
            looked_at = {relative for relative in previous.seen if relative in roots or relative.startswith(below)}
        scan = Scan(seen=dict(previous.seen), unsettled=fresh.unsettled, sourced=fresh.sourced)
        for relative in looked_at - fresh.seen.keys():  # the others are replaced in place: no holes to copy
            del scan.seen[relative]
        scan.seen.update(fresh.seen)
        scan.notes = _notes_after(previous, looked_at, fresh.notes)
        scan.base = previous.note_contents()
        scan.contents, scan.content_changes = _contents_after(scan.base, looked_at, fresh.notes)
        scan.files = [relative for relative in previous.files if relative not in looked_at]
        for relative in fresh.files:
            bisect.insort(scan.files, relative, key=_walk_order)
        if fresh.problems or any(_note_problem(relative, previous.seen[relative]) for relative in looked_at):
            scan.problems = [problem for _, problem in sorted((relative.split("/"), seen.problem)
                                                              for relative, seen in scan.seen.items()
                                                              if _note_problem(relative, seen))]
        else:  # the notes that cannot be read are those of the last scan
            scan.problems = list(previous.problems)
        scan.changed = fresh.changed or previous.seen.keys() != scan.seen.keys()
        return scan

    @property
    def _skipped(self) -> tuple[Path, Path]:
        return self.config.out_dir, self.config.cache_dir

    def _files_at(self, roots: list[str]) -> Iterator[tuple[str, str]]:
        """What `garden_files` finds at each of `roots` (paths below the notes folder): the file, or
        every file of the folder; nothing for a path it would not enter or that is gone."""
        skipped = {path.resolve() for path in self._skipped}
        top = os.fspath(self.notes_dir)
        found: set[str] = set()  # a changed file inside a changed folder is found twice
        for root in roots:
            parts = root.split("/")
            if not all(enters(Path(top, *parts[:depth]), skipped) for depth in range(1, len(parts))):
                continue
            where = os.path.join(top, *parts)
            if os.path.isdir(where):
                if not os.path.islink(where) and enters(Path(where), skipped):
                    for path, relative in garden_files(Path(where), skipped):
                        if f"{root}/{relative}" not in found:
                            found.add(f"{root}/{relative}")
                            yield path, f"{root}/{relative}"
            elif os.path.lexists(where) and not parts[-1].startswith(".") and root not in found:
                found.add(root)
                yield where, root

    def _look(self, scan: Scan, previous: dict[str, Seen], files: Iterable[tuple[str, str]], started: int) -> None:
        """Look at `files` (path, path below the notes folder) for `scan`: notes in path order."""
        inside = self.notes_dir.resolve()
        notes: list[tuple[list[str], str, Stamp]] = []
        for where, relative in files:
            try:
                status = os.stat(where)
            except OSError:
                status = None
            if os.path.splitext(relative)[1] == ".md":
                if status is not None and stat.S_ISREG(status.st_mode):
                    notes.append((relative.split("/"), relative, Stamp.of(status)))
            elif not os.path.islink(where) or Path(where).resolve().is_relative_to(inside):
                scan.files.append(relative)
                if status is not None:
                    self._look_at_file(scan, previous, Path(where), relative, Stamp.of(status), started)
        for _, relative, stamp in sorted(notes):
            self._look_at_note(scan, previous, relative, stamp, started)

    def read(self, relative: str) -> Source | Problem:
        """Read one note file, by its path below the notes folder (for a note the scan did not read,
        when its parse is not cached)."""
        return read_source(self.notes_dir / relative, self.notes_dir, self.config.root, self.flavor)

    def _unchanged(self, previous: dict[str, Seen], relative: str, stamp: Stamp) -> Seen | None:
        seen = previous.get(relative)
        return seen if seen is not None and seen.settled and seen.stamp == stamp else None

    def _look_at_note(self, scan: Scan, previous: dict[str, Seen], relative: str, stamp: Stamp,
                      started: int) -> None:
        seen = self._unchanged(previous, relative, stamp)
        source = None
        if seen is None:
            read = self.read(relative)
            settled = max(stamp.mtime_ns, stamp.ctime_ns) < started - RACY_NS
            if isinstance(read, Problem):
                seen = Seen(stamp, settled, problem=read)
            else:
                source = read
                seen = Seen(stamp, settled, content=source_digest(source))
            before = previous.get(relative)
            scan.changed = (scan.changed or before is None
                            or before.stamp.mtime_ns != stamp.mtime_ns  # the feed may date a note by its file's time
                            or (before.content, before.problem) != (seen.content, seen.problem))
        scan.seen[relative] = seen
        if not seen.settled:
            scan.unsettled.add(relative)
        if seen.problem is not None:
            scan.problems.append(seen.problem)
        elif seen.content is not None:
            scan.notes.append(ScannedNote(relative, seen.content, source))
            if source is not None:
                scan.sourced.append(relative)

    def _look_at_file(self, scan: Scan, previous: dict[str, Seen], path: Path, relative: str, stamp: Stamp,
                      started: int) -> None:
        seen = self._unchanged(previous, relative, stamp)
        if seen is None:
            settled = max(stamp.mtime_ns, stamp.ctime_ns) < started - RACY_NS
            try:
                seen = Seen(stamp, settled, content=_file_digest(path))
            except OSError as error:
                shown = path.relative_to(self.config.root).as_posix() if path.is_relative_to(self.config.root) \
                    else path.as_posix()
                seen = Seen(stamp, settled, problem=Problem(shown, None, f"cannot be read ({error.strerror}); "
                                                                         f"attachment not copied"))
            before = previous.get(relative)
            scan.changed = scan.changed or before is None or (before.content, before.problem) != (seen.content,
                                                                                                  seen.problem)
        scan.seen[relative] = seen
        if not seen.settled:
            scan.unsettled.add(relative)
