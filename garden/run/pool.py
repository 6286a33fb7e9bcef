"""Worker subprocesses, and the local executor: note jobs run on them in parallel on this machine."""

from __future__ import annotations

import base64
import contextlib
import os
import re
import select
import signal
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import garden
from garden.progress import TaskProgress
from garden.run.cells import Cell, CellError, CellResult, abort_reason, not_run
from garden.run.executor import RunCancelled
from garden.run.jobs import Job, JobResult
from garden.run.protocol import MessageReader, encode_job
from garden.run.zygote import Spawned, Zygote, ZygoteError, zygote_for

STARTUP_TIMEOUT = 60.0  # seconds for a forked worker to say it is ready
CLOSE_TIMEOUT = 5.0
CRASH_LOG_LIMIT = 4000  # characters of the worker's stderr kept for a crash report


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

    def __init__(self, zygote: Zygote, memory_mb: int, env: dict[str, str], cwd: str | None = None) -> None:
        self._log = tempfile.TemporaryFile()  # the worker's stderr: crash reports land here
        self._returncode: int | None = None
        self._lock = threading.RLock()  # kill (any thread) against finish (the pool thread)
        self.alive = False
        try:
            self._spawned: Spawned | None = zygote.fork(memory_mb, cwd or os.getcwd(), env, self._log.fileno())
        except ZygoteError as error:
            self._spawned = None
            self._start_failure = str(error)
            return
        self._reader = MessageReader(self._spawned.replies)
        self.alive = True

    def run(self, job: Job, running: Callable[[str], None]) -> JobResult:
        """Results for every cell of ``job``, in order, and the note's names when the job asks for
        them; `running` hears of each cell as it starts."""
        if self._spawned is None:
            error = CellError(type="WorkerCrash", message=f"no worker could be started: {self._start_failure}",
                              line=job.cells[0].cell.line)
            return JobResult(_abort(job, 0, CellResult(status="crash", error=error)), lost="no worker started")
        try:
            self._reader.receive(STARTUP_TIMEOUT)
            self._spawned.requests.write(encode_job(job))
            self._spawned.requests.flush()
        except (TimeoutError, EOFError, OSError):
            return JobResult(_abort(job, 0, self._crashed(job.cells[0].cell)), lost="the worker did not start")
        results: list[CellResult] = []
        for index, item in enumerate(job.cells):
            running(f"{item.cell.note}:{item.cell.line}")
            try:
                message = self._reader.receive(item.timeout)
            except TimeoutError:
                self.kill()
                timeout = CellError(
                    type="Timeout",
                    message=f"the cell did not finish within {item.timeout:g} s and was stopped",
                    line=item.cell.line,
                )
                return JobResult(results + _abort(job, index, CellResult(status="timeout", error=timeout)),
                                 lost="a cell timed out")
            except EOFError:
                return JobResult(results + _abort(job, index, self._crashed(item.cell)), lost="the worker crashed")
            results.append(CellResult.from_dict(message["result"]))
        return self._handed_on(job, results) if job.export else JobResult(results)

    def _handed_on(self, job: Job, results: list[CellResult]) -> JobResult:
        """The job's results with the names its worker pickled for the notes that use it."""
        try:
            message = self._reader.receive(job.export_timeout)
        except TimeoutError:
            self.kill()
            return JobResult(results, lost=f"pickling its names took over {job.export_timeout:g} s")
        except EOFError:
            self.kill()
            return JobResult(results, lost="its worker process ended while pickling its names")
        names = message["names"]
        return JobResult(results, None if names is None else base64.b64decode(names),
                         tuple((name, why) for name, why in message["refused"]))

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


def start_worker(key: str, env: dict[str, str], memory_mb: int, cwd: str | None = None) -> WorkerProcess:
    """A worker forked by this process's zygote for `key` (what the workers' code depends on, see
    garden.run.zygote), in `cwd` (default: this process's folder)."""
    process = WorkerProcess(zygote_for(key, env), memory_mb, env, cwd)
    if not process.alive:  # the zygote died: once more, with a new one
        process.finish()
        process = WorkerProcess(zygote_for(key, env), memory_mb, env, cwd)
    return process


class LocalExecutor:
    """Runs jobs on this machine, up to `workers` at a time, each in a worker of its own (see
    `start_worker`): numpy is imported once, not per note. A worker is left to exit while its thread runs the next
    job, so exits cost no time. `shutdown(cancel=True)` kills the running workers and drops the
    jobs not started."""

    def __init__(self, *, workers: int, memory_mb: int, key: str, progress: TaskProgress | None = None) -> None:
        self._memory_mb = memory_mb
        self._key = key
        self._progress = progress
        self._env = worker_env()
        self._threads = ThreadPoolExecutor(max(1, workers), thread_name_prefix="garden-worker")
        self._guard = threading.Lock()  # stopping, running and ending change together
        self._stopping = False
        self._running: set[WorkerProcess] = set()
        self._ending: dict[int, WorkerProcess] = {}  # thread -> its last worker, still exiting

    def submit(self, job: Job) -> Future[JobResult]:
        """Start `job` when a thread is free."""
        return self._threads.submit(self._run, job)

    def _run(self, job: Job) -> JobResult:
        with self._guard:
            if self._stopping:
                raise RunCancelled
        process = start_worker(self._key, self._env, self._memory_mb)
        with self._guard:
            self._running.add(process)
            if self._stopping:
                process.stop()
        try:
            return process.run(job, self._progress.running if self._progress else lambda _: None)
        finally:
            process.end_input()
            if self._progress:
                self._progress.done()
            with self._guard:
                self._running.discard(process)
                previous = self._ending.pop(threading.get_ident(), None)
                self._ending[threading.get_ident()] = process
            if previous is not None:
                previous.finish()

    def shutdown(self, cancel: bool = False) -> None:
        """Wait for the jobs (with `cancel`: kill their workers, drop those not started), then
        let every worker end."""
        if cancel:
            with self._guard:
                self._stopping = True
                for process in self._running:
                    process.stop()
        self._threads.shutdown(wait=True, cancel_futures=cancel)
        for process in self._ending.values():
            process.finish()
        self._ending.clear()
