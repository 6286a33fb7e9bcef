"""Site versions for open pages: which files each build changed, for pages to ask since when."""

from __future__ import annotations

import threading
from collections.abc import Iterable


class FeedClosed(Exception):
    """The server is stopping: no more versions will come."""


class ChangeFeed:
    """Numbered site versions: version N is the site after the Nth published change.

    A page remembers the version it was served at and asks for everything changed since, so a
    change published while it loaded is not lost.
    """

    def __init__(self) -> None:
        self._changes: list[frozenset[str]] = []  # the files of each version
        self._condition = threading.Condition()
        self._closed = False

    @property
    def version(self) -> int:
        """The current version."""
        with self._condition:
            return len(self._changes)

    def publish(self, changed: Iterable[str]) -> None:
        """A new version, in which the site files `changed` differ from the one before."""
        with self._condition:
            self._changes.append(frozenset(changed))
            self._condition.notify_all()

    def close(self) -> None:
        """Wake every waiting page: the server stops."""
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    def wait(self, since: int, timeout: float) -> tuple[int, frozenset[str]] | None:
        """(the newest version, every file changed after version `since`) once there is a newer
        version; None after `timeout` seconds without one. Raises `FeedClosed` when the server stops."""
        with self._condition:
            self._condition.wait_for(lambda: self._closed or len(self._changes) > since, timeout)
            if self._closed:
                raise FeedClosed
            if len(self._changes) <= since:
                return None
            return len(self._changes), frozenset().union(*self._changes[since:])
