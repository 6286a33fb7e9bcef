"""The dask.distributed executor (`executor = "dask"` in garden.toml; `pip install 'garden[dask]'`).

Each job is a dask task that runs it in a worker process forked on the dask worker's machine, with
the same time and memory limits, crash confinement and cleanup as on this one: a note's code never
runs inside the dask worker itself. A worker whose Python, garden or packages differ from this
machine's refuses the job, since its results would not match their cache keys. dask is imported
only here, and this module only when garden.toml asks for it.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import uuid
from concurrent.futures import Future
from typing import Any

from garden.progress import TaskProgress
from garden.run.cache import environment_fingerprint
from garden.run.executor import ExecutorError
from garden.run.jobs import Job, JobResult
from garden.run.pool import WorkerProcess, start_worker, worker_env

CONNECT_TIMEOUT = 10  # seconds to reach a scheduler
STOP_POLL = 0.5  # seconds between a running job's looks at its run's stop event


def run_on_worker(job: Job, memory_mb: int, environment: str, cwd: str, stop: str) -> dict[str, Any]:
    """On a dask worker: `job`'s result as plain data, from a worker process forked here (in `cwd`
    when this machine has that folder, else in a temporary one), killed once the dask event `stop`
    is set; `{"environment": …}` instead when this machine's environment is not `environment`."""
    from distributed import Event, get_client

    ours = environment_fingerprint()
    if ours != environment:
        return {"environment": ours}
    env = worker_env()
    process = start_worker(ours, env, memory_mb, cwd if os.path.isdir(cwd) else tempfile.gettempdir())
    finished = threading.Event()
    watcher = threading.Thread(target=_stop_when_set, args=(Event(stop, client=get_client()), process, finished),
                               daemon=True)
    watcher.start()
    try:
        return process.run(job, lambda _: None).to_dict()
    finally:
        finished.set()
        process.finish()


def _stop_when_set(stop: Any, process: WorkerProcess, finished: threading.Event) -> None:
    """Kill `process` once the dask event `stop` is set, looking every `STOP_POLL` s until `finished` is."""
    while not finished.wait(STOP_POLL):
        try:
            stopped = stop.is_set()
        except Exception:  # noqa: BLE001 - the scheduler is gone: the run is over
            stopped = True
        if stopped:
            process.stop()
            return


class DaskExecutor:
    """Runs jobs on a dask.distributed cluster: the scheduler at `scheduler`, or (None) a cluster of
    threads in this process, one per core, each running its jobs in worker processes."""

    def __init__(self, progress: TaskProgress, *, scheduler: str | None, memory_mb: int) -> None:
        from distributed import Client, LocalCluster

        self._progress = progress
        self._memory_mb = memory_mb
        self._environment = environment_fingerprint()
        self._cluster = None
        self._futures: list[Any] = []
        self._stop = f"garden-stop-{uuid.uuid4().hex}"  # a dask event: set, the running jobs are killed
        try:
            if scheduler is None:
                self._cluster = LocalCluster(n_workers=1, threads_per_worker=os.cpu_count() or 1, processes=False,
                                             dashboard_address=":0", silence_logs=logging.ERROR)
                self._client = Client(self._cluster, set_as_default=False)
            else:
                self._client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as error:
            raise ExecutorError(f"cannot reach the dask scheduler at {scheduler}: {error}") from None

    def submit(self, job: Job) -> Future[JobResult]:
        """Send `job` to the cluster."""
        future: Future[JobResult] = Future()
        remote = self._client.submit(run_on_worker, job, self._memory_mb, self._environment, os.getcwd(),
                                     self._stop, key=f"garden-job-{uuid.uuid4().hex}", pure=False)
        self._futures.append(remote)
        remote.add_done_callback(lambda done: self._settle(job, done, future))
        return future

    def _settle(self, job: Job, remote: Any, future: Future[JobResult]) -> None:
        """Hand the dask task's outcome to `future`."""
        try:
            data = remote.result()
        except BaseException as error:  # noqa: BLE001 - a lost worker, a cancelled task: the run cannot go on
            future.set_exception(ExecutorError(f"dask could not run {job.note}: {type(error).__name__}: {error}"))
            return
        if "environment" in data:
            future.set_exception(ExecutorError(
                f"the dask worker that took {job.note} has another Python, garden or package versions than "
                f"this machine; its results would not match their cache keys"))
            return
        self._progress.done()
        future.set_result(JobResult.from_dict(data))

    def shutdown(self, cancel: bool = False) -> None:
        """Disconnect (ending the cluster of this process); `cancel`: kill the running jobs' worker
        processes and drop the jobs not started."""
        if cancel:
            from distributed import Event

            Event(self._stop, client=self._client).set()
            self._client.cancel(self._futures, force=True)
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()
