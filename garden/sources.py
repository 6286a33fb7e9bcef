"""The load stage: every `.md` file below the notes folder as a `Source`, or a problem saying why not.

App folders (`.obsidian/`, `logseq/`...), hidden folders and files (an editor's swap and lock
files among them) and the folders given to skip (the site, when the notes folder is the garden
itself) are not read.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from garden.diagnostics import Problem
from garden.flavors import SKIPPED_FOLDERS
from garden.flavors.logseq import logseq_title
from garden.model import Source

MAX_NOTE_BYTES = 10 * 1024 * 1024  # a note larger than this is refused


def _shown(path: Path, root: Path) -> str:
    """How messages name `path`: relative to the garden when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path, notes_dir: Path) -> tuple[str | None, str | None]:
    """(text, None) for a readable note, else (None, why it is skipped)."""
    if not path.resolve().is_relative_to(notes_dir.resolve()):
        return None, "is a link to a file outside the notes folder; note skipped"
    try:
        size = path.stat().st_size
        if size > MAX_NOTE_BYTES:
            return None, f"is {size / 2**20:.1f} MB, over the {MAX_NOTE_BYTES // 2**20} MB a note may have; note skipped"
        data = path.read_bytes()
    except OSError as error:
        return None, f"cannot be read ({error.strerror}); note skipped"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"not valid UTF-8 at byte offset {error.start}; note skipped"
    return text.removeprefix("\ufeff").replace("\r\n", "\n"), None


def garden_files(notes_dir: Path, skip: Iterable[Path] = ()) -> Iterator[tuple[str, str]]:
    """Every file below `notes_dir` but hidden ones, outside skipped and hidden folders and those in `skip`: its
    path, and its path below `notes_dir` with `/` between folders (plain strings: a scan makes
    tens of thousands)."""
    skipped = {path.resolve() for path in skip}
    top = os.fspath(notes_dir)
    for folder, subfolders, files in os.walk(top):
        below = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if below == "." else below + "/"
        subfolders[:] = sorted(name for name in subfolders if enters(Path(folder, name), skipped))
        for name in sorted(name for name in files if not name.startswith(".")):
            yield os.path.join(folder, name), prefix + name


def enters(folder: Path, skipped: set[Path]) -> bool:
    """Whether `garden_files` looks into `folder` (below the notes folder): not an app, hidden or
    other skipped folder, and not one of `skipped` (resolved)."""
    return folder.name not in SKIPPED_FOLDERS and not folder.name.startswith(".") and folder.resolve() not in skipped


def read_source(path: Path, notes_dir: Path, display_root: Path, flavor: str = "roam") -> Source | Problem:
    """The note at `path` (a `.md` file below `notes_dir`), or the problem saying why it is skipped.

    In a Logseq graph the file name gives the title as Logseq reads it (`garden.flavors.logseq`).
    """
    try:
        path.as_posix().encode("utf-8")
    except UnicodeEncodeError:
        shown = path.as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        return Problem(shown, None, "file name is not valid UTF-8; note skipped")
    display = _shown(path, display_root)
    text, refusal = _read(path, notes_dir)
    if text is None:
        return Problem(display, None, refusal or "note skipped")
    relative = path.relative_to(notes_dir).as_posix()
    title = logseq_title(relative) if flavor == "logseq" else None
    return Source(path, display, relative, text, title)


def read_sources(notes_dir: Path, display_root: Path, skip: Iterable[Path] = (),
                 flavor: str = "roam") -> tuple[list[Source], list[Problem]]:
    """Read every `.md` file below `notes_dir` (not below `skip`); files that cannot be notes become problems."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for where, _ in sorted(garden_files(notes_dir, skip), key=lambda found: found[1].split("/")):
        path = Path(where)
        if path.suffix != ".md" or not path.is_file():
            continue
        read = read_source(path, notes_dir, display_root, flavor)
        (sources if isinstance(read, Source) else problems).append(read)
    return sources, problems
