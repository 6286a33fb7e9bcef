"""A warm parent for workers: one process that has imported numpy and garden's worker code once,
and forks a fresh worker per note on request.

The engine talks to the zygote over a Unix SEQPACKET socket. A request carries the worker's
memory limit, working folder and environment variables, and, as passed file descriptors, the worker's request pipe,
reply pipe, crash log and a status pipe. The zygote forks, the child becomes a worker
(`garden.run.worker.serve`) on those descriptors, and the zygote answers with the child's pid.
When the child ends, the zygote reaps it and writes its exit code (negative: killed by that
signal) into the status pipe, so the engine learns how a worker died without being its parent.

A process keeps one zygote while its key (Python, garden's source, package versions, and the
environment variables read while Python and numpy start) stays the same; a changed key gets a
new zygote, so edited code never runs in a parent that imported the old one.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import traceback
from dataclasses import dataclass
from typing import Any, BinaryIO

READY_TIMEOUT = 60.0  # seconds for the zygote to import its modules and answer
REQUEST_LIMIT = 1 << 17  # bytes of one request packet (the environment is most of it)
PASSED_FDS = 4  # requests, replies, crash log, status
LOG_LIMIT = 2000  # characters of the zygote's own stderr quoted when it fails
BOOT = "from garden.run.zygote import serve; serve()"


class ZygoteError(Exception):
    """The zygote could not fork a worker (it failed to start, or died)."""


@dataclass
class Spawned:
    """The engine's ends of a freshly forked worker."""

    pid: int
    requests: BinaryIO  # write a job here
    replies: int  # fd to read the worker's messages from
    status: int  # fd that yields the worker's exit code once it ended


class Zygote:
    """The engine's handle on one zygote process."""

    def __init__(self, env: dict[str, str]) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._log = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [sys.executable, "-c", BOOT, str(theirs.fileno())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            pass_fds=[theirs.fileno()],
            env=env,
            start_new_session=True,
        )
        theirs.close()
        self._socket = ours
        self._lock = threading.Lock()

    @property
    def alive(self) -> bool:
        """Whether the zygote process still runs."""
        return self._process.poll() is None

    def fork(self, memory_mb: int, cwd: str, env: dict[str, str], log: int) -> Spawned:
        """A new worker with address space `memory_mb` (0: no cap), in `cwd` with environment `env`,
        its stderr on fd `log`."""
        requests_read, requests_write = os.pipe()
        replies_read, replies_write = os.pipe()
        status_read, status_write = os.pipe()
        request = json.dumps({"memory_mb": memory_mb, "cwd": cwd, "env": env}).encode()
        try:
            with self._lock:
                socket.send_fds(self._socket, [request], [requests_read, replies_write, log, status_write])
                ready = select.select([self._socket], [], [], READY_TIMEOUT)[0]
                answer = self._socket.recv(64) if ready else b""
        except OSError:
            answer = b""
        finally:
            for fd in (requests_read, replies_write, status_write):
                os.close(fd)
        if not answer:
            for fd in (requests_write, replies_read, status_read):
                os.close(fd)
            raise ZygoteError(self._failure())
        return Spawned(int(answer), os.fdopen(requests_write, "wb"), replies_read, status_read)

    def close(self) -> None:
        """End the zygote; it kills the workers it still has."""
        self._socket.close()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        self._log.close()

    def _failure(self) -> str:
        """Why the zygote gave no worker: its exit and the end of its stderr."""
        try:
            code = self._process.wait(1)
        except subprocess.TimeoutExpired:
            return "the worker parent process did not answer"
        self._log.seek(0)
        log = self._log.read().decode(errors="replace").strip()[-LOG_LIMIT:]
        return f"the worker parent process exited with code {code}" + (f":\n{log}" if log else "")


_lock = threading.Lock()
_current: tuple[Any, Zygote] | None = None


def startup_variables(env: dict[str, str]) -> tuple[tuple[str, str], ...]:
    """The variables of `env` that take effect when Python and numpy start, not when a worker forks."""
    return tuple(sorted((name, value) for name, value in env.items()
                        if name.startswith("PYTHON") or name.endswith("_NUM_THREADS")))


def zygote_for(key: Any, env: dict[str, str]) -> Zygote:
    """This process's zygote for `key` and the start-up variables of `env`, started (and an older
    one ended) when needed."""
    global _current
    key = (key, sys.executable, startup_variables(env))
    with _lock:
        if _current is not None and (_current[0] != key or not _current[1].alive):
            _current[1].close()
            _current = None
        if _current is None:
            _current = (key, Zygote(env))
        return _current[1]


@atexit.register
def _end_zygote() -> None:
    global _current
    if _current is not None:
        _current[1].close()
        _current = None


# --- the zygote process ---


def serve() -> None:
    """Entry point of the zygote process: import once, then fork a worker per request."""
    channel = socket.socket(fileno=int(sys.argv[1]))
    from garden.run import worker

    worker.preload()
    gc.freeze()  # what the workers inherit is never collected again: no copy-on-write faults for it
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_write, False)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    status_of: dict[int, int] = {}  # live worker pid -> its status pipe
    try:
        while True:
            readable = select.select([channel, wake_read], [], [])[0]
            if wake_read in readable:
                os.read(wake_read, 4096)
                _reap(status_of)
            if channel in readable:
                message, fds, _, _ = socket.recv_fds(channel, REQUEST_LIMIT, PASSED_FDS)
                if not message:
                    return  # the engine is gone
                pid = os.fork()
                if pid == 0:
                    _become_worker(worker, json.loads(message), fds)
                for fd in fds[:3]:
                    os.close(fd)
                status_of[pid] = fds[3]
                channel.send(str(pid).encode())
    finally:
        for pid in status_of:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _reap(status_of: dict[int, int]) -> None:
    """Collect every ended worker and hand its exit code to the engine."""
    while status_of:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        fd = status_of.pop(pid, None)
        if fd is not None:
            os.write(fd, f"{os.waitstatus_to_exitcode(status)}\n".encode())
            os.close(fd)


def _become_worker(worker: Any, request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: take the passed descriptors as stdin/stdout/stderr and serve; never return."""
    code = 0
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for target, fd in enumerate(fds[:3]):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        importlib.invalidate_caches()  # modules written since the zygote started must be found
        worker.serve(request["memory_mb"])
    except BaseException:  # noqa: BLE001 - the child must never return into the zygote's loop
        traceback.print_exc()
        code = 1
    finally:
        sys.stderr.flush()
        os._exit(code)
