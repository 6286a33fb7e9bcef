"""What a cached result depends on besides its code: garden's own source and package versions.

Each is read once and kept until `refresh_environment` (called as each build and each run starts)
sees that something it was read from changed: a garden source file, or the distributions a folder
on `sys.path` holds (installing or removing one adds or removes its `*.dist-info` folder there,
named with its version). So a long-lived process such as `garden serve` or a pytest session sees
packages installed, and garden edited, since it started, without reading every installed
distribution's metadata each build."""

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
INSTALLED = (".dist-info", ".egg-info", ".egg-link", ".pth")  # what installing a distribution leaves in a folder


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
_listed: dict[str, tuple[tuple, tuple]] = {}  # by folder on `sys.path`: its stat, and `_installed_in` it


def _stamp() -> tuple:
    """Modification times and sizes of garden's source files, and what distributions the folders
    on `sys.path` hold."""
    return tuple(map(_stat_of, _source_files())) + tuple((folder, _installed_in(folder)) for folder in sys.path)


def _installed_in(folder: str) -> tuple:
    """The entries installing distributions left in `folder` (`INSTALLED`): by name, which holds the
    version, and for `*.egg-info`, whose name does not, with its time too. Listed again only when the
    folder's own time changed, and a change of other entries (a garden's site folder, when the
    garden is on the path) changes nothing."""
    status = _stat_of(folder)
    listed = _listed.get(folder)
    if listed is None or listed[0] != status:
        try:
            names = sorted(name for name in os.listdir(folder) if name.endswith(INSTALLED))
        except OSError:
            names = []
        found = tuple(_stat_of(os.path.join(folder, name)) if name.endswith(".egg-info") else name for name in names)
        listed = _listed[folder] = (status, found)
    return listed[1]


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

