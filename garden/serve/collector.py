"""When `garden serve` lets Python's cyclic garbage collector run: after the pages are out.

A build pauses the collector (`garden.build.builder`), and the objects it made are all young when
it ends: the first collection after it walks every one of them, half a second after a link edit at
10,000 notes. In `serve` that walk would come between the build and the reload of the pages; it
comes instead at the end of the work the build leaves to the background (code, search index),
where the young generations (everything made since) are collected at once; the old one is left to
Python's own schedule, as it would be. Edits one after another cancel that work;
after `MAX_DEFERRED` builds in a row without a collection the collector runs as usual again, so that
a burst of edits cannot pile up garbage.
"""

from __future__ import annotations

import gc
import threading

from garden.build.collector import pause, resume

MAX_DEFERRED = 3  # builds in a row whose garbage waits for the background work to end


class DeferredCollector:
    """Holds a collector pause (`garden.build.collector`) from a live build until its background work ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deferred = 0  # builds since the last collection

    def before_build(self) -> None:
        """A live build starts: keep the collector off after it, unless too many builds wait already."""
        with self._lock:
            if self._deferred == 0:
                pause()
            self._deferred += 1
            if self._deferred > MAX_DEFERRED:
                self._end()

    def collect(self) -> None:
        """The background work of the latest build ended (or there was none): collect, and run as before."""
        with self._lock:
            if self._deferred:
                gc.collect(1)  # the young generations: what the builds since made
                self._end()

    def _end(self) -> None:
        self._deferred = 0
        resume()
