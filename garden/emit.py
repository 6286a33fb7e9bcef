"""Writing the site: into a fresh folder first, swapped in only when complete."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

SITE_MARKER = ".garden-site"


class OutputError(Exception):
    """The output folder cannot be (re)written safely."""


def check_output(out_dir: Path, notes_dir: Path, root: Path) -> None:
    """Refuse outputs that would write into notes or replace something that is not a site."""
    out, notes = out_dir.resolve(), notes_dir.resolve()
    if out == notes or notes in out.parents or out in notes.parents or out == root.resolve():
        raise OutputError(f"refusing to write the site to {out_dir}: it overlaps the notes folder {notes_dir}")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SITE_MARKER).exists())):
        raise OutputError(f"refusing to replace {out_dir}: it exists and was not written by garden")


class SiteWriter:
    """Collects a site in a temporary folder next to `out_dir`, then swaps it in."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))

    def write(self, relative: str, content: str | bytes) -> None:
        """Write one file of the site."""
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    def copy_tree(self, source: Path, relative: str) -> None:
        """Copy a folder of static files into the site."""
        shutil.copytree(source, self.staging / relative, dirs_exist_ok=True)

    def commit(self) -> None:
        """Replace the old site with the finished one."""
        (self.staging / SITE_MARKER).write_text("written by garden build\n")
        self.staging.chmod(0o755)
        previous = self.out_dir.with_name(f".{self.out_dir.name}-previous")
        if previous.exists():
            shutil.rmtree(previous)
        if self.out_dir.exists():
            self.out_dir.rename(previous)
        self.staging.rename(self.out_dir)
        if previous.exists():
            shutil.rmtree(previous)

    def abandon(self) -> None:
        """Throw the unfinished site away, leaving the old one untouched."""
        shutil.rmtree(self.staging, ignore_errors=True)
