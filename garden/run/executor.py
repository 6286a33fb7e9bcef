"""Where note jobs run: the executor interface, in the shape of `concurrent.futures`.

`garden.run.pool.LocalExecutor` runs jobs in worker processes on this machine (the default);
`garden.run.dask_executor.DaskExecutor` hands them to dask.distributed, whose workers run each in
the same kind of worker process on their machine. Both give the same results for the same job.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Protocol

from garden.progress import TaskProgress
from garden.run.jobs import Job, JobResult


class RunCancelled(Exception):
    """The run was cancelled (its cancel event was set); its workers were stopped, nothing is kept."""


class ExecutorError(Exception):
    """The executor cannot run jobs (a dask scheduler out of reach, a worker unlike this machine); one line."""


class Executor(Protocol):
    """Runs note jobs somewhere and hands back their results."""

    def submit(self, job: Job) -> Future[JobResult]:
        """Start `job` (as soon as there is room); its future holds its result."""

    def shutdown(self, cancel: bool = False) -> None:
        """Release everything once the submitted jobs ended; `cancel`: stop them instead."""


StartExecutor = Callable[[TaskProgress], Executor]  # an executor reporting to a progress bar
