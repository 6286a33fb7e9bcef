"""What a build is asked to do, and what it reports."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from garden.diagnostics import Problem


DEFAULT_MAX_WORKERS = 4  # each worker comes to hold its own copy of much of the garden: 0.5 GB at 10,000 notes


def default_workers() -> int:
    """Processes a build may use unless told: one per core this process may run on, at most
    `DEFAULT_MAX_WORKERS`."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return min(cores, DEFAULT_MAX_WORKERS)


@dataclass(frozen=True)
class BuildOptions:
    """How to build: run the notes' code (or not), ignore cached results, take only what the result
    cache holds, or start from nothing."""

    execute: bool = True
    refresh: bool = False  # run every code block again
    cached_only: bool = False  # run nothing: blocks the result cache cannot answer show as pending
    clean: bool = False  # forget the build cache: parse every note and make every file
    live: bool = False  # `garden serve`: pages first, in place; the search index later (`Builder.index_search`)
    whole_later: bool = False  # a live build leaves the files about the whole garden (all pages, the graph, the
    # feed) as they were, for the next build to make (`BuildState.outdated`): the pages edited show sooner
    workers: int = 1  # processes that may parse notes and make files (forks: not in `garden serve`; `build.parallel`)


@dataclass
class BuildResult:
    """What a build produced, for the summary line (and for `garden serve`: which files changed)."""

    notes: int = 0
    ghosts: int = 0
    daily: int = 0
    pages: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    ran: int = 0
    cached: int = 0
    failures: list[Problem] = field(default_factory=list)
    rendered: int = 0  # HTML files made by this build (the others were kept as they were)
    changed: list[str] = field(default_factory=list)  # site paths of the files new or different
    removed: list[str] = field(default_factory=list)  # site paths of the files the site no longer has
    pending: int = 0  # code blocks a cached-only build left to run
    indexing: bool = False  # a live build left the search index to `Builder.index_search`
    outdated: int = 0  # files a live build left for the next build to make (`BuildOptions.whole_later`)
