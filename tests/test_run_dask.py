"""`executor = "dask"`: the same results, cache and error reports as the local run.

The cluster is a `distributed.LocalCluster` of threads (processes=False), which is cheap to start:
its workers still run each note in a worker process forked on their machine (here, this one), as
on a real cluster; garden reaches it through its scheduler's address, as it would a real one.
"""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import pytest

from helpers import REPO, make_garden, read_html, run_garden
from test_uses_once import used_once_garden


TOML = 'title = "Used once"\nsearch = false\n'


@pytest.fixture(scope="module")
def cluster():
    """A cluster of two dask workers of two threads, whose scheduler counts the garden jobs it is given
    (imported here: only these tests need dask)."""
    from distributed import LocalCluster
    from distributed.diagnostics.plugin import SchedulerPlugin

    class JobCounter(SchedulerPlugin):
        def __init__(self) -> None:
            self.jobs: set[str] = set()

        def update_graph(self, scheduler, *, keys, **kwargs) -> None:
            self.jobs.update(key for key in keys if str(key).startswith("garden-job-"))

    with LocalCluster(n_workers=2, threads_per_worker=2, processes=False, dashboard_address=":0",
                      silence_logs=logging.ERROR) as cluster:
        cluster.scheduler.add_plugin(JobCounter(), name="job-counter")
        yield cluster


def on_dask(root, cluster) -> None:
    """Point the garden at `root` to the cluster's scheduler."""
    toml = root / "garden.toml"
    toml.write_text(toml.read_text() + f'\nexecutor = "dask"\nscheduler = "{cluster.scheduler_address}"\n')


def jobs_run_by(cluster) -> int:
    """How many garden jobs the cluster's scheduler was given."""
    return len(cluster.scheduler.plugins["job-counter"].jobs)


def pages(site) -> dict[str, str]:
    return {path.relative_to(site).as_posix(): path.read_text() for path in sorted(site.rglob("*.html"))}


def summary(proc) -> str:
    return proc.stdout.strip().splitlines()[-1].partition("; ")[2]


def shape(node) -> tuple | str:
    """An element as nested tuples (tag, attributes, children), comparable by value."""
    if isinstance(node, str):
        return node
    return node.tag, sorted(node.attrs.items()), [shape(child) for child in node.children]


def code_outputs(page: Path) -> list:
    """Everything a page's own notes show of their code's results: outputs, figures, checks and errors."""
    return [shape(output) for output in read_html(page).find("section", "content").find_all("div", "output")]


# A chain of `uses` (Neural Network uses Neuron, which uses Activation Function), figures, checks
# and an expected error: the shipped notes that exercise every kind of result.
SHIPPED_ON_DASK = ["Activation Function.md", "Neuron.md", "Neural Network.md"]


def test_shipped_notes_on_dask_show_the_results_the_local_run_showed(shipped_build, cluster, tmp_path):
    root = tmp_path / "garden"
    (root / "notes").mkdir(parents=True)
    for name in SHIPPED_ON_DASK:
        shutil.copy(REPO / "notes" / name, root / "notes" / name)
    shutil.copy(REPO / "garden.toml", root / "garden.toml")
    on_dask(root, cluster)
    before = jobs_run_by(cluster)
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr
    assert jobs_run_by(cluster) - before == len(SHIPPED_ON_DASK)
    for page in ["activation-function.html", "neuron.html", "index.html"]:
        shown = code_outputs(root / "site" / page)
        assert shown == code_outputs(shipped_build.site / page), f"{page}: every output, figure and error is the same"
        assert shown, page
    assert "expected-error" in (root / "site" / "neuron.html").read_text()
    assert (root / "site" / "index.html").read_text().count("<svg") >= 3, "network diagram, loss curve, neuron"


def test_errors_and_names_that_cannot_cross_are_reported_alike(cluster, tmp_path):
    log = str(tmp_path / "runs.log")
    local = make_garden(tmp_path / "local", used_once_garden(log), TOML)
    remote = make_garden(tmp_path / "remote", used_once_garden(log), TOML)
    on_dask(remote, cluster)
    expected = run_garden(local, "build")
    proc = run_garden(remote, "build")
    assert (proc.returncode, proc.stderr) == (expected.returncode, expected.stderr)
    assert "UsesError" in proc.stderr and "cannot cross" in proc.stderr
    assert pages(remote / "site") == pages(local / "site")
    assert summary(proc) == summary(expected)


def test_a_garden_asking_for_dask_without_it_installed_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    root = make_garden(tmp_path, {"A.md": "- a\n"}, 'title = "A"\nexecutor = "dask"\n')
    proc = run_garden(root, "build")
    assert proc.returncode == 2
    assert proc.stderr == "garden: garden.toml:2: executor = \"dask\" needs pip install 'garden[dask]'\n"


@pytest.mark.parametrize("toml, message", [
    ('executor = "spark"\n', "garden.toml:1: executor: must be one of 'local', 'dask'"),
    ('title = "A"\nscheduler = "tcp://host:8786"\n', 'garden.toml:2: scheduler: needs executor = "dask"'),
    ('executor = "dask"\nscheduler = "host:8786"\n', "garden.toml:2: scheduler: must be a dask scheduler's address"),
])
def test_bad_executor_settings_name_their_line(tmp_path, toml, message):
    proc = run_garden(make_garden(tmp_path, {"A.md": "- a\n"}, toml), "build", "--no-exec")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"garden: {message}"), proc.stderr
