"""Keeping `.garden-cache` small by deleting entries a run did not use.

A run knows the keys it used (hit or wrote, which refreshed their mtime). After a full build
every other entry is stale: some input of its key changed. After any run, while the folder is
over its size cap, the least recently used entries this run did not use are deleted. Other
processes may prune or write the same folder at the same time: a file that vanished is skipped.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

MEGABYTE = 1024 * 1024


class Entry(NamedTuple):
    """One cached result on disk."""

    mtime: float
    size: int
    path: Path


def _entries(directory: Path) -> list[Entry]:
    entries = []
    for path in directory.glob("*.json"):
        try:
            status = path.stat()
        except FileNotFoundError:
            continue
        entries.append(Entry(status.st_mtime, status.st_size, path))
    return entries


def prune_cache(directory: Path, used: Collection[str], *, cap_mb: int, drop_unused: bool) -> None:
    """Delete entries of `directory` whose key is not in `used`: all of them with `drop_unused`
    (after a full build), else the least recently used until the folder fits in `cap_mb`."""
    entries = _entries(directory)
    total = sum(entry.size for entry in entries)
    for entry in sorted(entry for entry in entries if entry.path.stem not in used):
        if not drop_unused and total <= cap_mb * MEGABYTE:
            break
        entry.path.unlink(missing_ok=True)
        total -= entry.size
