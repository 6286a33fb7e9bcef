"""Fixtures: the shipped garden, built once per test run into a temporary folder.

The tests import garden from the checkout they live in (not from wherever it is installed), and
the pytest plugin tests use pytest's own `pytester`. The run keeps compiled bytecode even where
PYTHONDONTWRITEBYTECODE is set: it starts hundreds of Pythons (xdist workers, garden's workers,
`python -m garden`), and each would otherwise compile garden and the tests again.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    # A run started as a background job of a shell ignores Ctrl+C, and so does every process it
    # starts (xdist's workers, the garden processes the Ctrl+C tests interrupt): let them hear it.
    signal.signal(signal.SIGINT, signal.default_int_handler)

import garden  # noqa: E402
import pytest  # noqa: E402

from helpers import run_garden_process, serving, tree_digest  # noqa: E402

if Path(garden.__file__).resolve().parent != REPO / "garden":
    raise ImportError(f"the tests in {REPO} would test garden from {garden.__file__}; "
                      f"run `python -m pytest` from {REPO}")

pytest_plugins = ["pytester"]



@dataclass(frozen=True)
class ShippedBuild:
    """The result of `garden build` run on a copy of the repository's notes/ and garden.toml."""

    root: Path
    proc: subprocess.CompletedProcess
    notes_before: str
    notes_after: str
    root_entries_before: frozenset[str]
    root_entries_after: frozenset[str]

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def notes(self) -> Path:
        return self.root / "notes"

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({
            "root": str(self.root), "args": self.proc.args, "returncode": self.proc.returncode,
            "stdout": self.proc.stdout, "stderr": self.proc.stderr,
            "notes_before": self.notes_before, "notes_after": self.notes_after,
            "root_entries_before": sorted(self.root_entries_before),
            "root_entries_after": sorted(self.root_entries_after),
        }), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ShippedBuild:
        saved = json.loads(path.read_text(encoding="utf-8"))
        proc = subprocess.CompletedProcess(saved["args"], saved["returncode"], saved["stdout"], saved["stderr"])
        return cls(Path(saved["root"]), proc, saved["notes_before"], saved["notes_after"],
                   frozenset(saved["root_entries_before"]), frozenset(saved["root_entries_after"]))


def _build_shipped(root: Path) -> ShippedBuild:
    """Copy the repository's notes/ and garden.toml to `root` and build them there."""
    root.mkdir()
    shutil.copytree(REPO / "notes", root / "notes")
    shutil.copy2(REPO / "garden.toml", root / "garden.toml")
    notes_before = tree_digest(root / "notes")
    entries_before = frozenset(p.name for p in root.iterdir())
    proc = run_garden_process(root, "build")  # the real `python -m garden`, once
    return ShippedBuild(root, proc, notes_before, tree_digest(root / "notes"), entries_before,
                        frozenset(p.name for p in root.iterdir()))


def _shared_temp(factory: pytest.TempPathFactory) -> Path:
    """A temporary folder of this test run, shared by all pytest-xdist workers."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> ShippedBuild:
    """The shipped garden built once per test run: under pytest-xdist the first worker to ask
    builds it while the others wait on a lock, then read the record it left. Tests only read it."""
    shared = _shared_temp(tmp_path_factory)
    record = shared / "shipped-build.json"
    with open(shared / "shipped-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            _build_shipped(shared / "shipped").save(record)
    build = ShippedBuild.load(record)
    assert build.proc.returncode == 0, f"garden build failed:\n{build.proc.stdout}\n{build.proc.stderr}"
    return build


@pytest.fixture(scope="session")
def shipped_site(shipped_build: ShippedBuild) -> Path:
    return shipped_build.site


# --------------------------------------------------------------------------- the browser tests' Chromium

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync",
                 "--disable-features=BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright, one per test process; skipped where either is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


ABORTED_BY_NAVIGATION = "net::ERR_ABORTED"  # a request the page dropped when it moved on: not a failure
OFF_THE_PAGE = (-1, -1)  # where the mouse rests between tests: over nothing, so nothing is hovered


class PagePool:
    """Pages kept open for the whole run and lent to one test at a time, one context for each set
    of context options: a new context and page cost Chromium a renderer process, about 0.4 CPU-s,
    against 0.1 for loading a page into an open one. A page comes back on about:blank with the
    listeners its test added removed, its colour scheme as lent and the mouse over nothing; one
    that cannot be reset so is closed instead."""

    def __init__(self, browser) -> None:
        from playwright.sync_api import Error  # only where the browser fixture found playwright

        self._browser_error = Error
        self._browser = browser
        self._contexts: dict[str, object] = {}
        self._idle: dict[str, list] = {}

    def lend(self, color_scheme: str, options: dict):
        """A page of a context with `color_scheme` and `options`, and a function that takes it back."""
        key = json.dumps([color_scheme, options], sort_keys=True)
        if key not in self._contexts:
            self._contexts[key] = self._browser.new_context(color_scheme=color_scheme, **options)
            self._idle[key] = []
        page = self._idle[key].pop() if self._idle[key] else self._contexts[key].new_page()
        added = []

        def on(event, handler):
            added.append((event, handler))
            return type(page).on(page, event, handler)

        page.on = on  # records what the test adds, to take it away afterwards

        def take_back() -> None:
            del page.on
            try:
                for event, handler in added:
                    page.remove_listener(event, handler)
                page.goto("about:blank")
                page.emulate_media(color_scheme=color_scheme)
                page.mouse.move(*OFF_THE_PAGE)
            except self._browser_error:
                page.close()
                return
            self._idle[key].append(page)

        return page, take_back


@pytest.fixture(scope="session")
def page_pool(browser) -> PagePool:
    return PagePool(browser)


@pytest.fixture
def open_page(page_pool):
    """open_page(color_scheme, **context options) -> (page, requested URLs, failed URLs): a page
    lent by the pool, taken back after the test."""
    returns = []

    def opener(color_scheme: str = "light", **options):
        page, take_back = page_pool.lend(color_scheme, options)
        returns.append(take_back)
        requests: list[str] = []
        failed: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("requestfailed", lambda request: failed.append(request.url)
                if request.failure != ABORTED_BY_NAVIGATION else None)
        return page, requests, failed

    yield opener
    for take_back in returns:
        take_back()


@pytest.fixture(scope="session")
def served_base(shipped_site: Path, tmp_path_factory):
    """The site copied to DOCROOT/some/base/ and served by http.server on 127.0.0.1:(free port)."""
    docroot = tmp_path_factory.mktemp("docroot")
    shutil.copytree(shipped_site, docroot / "some" / "base")
    with serving(docroot) as url:
        yield url + "some/base/"
