"""garden's source as of a git revision, for benchmarks that time it beside this checkout."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def checkout_of(revision: str, folder: Path) -> Path:
    """Extract the `garden` package of `revision` into `folder` (created); put `folder` on PYTHONPATH to run it."""
    folder.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "garden"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder
