"""The one way `garden serve` builds: build the site, and say which of its files changed.

Today this is a full `build_site` and a comparison of the site's file hashes before and after;
an incremental build can take its place here without the rest of the server noticing.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from garden.config import Config
from garden.site import BuildOptions, BuildResult, build_site


@dataclass(frozen=True)
class SiteUpdate:
    """A finished build, and the site files it added, changed or removed (paths in the site, `/`-separated)."""

    result: BuildResult
    changed: frozenset[str]


def site_digests(site: Path) -> dict[str, str]:
    """The sha256 of every file of the site, by its path in the site (empty when there is no site)."""
    digests = {}
    for folder, _, files in os.walk(site):
        for name in files:
            path = Path(folder) / name
            try:
                digests[path.relative_to(site).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:  # replaced by a build of another process meanwhile: it counts as changed
                continue
    return digests


def rebuild(config: Config, options: BuildOptions, cancel: threading.Event | None = None) -> SiteUpdate:
    """Build the garden's site (see `build_site`) and report the files whose bytes changed."""
    before = site_digests(config.out_dir)
    result = build_site(config, options, cancel)
    after = site_digests(config.out_dir)
    changed = frozenset(path for path in before.keys() | after.keys() if before.get(path) != after.get(path))
    return SiteUpdate(result, changed)
