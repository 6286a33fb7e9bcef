"""Worker subprocesses, and a pool running note jobs on them in parallel."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import garden
from garden.run.cells import Cell, CellError, CellResult, abort_reason, not_run
from garden.run.protocol import MessageReader, encode_job

STARTUP_TIMEOUT = 60.0  # seconds for a worker to import its modules
CLOSE_TIMEOUT = 5.0
CRASH_LOG_LIMIT = 4000  # characters of the worker's stderr kept for a crash report
BOOT = "from garden.run.worker import main; main()"


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
    """One worker subprocess; once it timed out or crashed it is dead for good."""

    def __init__(self, memory_mb: int) -> None:
        self._log = tempfile.TemporaryFile()  # the worker's stderr: crash reports land here
        self._process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(memory_mb)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=worker_env(),
            start_new_session=True,
        )
        self._reader = MessageReader(self._process.stdout.fileno())
        self._ready = False
        self.alive = True

    def run(self, job: Job) -> list[CellResult]:
        """Results for every cell of ``job``, in order."""
        mark = self._log_size()
        try:
            if not self._ready:
                self._reader.receive(STARTUP_TIMEOUT)
                self._ready = True
            self._process.stdin.write(encode_job(job))
            self._process.stdin.flush()
        except (TimeoutError, EOFError, OSError):
            return _abort(job, 0, self._crashed(job.cells[0].cell, mark))
        results: list[CellResult] = []
        for index, item in enumerate(job.cells):
            mark = self._log_size()
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
                return results + _abort(job, index, self._crashed(item.cell, mark))
            results.append(CellResult.from_dict(message["result"]))
        return results

    def close(self) -> None:
        """Stop the worker (politely if it is idle) and release its resources."""
        if self.alive:
            try:
                self._process.stdin.close()
                self._process.wait(CLOSE_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired):
                pass
        if self._process.returncode is None:
            self.kill()
        self._process.stdout.close()
        self._log.close()

    def kill(self) -> None:
        """Kill the worker and anything the user's code started in its session."""
        self.alive = False
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self._process.wait()

    def _log_size(self) -> int:
        return os.fstat(self._log.fileno()).st_size

    def _crashed(self, cell: Cell, mark: int) -> CellResult:
        """Describe the death of the worker while it ran ``cell``."""
        self.kill()
        code = self._process.returncode
        how = f"was killed by {signal.Signals(-code).name}" if code < 0 else f"exited with code {code}"
        size = self._log_size() - mark
        log = os.pread(self._log.fileno(), size, mark).decode(errors="replace")[-CRASH_LOG_LIMIT:]
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


def run_jobs(jobs: list[Job], *, workers: int, memory_mb: int) -> list[list[CellResult]]:
    """Run ``jobs`` on up to ``workers`` worker processes; results in job order.

    Each pool thread owns one worker and reuses it for note after note; a
    worker that timed out or crashed is replaced by a fresh one.
    """
    results: list[list[CellResult]] = [[] for _ in jobs]
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(jobs)):
        pending.put(index)
    processes: list[WorkerProcess] = []

    def serve() -> None:
        process: WorkerProcess | None = None
        try:
            while True:
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    return
                if process is None or not process.alive:
                    if process is not None:
                        process.close()
                    process = WorkerProcess(memory_mb)
                    processes.append(process)
                results[index] = process.run(jobs[index])
        finally:
            if process is not None:
                process.close()

    count = max(1, min(workers, len(jobs)))
    with ThreadPoolExecutor(count) as executor:
        futures = [executor.submit(serve) for _ in range(count)]
        try:
            for future in futures:
                future.result()
        except BaseException:  # e.g. KeyboardInterrupt: stop handing out jobs, stop the workers
            while not pending.empty():
                pending.get_nowait()
            for process in processes:
                process.kill()
            raise
    return results
