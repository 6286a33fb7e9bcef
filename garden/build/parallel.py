"""Work of a big cold build spread over forked worker processes, one per core: reading notes, and
making the site's files. Each worker inherits what the builder holds (nothing of the garden is sent
to it), does its share of the work items and sends back plain data; the builder takes the results
in order, so the site and the build state are those a serial build makes.

Only `garden build` asks for workers (`BuildOptions.workers`): `garden serve` has threads, which do
not survive a fork. Where there is no `fork` (Windows), or a forked process may crash in the system's
libraries (macOS), all the work is done here. The workers ignore Ctrl+C: the builder stops them
when it is interrupted. The garbage collector is paused for a build (`garden.build.builder`), in the
workers too: they never walk, and so never copy, what they inherit.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TypeVar

MIN_ITEMS = 200  # fewer work items than this: starting the workers costs more than it saves
CHUNK = 16  # work items a worker is handed at a time
PR_SET_PDEATHSIG = 1  # prctl: the signal a process gets when its parent dies

Result = TypeVar("Result")

_work: Callable[[int], object] | None = None  # what the forked workers do, inherited from the builder


def worth_forking(items: int, workers: int) -> bool:
    """Whether `items` work items are worth spreading over `workers` processes here."""
    return (workers > 1 and items >= MIN_ITEMS and sys.platform != "darwin"
            and "fork" in multiprocessing.get_all_start_methods())


def _start_worker(builder: int) -> None:
    """In a new worker: leave Ctrl+C to the builder, and (on Linux) die with it, should it be killed
    (the worker shares the builder's end of every pipe, so it would never learn of that otherwise).
    It was forked with Ctrl+C blocked (`forked`): one pressed since is dropped here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != builder:  # it died before the line above
        os._exit(1)


def _do(index: int) -> object | None:
    """In a worker: work item `index` done; None when it failed (the builder does it again and meets
    the error itself: not every exception survives being sent back)."""
    assert _work is not None
    try:
        return _work(index)
    except Exception:
        return None


@contextmanager
def forked(work: Callable[[int], Result], items: int, workers: int) -> Iterator[Iterator[Result]]:
    """`work(0)` … `work(items - 1)`, in that order: done by `workers` forked processes (see
    `worth_forking`), or here one by one. `work` must return plain data, never None. Should a worker
    die (killed by the system for memory, say), the work not yet back is done here instead."""
    if not worth_forking(items, workers):
        yield (work(index) for index in range(items))
        return
    global _work
    _work = work
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start_worker, initargs=(os.getpid(),))
    try:
        unblocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # until the workers ignore it
        try:
            results = pool.map(_do, range(items), chunksize=CHUNK)  # forks the workers
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, unblocked)  # a Ctrl+C pressed meanwhile reaches the builder now
        yield _in_order(work, results, items)
    finally:
        pool.shutdown(cancel_futures=True)  # waits for the chunks under way, a fraction of a second
        _work = None


def _in_order(work: Callable[[int], Result], results: Iterator[object | None], items: int) -> Iterator[Result]:
    """The workers' results as they come, each one they could not give done here."""
    done = 0
    try:
        for result in results:
            yield work(done) if result is None else result  # type: ignore[misc]
            done += 1
    except BrokenProcessPool:
        yield from (work(index) for index in range(done, items))
