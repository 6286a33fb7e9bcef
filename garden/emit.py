"""Writing the site: into a fresh folder first, swapped in only when complete.

The swap is two renames (`site/` to `.site-previous`, the staging folder to `site/`). A build
killed between them leaves no `site/` but a complete `.site-previous`, which the next build
puts back before anything else; staging folders of killed builds are removed then too. Builds
of one garden take turns through a lock file in the garden's cache folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

SITE_MARKER = ".garden-site"


class OutputError(Exception):
    """The output folder cannot be (re)written safely."""


def check_output(out_dir: Path, notes_dir: Path, root: Path) -> None:
    """Refuse outputs that would write into notes or replace something that is not a site.

    When the notes folder is the garden itself, the site may be inside it: the notes are read
    without it."""
    out, notes = out_dir.resolve(), notes_dir.resolve()
    inside = notes in out.parents and notes != root.resolve()
    if out == notes or inside or out in notes.parents or out == root.resolve():
        raise OutputError(f"refusing to write the site to {out_dir}: it overlaps the notes folder {notes_dir}")
    if out.exists() and (not out.is_dir() or (not (out / SITE_MARKER).exists() and any(out.iterdir()))):
        raise OutputError(f"refusing to replace {out_dir}: it exists and was not written by garden")


def _previous(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}-previous")


def staging_folder(out_dir: Path) -> str:
    """How the name of a folder a build works in, next to `out_dir`, begins (`recover` removes those left)."""
    return f".{out_dir.name}-staging-"


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold the garden's build lock (the file `path`); a second build says it waits, then waits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "?"
            print(f"garden: another build of this garden is running (pid {holder}); waiting for it to finish",
                  file=sys.stderr, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        lock.truncate()
        lock.write(str(os.getpid()))
        lock.flush()
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _discarded_folder(out_dir: Path) -> str:
    return f".{out_dir.name}-discarded-"


_discarding: dict[Path, threading.Thread] = {}  # the folders this process is removing, and by which thread


def discard(folder: Path, out_dir: Path) -> None:
    """Remove a folder next to `out_dir` (a staging folder of work given up) in the background: it
    is renamed at once, out of `recover`'s way, and a thread removes it (thousands of files may take
    a tenth of a second, which a build waiting for the work to stop need not wait)."""
    trash = folder.with_name(_discarded_folder(out_dir) + folder.name)
    try:
        folder.rename(trash)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return
    thread = threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True},
                              name="garden-discard", daemon=True)
    _discarding[trash] = thread
    thread.start()


def wait_for_discarded() -> None:
    """Wait until every folder this process discarded is gone."""
    while _discarding:
        _discarding.popitem()[1].join()


def recover(out_dir: Path) -> None:
    """Undo what a killed build left (call while holding the lock): put a saved site back, and
    remove staging folders, folders discarded by a process that is gone, and a saved site that is
    no longer needed."""
    previous = _previous(out_dir)
    if previous.is_dir() and not out_dir.exists():
        previous.rename(out_dir)
    shutil.rmtree(previous, ignore_errors=True)
    for staging in out_dir.parent.glob(f"{staging_folder(out_dir)}*"):
        shutil.rmtree(staging, ignore_errors=True)
    for trash in out_dir.parent.glob(f"{_discarded_folder(out_dir)}*"):
        if trash not in _discarding:
            shutil.rmtree(trash, ignore_errors=True)


class SiteWriter:
    """Collects a site in a temporary folder next to `out_dir`, then swaps it in.

    A file the new site shares with the old one is kept as a hard link to it (a copy where the file
    system has no links): the old site is never written to, so a build that stops half way leaves
    it as it was."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=staging_folder(out_dir), dir=out_dir.parent))
        self._folders: set[Path] = {self.staging}
        self._taken: set[str] = set()

    def _fresh(self, relative: str) -> Path:
        """Where a file of the new site goes: its folder made, nothing there yet."""
        path = _with_folder(self.staging / relative, self._folders)
        if relative in self._taken:
            path.unlink(missing_ok=True)  # a file made twice: never write through a link into the old site
        self._taken.add(relative)
        return path

    def write(self, relative: str, content: str | bytes) -> Path:
        """Write one file of the site (characters UTF-8 cannot carry become `?`)."""
        path = self._fresh(relative)
        path.write_bytes(as_bytes(content))
        return path

    def copy_file(self, source: Path, relative: str) -> Path:
        """Copy one file into the site."""
        path = self._fresh(relative)
        shutil.copyfile(source, path)
        return path

    def keep(self, relative: str) -> Path:
        """Take a file of the old site into the new one unchanged."""
        path = self._fresh(relative)
        try:
            os.link(self.out_dir / relative, path)
        except OSError:
            shutil.copy2(self.out_dir / relative, path)
        return path

    def commit(self, removed: list[str]) -> None:
        """Replace the old site with the finished one (the `removed` files go with the old one)."""
        try:
            self.keep(SITE_MARKER)
        except OSError:
            self.write(SITE_MARKER, "written by garden build\n")
        self.staging.chmod(0o755)
        previous = _previous(self.out_dir)
        if self.out_dir.exists():
            self.out_dir.rename(previous)
        self.staging.rename(self.out_dir)
        shutil.rmtree(previous, ignore_errors=True)

    def abandon(self) -> None:
        """Throw the unfinished site away, leaving the old one untouched."""
        shutil.rmtree(self.staging, ignore_errors=True)


def as_bytes(content: str | bytes) -> bytes:
    """A file's bytes: text as UTF-8, characters it cannot carry as `?`."""
    return content if isinstance(content, bytes) else content.encode("utf-8", "replace")


def _with_folder(path: Path, made: set[Path]) -> Path:
    """`path`, its folder made unless `made` says it was already."""
    if path.parent not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        made.add(path.parent)
    return path


def _replaced(path: Path, fill: Callable[[Path], object]) -> None:
    """Make `path` whole or not at all: `fill` writes a temporary file in its folder, renamed over it."""
    fresh = path.with_name(f".{path.name}.{os.getpid()}.new")
    fill(fresh)
    os.replace(fresh, path)


class InPlaceWriter:
    """Updates a site folder where it is, for `garden serve`: each changed file replaced whole (a
    reader sees the old file or the new one, never half of either), removed files deleted, the
    rest left alone. A reader may see some pages of the new site beside others of the old one for a
    moment; a build stopped half way leaves such a mix, which the next build, seeing the files'
    stamps differ from those it recorded, puts right. The same interface as `SiteWriter`."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.staging = out_dir  # where the files of the new site are, as for `SiteWriter`
        self._folders: set[Path] = set()
        self._root = os.fspath(out_dir)

    def write(self, relative: str, content: str | bytes) -> Path:
        """Replace one file of the site (characters UTF-8 cannot carry become `?`)."""
        path = _with_folder(self.out_dir / relative, self._folders)
        data = as_bytes(content)
        _replaced(path, lambda fresh: fresh.write_bytes(data))
        return path

    def copy_file(self, source: Path, relative: str) -> Path:
        """Replace one file of the site with a copy of `source`."""
        path = _with_folder(self.out_dir / relative, self._folders)
        _replaced(path, lambda fresh: shutil.copyfile(source, fresh))
        return path

    def keep(self, relative: str) -> str:
        """A file the site keeps as it is (its path: a string, as a build keeps tens of thousands)."""
        return os.path.join(self._root, relative)

    def commit(self, removed: list[str]) -> None:
        """Delete the `removed` files, which the site no longer has, and the folders that leaves empty."""
        for relative in removed:
            path = self.out_dir / relative
            path.unlink(missing_ok=True)
            for folder in path.parents:
                if folder == self.out_dir or not folder.is_dir() or any(folder.iterdir()):
                    break
                folder.rmdir()

    def abandon(self) -> None:
        """Nothing to throw away: the files written so far are in the site."""


Writer = SiteWriter | InPlaceWriter  # how a build puts its files into the site
