"""Worker subprocesses, and a pool running note jobs on them in parallel."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import select
import signal
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import garden
from garden.progress import TaskProgress
from garden.run.cells import Cell, CellError, CellResult, abort_reason, not_run
from garden.run.protocol import MessageReader, encode_job
from garden.run.zygote import Spawned, Zygote, ZygoteError, zygote_for

STARTUP_TIMEOUT = 60.0  # seconds for a forked worker to say it is ready
CLOSE_TIMEOUT = 5.0
CRASH_LOG_LIMIT = 4000  # characters of the worker's stderr kept for a crash report
CANCEL_POLL = 0.05  # seconds between looks at a run's cancel event (and at Ctrl+C)


class RunCancelled(Exception):
    """The run was cancelled (its cancel event was set); its workers were stopped, nothing is kept."""


@dataclass(frozen=True)
class JobCell:
    """A cell as sent to a worker, with its effective timeout."""

    cell: Cell
    timeout: float


@dataclass(frozen=True)
class Prelude:
    """The cells of a note that the job's note uses: run first, their names handed on."""

    note: str
    cells: tuple[JobCell, ...]


@dataclass(frozen=True)
class Job:
    """The cells of one note to run in order in one namespace, after the notes it uses."""

    note: str
    cells: tuple[JobCell, ...]
    preludes: tuple[Prelude, ...] = ()

    @property
    def prelude_timeout(self) -> float:
        """Time the used notes' cells may take before the first cell of the note starts."""
        return sum(item.timeout for prelude in self.preludes for item in prelude.cells)


def worker_env() -> dict[str, str]:
    """Environment of a worker: garden importable, headless matplotlib, reproducible hashing.

    BLAS thread pools default to one thread: notes already run in parallel,
    and threaded reductions are not bit-for-bit reproducible.
    """
    env = dict(os.environ)
    root = str(Path(garden.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env["MPLBACKEND"] = "Agg"
    env["PYTHONHASHSEED"] = "0"
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    return env


def _abort(job: Job, index: int, result: CellResult) -> list[CellResult]:
    reason = abort_reason(job.cells[index].cell, result.status)
    return [result] + [not_run(item.cell, reason) for item in job.cells[index + 1 :]]


def _worth_showing(text: str, note_frame: re.Pattern[str]) -> bool:
    """Keep a crash log line unless it is a frame outside the note or the module list."""
    stripped = text.lstrip()
    if stripped.startswith("File "):
        return note_frame.search(text) is not None
    return not stripped.startswith("Extension modules:")


class WorkerProcess:
    """One worker, forked by the zygote for one note; once it timed out or crashed it is dead for good."""

    def __init__(self, zygote: Zygote, memory_mb: int, env: dict[str, str]) -> None:
        self._log = tempfile.TemporaryFile()  # the worker's stderr: crash reports land here
        self._returncode: int | None = None
        self._lock = threading.RLock()  # kill (any thread) against finish (the pool thread)
        self.alive = False
        try:
            self._spawned: Spawned | None = zygote.fork(memory_mb, os.getcwd(), env, self._log.fileno())
        except ZygoteError as error:
            self._spawned = None
            self._start_failure = str(error)
            return
        self._reader = MessageReader(self._spawned.replies)
        self.alive = True

    def run(self, job: Job, running: Callable[[str], None]) -> list[CellResult]:
        """Results for every cell of ``job``, in order; `running` hears of each cell as it starts."""
        if self._spawned is None:
            error = CellError(type="WorkerCrash", message=f"no worker could be started: {self._start_failure}",
                              line=job.cells[0].cell.line)
            return _abort(job, 0, CellResult(status="crash", error=error))
        try:
            self._reader.receive(STARTUP_TIMEOUT)
            self._spawned.requests.write(encode_job(job))
            self._spawned.requests.flush()
        except (TimeoutError, EOFError, OSError):
            return _abort(job, 0, self._crashed(job.cells[0].cell))
        results: list[CellResult] = []
        for index, item in enumerate(job.cells):
            running(f"{item.cell.note}:{item.cell.line}")
            allowed = item.timeout + (job.prelude_timeout if index == 0 else 0)
            try:
                message = self._reader.receive(allowed)
            except TimeoutError:
                self.kill()
                timeout = CellError(
                    type="Timeout",
                    message=f"the cell did not finish within {allowed:g} s and was stopped",
                    line=item.cell.line,
                )
                return results + _abort(job, index, CellResult(status="timeout", error=timeout))
            except EOFError:
                return results + _abort(job, index, self._crashed(item.cell))
            results.append(CellResult.from_dict(message["result"]))
        return results

    def end_input(self) -> None:
        """Tell the worker there is no more work: it ends by itself (see `finish`)."""
        if self._spawned is not None:
            try:
                self._spawned.requests.close()
            except OSError:
                pass

    def finish(self) -> None:
        """Wait for the worker to end (killing it if it lingers) and release everything."""
        self.end_input()
        with self._lock:
            if self._spawned is not None:
                if self._wait(CLOSE_TIMEOUT) is None:
                    self.kill()
                os.close(self._spawned.replies)
                os.close(self._spawned.status)
                self._spawned = None
            self._log.close()

    def stop(self) -> None:
        """Kill the worker's session from another thread without waiting: the thread running the
        worker sees it end and cleans up. (A worker just forked has no session yet: it is killed alone.)"""
        spawned = self._spawned
        if spawned is not None and self._returncode is None:
            try:
                os.killpg(spawned.pid, signal.SIGKILL)
            except ProcessLookupError:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(spawned.pid, signal.SIGKILL)

    def kill(self) -> None:
        """Kill the worker and anything the user's code started in its session (from any thread)."""
        self.alive = False
        with self._lock:
            if self._spawned is None or self._wait(0) is not None:
                return
            try:
                os.killpg(self._spawned.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait(None)

    def _wait(self, timeout: float | None) -> int | None:
        """The worker's exit code once it ended (waiting up to ``timeout`` s), else None."""
        if self._returncode is None and select.select([self._spawned.status], [], [], timeout)[0]:
            text = os.read(self._spawned.status, 64).strip()
            self._returncode = int(text) if text else -signal.SIGKILL  # no code: its parent was killed
        return self._returncode

    def _log_size(self) -> int:
        return os.fstat(self._log.fileno()).st_size

    def _crashed(self, cell: Cell) -> CellResult:
        """Describe the death of the worker while it ran ``cell``."""
        self.kill()
        code = self._returncode
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        size = self._log_size()  # the log is this worker's alone: it ran only this note
        log = os.pread(self._log.fileno(), size, 0).decode(errors="replace")[-CRASH_LOG_LIMIT:]
        note_frame = re.compile(rf'File "{re.escape(cell.note)}", line (\d+)')
        lines = [text for text in log.splitlines() if _worth_showing(text, note_frame)]
        hit = note_frame.search(log)
        return CellResult(
            status="crash",
            error=CellError(
                type="WorkerCrash",
                message=f"the worker process {how}",
                traceback="\n".join(lines).strip(),
                line=int(hit.group(1)) if hit else cell.line,
            ),
        )


def run_jobs(jobs: list[Job], *, workers: int, memory_mb: int, key: str,
             cancel: threading.Event | None = None) -> list[list[CellResult]]:
    """Run ``jobs`` on up to ``workers`` workers at a time; results in job order.

    Each job gets a worker of its own, forked by this process's zygote for ``key`` (what the
    workers' code depends on, see garden.run.zygote): numpy is imported once, not per note.
    A pool thread waits for a worker to exit only after the next job ran, so exits cost no time.
    Once ``cancel`` is set, the workers are killed and `RunCancelled` is raised.
    """
    env = worker_env()
    results: list[list[CellResult]] = [[] for _ in jobs]
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(jobs)):
        pending.put(index)
    unfinished: set[WorkerProcess] = set()
    stopping = threading.Event()
    guard = threading.Lock()  # stopping and unfinished change together

    def serve() -> None:
        ending: WorkerProcess | None = None  # the previous worker: it exits while the next one works
        try:
            while not stopping.is_set():
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    return
                process = WorkerProcess(zygote_for(key, env), memory_mb, env)
                if not process.alive:  # the zygote died: once more, with a new one
                    process.finish()
                    process = WorkerProcess(zygote_for(key, env), memory_mb, env)
                with guard:
                    unfinished.add(process)
                    if stopping.is_set():
                        process.stop()
                results[index] = process.run(jobs[index], bar.running)
                process.end_input()
                bar.done()
                if ending is not None:
                    finished(ending)
                ending = process
        finally:
            if ending is not None:
                finished(ending)

    def finished(process: WorkerProcess) -> None:
        process.finish()
        with guard:
            unfinished.discard(process)

    def stop_all() -> None:
        with guard:
            stopping.set()
            for process in list(unfinished):
                process.stop()

    count = max(1, min(workers, len(jobs)))
    with TaskProgress("running code", len(jobs), "note") as bar, ThreadPoolExecutor(count) as executor:
        futures = [executor.submit(serve) for _ in range(count)]
        try:
            _wait_for(futures, cancel)
        except BaseException:  # cancelled, or e.g. KeyboardInterrupt: stop handing out jobs, stop the workers
            stop_all()
            raise
    return results


def _wait_for(futures: list[Future], cancel: threading.Event | None) -> None:
    """Wait until every future is done (raising its exception), or raise `RunCancelled` once `cancel` is set.

    Waits in short steps even without `cancel`: Ctrl+C may reach another thread (or land just before
    the main thread blocks), and Python acts on it only when the main thread wakes."""
    running = set(futures)
    while running:
        if cancel is not None and cancel.is_set():
            raise RunCancelled
        done, running = wait(running, timeout=CANCEL_POLL, return_when=FIRST_EXCEPTION)
        for future in done:
            future.result()
