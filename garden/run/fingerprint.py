"""What a cached result depends on besides its code: garden's own source and package versions.

Each is read once and kept until `refresh_environment` (called as each build and each run starts)
sees that something it was read from changed: a garden source file, or a folder on `sys.path`
(installing or removing a distribution adds or removes its `*.dist-info` folder there). So a
long-lived process such as `garden serve` or a pytest session sees packages installed, and garden
edited, since it started, without reading every installed distribution's metadata each build."""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

import garden

Versions = tuple[tuple[str, str], ...]  # (distribution, version), sorted


@cache
def garden_source_digest() -> str:
    """sha256 over every `*.py` file of the garden package in use: relative paths and bytes."""
    package = _package_folder()
    digest = hashlib.sha256()
    for path in sorted(map(Path, _source_files()), key=lambda path: path.relative_to(package).as_posix()):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_folder() -> Path:
    return Path(garden.__file__).resolve().parent


def _source_files() -> list[str]:
    """Paths of the `*.py` files of the garden package in use, sorted."""
    found = []
    for folder, subfolders, files in os.walk(_package_folder()):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [os.path.join(folder, name) for name in files if name.endswith(".py")]
    return sorted(found)


@cache
def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


@cache
def _distributions_of_modules() -> dict[str, list[str]]:
    return metadata.packages_distributions()


def _known(distributions: Iterable[str]) -> Versions:
    found = {(name, version) for name in distributions if (version := _version(name)) is not None}
    return tuple(sorted(found))


def _required() -> list[str]:
    """Distributions garden requires (not its extras); empty when garden's metadata is missing."""
    try:
        requirements = metadata.requires("garden") or []
    except metadata.PackageNotFoundError:
        return []
    names = (re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement) for requirement in requirements
             if "extra" not in requirement.partition(";")[2])
    return [name.group() for name in names if name]


@cache
def dependency_versions() -> Versions:
    """Installed versions of garden's dependencies; numpy (behind neuron and network blocks) always."""
    return _known({"numpy", *_required()})


_read_at: tuple | None = None  # the stamp of what the cached readers were read from


def _stamp() -> tuple:
    """Modification times and sizes of garden's source files and of the folders on `sys.path`."""
    return tuple(_stat_of(path) for path in (*_source_files(), *sys.path))


def _stat_of(path: str) -> tuple:
    try:
        status = os.stat(path)
    except OSError:
        return (path,)
    return path, status.st_mtime_ns, status.st_size


def refresh_environment() -> None:
    """Drop what was read of garden's source and the installed packages if any of it may have
    changed since: the next reader reads it again."""
    global _read_at
    stamp = _stamp()
    if stamp != _read_at:
        for reader in (garden_source_digest, _version, _distributions_of_modules, dependency_versions):
            reader.cache_clear()
        _read_at = stamp


def versions_of(modules: Iterable[str]) -> Versions:
    """Versions of the installed distributions providing `modules` (stdlib and unknown: none)."""
    providers = _distributions_of_modules()
    return _known({name for module in modules for name in providers.get(module, [])})

