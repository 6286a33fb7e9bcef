"""The one way `garden serve` builds: an incremental build (`garden.build.builder.Builder`, the
path `garden build` takes too), and the site files it changed."""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass

from garden.build.builder import Builder
from garden.build.options import BuildOptions, BuildResult


@dataclass(frozen=True)
class SiteUpdate:
    """A finished build, and the site files it added, changed or removed (paths in the site, `/`-separated)."""

    result: BuildResult
    changed: frozenset[str]


def rebuild(builder: Builder, options: BuildOptions, cancel: threading.Event | None = None) -> SiteUpdate:
    """Build the garden's site with `builder` (which keeps what the builds before made), live: the
    changed files in place, the search index left to `Builder.index_search`; report the files whose
    bytes changed."""
    result = builder.build(dataclasses.replace(options, live=True), cancel)
    return SiteUpdate(result, frozenset(result.changed) | frozenset(result.removed))
