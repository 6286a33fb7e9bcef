"""Pauses of Python's cyclic garbage collector, counted across threads.

A build allocates millions of objects that live to its end, and the collector would walk them again
and again (a third of a build's time), so builds pause it. Pauses can overlap (a server's build in
one thread, another garden's build in another, the pause `garden serve` holds until a build's
background work ends): the collector is off while any pause is held, and once the last one ends it is
as it was before the first began. Pairing `gc.disable`/`gc.enable` per caller instead can leave it off
for good when two threads interleave.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_held = 0  # pauses not yet ended
_was_enabled = True  # the collector's state before the first of them


def pause() -> None:
    """Hold a pause: the collector is off until every pause held is ended (`resume`)."""
    global _held, _was_enabled
    with _lock:
        if _held == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _held += 1


def resume() -> None:
    """End one pause; after the last one the collector is back as it was before the first."""
    global _held
    with _lock:
        _held -= 1
        if _held == 0 and _was_enabled:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector paused for the length of the `with` block."""
    pause()
    try:
        yield
    finally:
        resume()
