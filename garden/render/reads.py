"""Noting what making a file of the site reads: the keys of the questions it asked of the garden
(see `view.py`) and the problems it found, in captures that nest (a piece made once and shown on
many pages replays what making it read)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from garden.diagnostics import Problem

Key = tuple[Any, ...]
PARSED_KINDS = frozenset({"note", "block"})  # questions whose answer is fixed by one note's parse
LINKED_KINDS = frozenset({  # questions whose answer is fixed by the settings and what the link stage reads
    "site", "page", "block_with_id", "backlinks", "tags_of", "tagged", "attachment", "file_source", "all_pages",
    "daily_pages", "note_urls", "graph", "shown_pages", "linked_sections", "local_graph", "global_graph"})  # (`garden.graph.link_inputs`); every other question is asked again after any edit
WHOLE_GARDEN_KINDS = frozenset({  # questions about the whole garden that only the site's index files ask (all
    "all_pages", "daily_pages", "note_urls", "graph", "global_graph", "recent_changes"})  # pages, graph, feed…)


def digest_of(material: object) -> bytes:
    """A short stable hash of plain data (its repr)."""
    return hashlib.blake2b(repr(material).encode("utf-8", "backslashreplace"), digest_size=16).digest()


@dataclass
class Capture:
    """The keys read and the problems found while making one file, or one piece of it."""

    keys: set[Key] = field(default_factory=set)
    problems: set[Problem] = field(default_factory=set)

    def merge(self, other: Capture | Replay) -> None:
        """Take in what a piece made inside this one read and found."""
        self.keys.update(other.keys)
        self.problems.update(other.problems)


@dataclass(frozen=True, slots=True)
class Replay:
    """What a piece made once read and found, kept for replaying wherever the piece is shown again:
    two tuples rather than two sets, as a large garden keeps tens of thousands of them."""

    keys: tuple[Key, ...]
    problems: tuple[Problem, ...]


class ReadLog:
    """Where reads and problems go: the innermost open capture, which hands them outwards when it
    closes. `problems` keeps every problem ever found, for callers that make no captures."""

    def __init__(self) -> None:
        self._open: list[Capture] = []
        self.problems: set[Problem] = set()

    @contextmanager
    def capture(self) -> Iterator[Capture]:
        """Collect what is read and found inside the `with` block (and hand it to the outer capture)."""
        capture = Capture()
        self._open.append(capture)
        try:
            yield capture
        finally:
            self._open.pop()
            if self._open:
                self._open[-1].merge(capture)

    def read(self, key: Key) -> None:
        if self._open:
            self._open[-1].keys.add(key)

    def warn(self, problem: Problem) -> None:
        self.problems.add(problem)
        if self._open:
            self._open[-1].problems.add(problem)

    def replay(self, made: Replay) -> None:
        """Count a piece made earlier (and kept) as read and found again here."""
        self.problems.update(made.problems)
        if self._open:
            self._open[-1].merge(made)

    def cached(self, cache: dict[Any, tuple[Any, Replay]], key: Any, make: Callable[[], Any]) -> Any:
        """`make()` once per `key` of `cache`; later calls replay its reads and problems."""
        if key in cache:
            value, made = cache[key]
            self.replay(made)
            return value
        with self.capture() as capture:
            value = make()
        cache[key] = (value, Replay(tuple(capture.keys), tuple(capture.problems)))
        return value
