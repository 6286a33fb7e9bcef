"""Progress bars on the terminal for build stages that take over a second; silent when stderr
is not a terminal (pipes, CI logs, tests)."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType

from tqdm import tqdm

DELAY = 1.0  # seconds a stage runs before its bar appears
SLOW = 2.0  # seconds after which a task in progress is named on the bar
TICK = 0.5  # seconds between redraws while tasks run


def progress(label: str, total: int, unit: str) -> tqdm:
    """A bar counting `total` `unit`s of work for `label`; use as a context manager, call `update()`."""
    return tqdm(total=total, desc=label, unit=f" {unit}", delay=DELAY, leave=False, file=sys.stderr,
                disable=not sys.stderr.isatty(), dynamic_ncols=True)


class TaskProgress:
    """A bar over tasks that run side by side, naming the longest-running one once it ran for
    `SLOW` seconds ("notes/X.md:12 for 5 s"), redrawn while tasks run."""

    def __init__(self, label: str, total: int, unit: str) -> None:
        self._bar = progress(label, total, unit)
        self._running: dict[int, tuple[str, float]] = {}  # thread id -> (what, since)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, daemon=True)

    def __enter__(self) -> TaskProgress:
        if not self._bar.disable:
            self._ticker.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        if self._ticker.is_alive():
            self._ticker.join()
        self._bar.close()

    def running(self, what: str) -> None:
        """This thread now works on `what`."""
        with self._lock:
            self._running[threading.get_ident()] = (what, time.monotonic())

    def done(self) -> None:
        """This thread finished a task."""
        with self._lock:
            self._running.pop(threading.get_ident(), None)
        self._bar.update()

    def _tick(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(TICK):
            now = time.monotonic()
            if now - started < DELAY:
                continue
            with self._lock:
                oldest = min(self._running.values(), key=lambda item: item[1], default=None)
            slow = oldest is not None and now - oldest[1] >= SLOW
            self._bar.set_postfix_str(f"{oldest[0]} for {now - oldest[1]:.0f} s" if slow else "", refresh=False)
            self._bar.refresh()
