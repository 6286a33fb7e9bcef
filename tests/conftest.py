"""Fixtures: the shipped garden, built once per test session into a temporary folder.

The tests import garden from the checkout they live in (not from wherever it is installed), and
the pytest plugin tests use pytest's own `pytester`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import garden  # noqa: E402
import pytest  # noqa: E402

from helpers import run_garden_process, tree_digest  # noqa: E402

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


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> ShippedBuild:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "notes", root / "notes")
    shutil.copy2(REPO / "garden.toml", root / "garden.toml")
    notes_before = tree_digest(root / "notes")
    entries_before = frozenset(p.name for p in root.iterdir())
    proc = run_garden_process(root, "build")  # the real `python -m garden`, once
    build = ShippedBuild(root, proc, notes_before, tree_digest(root / "notes"), entries_before,
                         frozenset(p.name for p in root.iterdir()))
    assert proc.returncode == 0, f"garden build failed:\n{proc.stdout}\n{proc.stderr}"
    return build


@pytest.fixture(scope="session")
def shipped_site(shipped_build: ShippedBuild) -> Path:
    return shipped_build.site
