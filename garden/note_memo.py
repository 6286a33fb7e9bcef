"""Values worked out from parsed notes, kept while a note is the same object: a build that parses
a note again (it changed) gets a new object, whose value is worked out again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from garden.model import Note

T = TypeVar("T")


class NoteMemo(Generic[T]):
    """One value per parsed note; each round keeps only the notes asked about in it."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[Note, T]] = {}  # by id() of the note: the note, and its value

    def round(self) -> Callable[[Note, Callable[[Note], T]], T]:
        """Start a round: a function giving a note's value, `work_out(note)` unless kept from the last round."""
        kept, fresh = self._kept, {}
        self._kept = fresh

        def value(note: Note, work_out: Callable[[Note], T]) -> T:
            found = kept.get(id(note))
            if found is None or found[0] is not note:
                found = (note, work_out(note))
            fresh[id(note)] = found
            return found[1]

        return value
