"""The parse stage of a build: every scanned note parsed now or found parsed (`parse_cache.py`).

After an edit, the scan keeps the entries of the files it did not look at again (`Scanner.rescan`),
so the notes whose entry is another object than in the last round are the only ones that may have
changed: those alone are looked up, and the last round's lists are copied with them put in.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass

from markdown_it import MarkdownIt

from garden.build.parallel import forked, worth_forking
from garden.build.parse_cache import ParseCache, Parsed
from garden.build.scan import Scan, ScannedNote, Scanner
from garden.config import Config
from garden.diagnostics import Problem
from garden.model import Note
from garden.progress import progress
from garden.syntax import make_parser

MAX_CHANGED = 256  # a round with more changed entries than this is worked out over every note


@dataclass(frozen=True)
class ParseRound:
    """Every note of one scan, parsed: what the cache gave for each scanned note (in the scan's
    order), the notes and the problems parsing found, in path order, and the notes by their path.
    `base` is the last round's `by_path` when this one was made from it, and `changed` the paths
    whose parse may differ from it (the others are the very same notes)."""

    salt: str
    scanned: list[ScannedNote]
    found: list[Parsed | None]  # None only in a round cut short by `cancel`
    notes: list[Note]
    problems: list[Problem]
    by_path: dict[str, Note]
    with_code: dict[str, Note]  # the notes with code blocks, by path
    base: dict[str, Note] | None = None
    changed: tuple[str, ...] = ()


class NoteParser:
    """Parses the notes of each build, remembering the last complete round."""

    def __init__(self, cache: ParseCache) -> None:
        self.cache = cache
        self._last: ParseRound | None = None
        self._parsers: dict[str, MarkdownIt] = {}  # by flavour: made once, a few milliseconds each

    def parse(self, config: Config, scan: Scan, cancel: threading.Event | None = None, workers: int = 1
              ) -> ParseRound:
        """Every note of `scan`, parsed now or before (by up to `workers` processes:
        `garden.build.parallel`), with the problems of reading and parsing them, in path order. Once
        `cancel` is set, only the notes parsed until then."""
        self.cache.prepare(config.flavor)
        changed = self._changed_since_last(scan)
        if changed is None:
            return self._whole(config, scan, cancel, workers)
        return self._from_last(config, scan, changed, cancel, workers)

    def _changed_since_last(self, scan: Scan) -> list[int] | None:
        """The positions of the scanned notes whose entry is not the last round's (None when the
        last round says nothing of this scan: another salt, other paths or too many changes)."""
        last = self._last
        if last is None or last.salt != self.cache.salt or len(last.scanned) != len(scan.notes):
            return None
        changed = [number for number, (now, before) in enumerate(zip(scan.notes, last.scanned)) if now is not before]
        if len(changed) > MAX_CHANGED or any(scan.notes[number].relative != last.scanned[number].relative
                                             for number in changed):
            return None
        return changed

    def _whole(self, config: Config, scan: Scan, cancel: threading.Event | None, workers: int) -> ParseRound:
        found, complete = self._found(config, scan.notes, cancel, workers)
        notes = [note for parsed in found if parsed is not None and (note := parsed.note) is not None]
        problems = [problem for parsed in found if parsed is not None for problem in parsed.problems]
        by_path = {note.source.relative: note for note in notes}
        parsed_round = ParseRound(self.cache.salt, scan.notes, found, notes, problems, by_path,
                                  {path: note for path, note in by_path.items() if note.code})
        self._last = parsed_round if complete else None
        return parsed_round

    def _from_last(self, config: Config, scan: Scan, changed: list[int], cancel: threading.Event | None,
                   workers: int) -> ParseRound:
        """The last round with the notes at `changed` looked up or parsed again."""
        last = self._last
        self.cache.keep_used([last.scanned[number].content for number in changed])
        fresh, complete = self._found(config, [scan.notes[number] for number in changed], cancel, workers)
        if not complete:
            self._last = None
            return self._whole(config, scan, cancel, workers)
        found, by_path, with_code = list(last.found), dict(last.by_path), dict(last.with_code)
        for number, parsed in zip(changed, fresh):  # entries replaced in place: dicts without holes copy in bulk
            found[number] = parsed
            relative, note = scan.notes[number].relative, parsed.note
            if note is None:
                by_path.pop(relative, None)
            else:
                by_path[relative] = note
            if note is not None and note.code:
                with_code[relative] = note
            else:
                with_code.pop(relative, None)
        replaced = [last.found[number] for number in changed] + fresh
        if all(parsed.note is not None for parsed in replaced) and len(last.notes) == len(last.found):
            notes = list(last.notes)  # one note for each entry: at the same positions
            for number, parsed in zip(changed, fresh):
                notes[number] = parsed.note
        else:
            notes = [note for parsed in found if (note := parsed.note) is not None]
        problems = (last.problems if not any(parsed.problems for parsed in replaced)
                    else [problem for parsed in found for problem in parsed.problems])
        self._last = ParseRound(last.salt, scan.notes, found, notes, problems, by_path, with_code, last.by_path,
                                tuple(scan.notes[number].relative for number in changed))
        return self._last

    def _found(self, config: Config, scanned: list[ScannedNote], cancel: threading.Event | None, workers: int
               ) -> tuple[list[Parsed | None], bool]:
        """The parse of each of `scanned`: in memory, on disk, or parsed now; and whether every one
        is there (else `cancel` was set: None for those not parsed, and none after the last one looked for)."""
        scanner = Scanner(config)
        found = self.cache.in_memory(scanned)
        with progress("reading notes", len(scanned), "note") as bar:
            absent = [number for number, parsed in enumerate(found) if parsed is None]
            bar.update(len(found) - len(absent))
            for position, number in enumerate(absent):  # then on disk
                if cancel is not None and cancel.is_set():
                    del found[number:], absent[position:]
                    break
                found[number] = self.cache.found(scanned[number])
                bar.update(found[number] is not None)
            missing = [number for number in absent if found[number] is None]
            unparsed = [scanned[number] for number in missing]
            parsing = self._parsing(unparsed, scanner, config.flavor, workers, cancel)
            parsed_count = 0
            with closing(parsing):  # stops the workers at once should this loop be interrupted
                for number, parsed in zip(missing, parsing):
                    found[number] = parsed
                    parsed_count += 1
                    bar.update()
        return found, len(found) == len(scanned) and parsed_count == len(missing)

    def _parsing(self, unparsed: list[ScannedNote], scanner: Scanner, flavor: str, workers: int,
                 cancel: threading.Event | None) -> Iterator[Parsed]:
        """The notes of `unparsed` parsed, in order: by forked processes when that is worth it, else here."""
        if not unparsed:
            return
        md = self._parsers.get(flavor)
        if md is None:
            md = self._parsers[flavor] = make_parser(flavor)
        if worth_forking(len(unparsed), workers):
            yield from self._parsed_elsewhere(unparsed, scanner, md, workers)
        else:
            yield from self._parsed_here(unparsed, scanner, md, cancel)

    def _parsed_here(self, scanned: list[ScannedNote], scanner: Scanner, md: MarkdownIt,
                     cancel: threading.Event | None) -> Iterator[Parsed]:
        """The notes of `scanned`, parsed here, in order, until `cancel` is set."""
        for note in scanned:
            if cancel is not None and cancel.is_set():
                return
            yield self.cache.parse(note, scanner.read, md)

    def _parsed_elsewhere(self, scanned: list[ScannedNote], scanner: Scanner, md: MarkdownIt, workers: int
                          ) -> Iterator[Parsed]:
        """The notes of `scanned`, parsed by `workers` forked processes, in order."""
        def parse(number: int) -> tuple[str | None, bytes]:
            return self.cache.parse_pickled(scanned[number], scanner.read, md)
        with forked(parse, len(scanned), workers) as parsing:
            for key, payload in parsing:
                yield self.cache.adopt(key, payload)
