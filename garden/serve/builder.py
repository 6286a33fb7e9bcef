"""When `garden serve` builds: at once with the cached results, then again when the code has run.

A change of the garden stops code still running for an older state (newer builds win), builds
the site at once with what the cache holds (blocks that must run show as pending), and runs the
code in the background; when it finishes, a second build shows the results. The quick build
leaves the files about the whole garden (all pages, the graph, the feed) as they were, and a
second build makes them a moment later, unless the code's build does. Every build goes
through `rebuild` with one `Builder` for the server's life (each build remakes only what changed),
and its changed files go to the feed that open pages follow. The search index comes after, in the
background too (`Builder.index_search`), half a second after the build: the pages do not wait for
it (nor share the cores with it as they reload), and a newer change stops it.
The first time that background work ends, the server loads what the next build reads, if its
first build had nothing to do (`Builder.warm`), and takes it out of the collector's way.
A build that fails (a bad garden.toml, a broken template, a bug) is reported and leaves the last good site.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import threading
import traceback
from pathlib import Path

from garden.build.builder import Builder
from garden.build.options import BuildOptions
from garden.config import Config, load_config
from garden.emit import wait_for_discarded
from garden.run.executor import RunCancelled
from garden.search import SearchCancelled, SearchError
from garden.serve.collector import DeferredCollector
from garden.serve.console import Console
from garden.serve.feed import ChangeFeed
from garden.serve.rebuild import SiteUpdate, rebuild
from garden.stop_messages import STOPPING_ERRORS, internal_error_message, stop_message


SEARCH_AFTER_SECONDS = 0.5  # the pages reload on cores Pagefind does not take, and a burst of saves indexes once
WHOLE_GARDEN_AFTER_SECONDS = 0.2  # the same for the files about the whole garden a quick build left outdated


def reloaded(config: Config) -> Config:
    """`config` with garden.toml read again; the notes and output folders stay those the server started with."""
    return dataclasses.replace(load_config(config.root), notes_dir=config.notes_dir, out_dir=config.out_dir)


class LiveBuilder:
    """Builds a garden's site for `garden serve`, running its code in the background."""

    def __init__(self, config: Config, options: BuildOptions, feed: ChangeFeed, console: Console) -> None:
        self.config = config
        self.options = options
        self.feed = feed
        self.console = console
        self.builder = Builder(config, watched=True)
        self._cancel = threading.Event()
        self._background: threading.Thread | None = None
        self._settled = False  # whether the first build's background work ran to its end
        self._collector = DeferredCollector()

    def update(self, changed: set[Path] | None = None) -> None:
        """Bring the site up to date with the garden: at once with cached results, in the background
        with the code that must run. `changed`: the paths a watcher saw change since the last update
        (every change after the first update starts must be told so)."""
        self.stop_code()
        if changed:
            self.builder.notice(changed)
        try:
            config = reloaded(self.config)
        except STOPPING_ERRORS as error:
            self.console.error(f"{stop_message(error)} (still serving the last good site)")
            return
        self._collector.before_build()
        quick = self._build(config, dataclasses.replace(self.options, cached_only=True, whole_later=True))
        if quick is None:
            self._collector.collect()
            return
        self._cancel = threading.Event()
        self._background = threading.Thread(target=self._afterwards, args=(config, quick, self._cancel),
                                            name="garden-code", daemon=True)
        self._background.start()

    def stop_code(self) -> None:
        """Stop the code running and the search index made in the background, if any (nothing of
        either is shown or cached)."""
        self._cancel.set()
        if self._background is not None:
            self._background.join()
            self._background = None

    def close(self) -> None:
        """Stop the background work and save the build state for the next build."""
        self.stop_code()
        wait_for_discarded()
        self._collector.collect()
        try:
            self.builder.save()
        except OSError as error:
            self.console.error(f"garden: could not save the build state ({error})")

    def _afterwards(self, config: Config, quick: SiteUpdate, cancel: threading.Event) -> None:
        """Run the code the quick build left pending and bring the search index up to date; the first
        time this gets to the end, settle in (`_settle`). Once the work is done, and unless a newer
        build stopped it, the garbage of the builds since the last collection goes (`DeferredCollector`)."""
        self._code_and_search(config, quick, cancel)
        if cancel.is_set():
            return
        self._collector.collect()
        if not self._settled:
            self._settle(cancel)

    def _settle(self, cancel: threading.Event) -> None:
        """Load what the next build reads, if the first build had nothing to do (`Builder.warm`), then
        freeze what is loaded: it lives as long as the server, and builds leave it to the collector
        all at once (they pause it), which would walk it on the next build, for seconds at 10,000 notes."""
        try:
            self.builder.warm(cancel)
        except Exception as error:  # a bug in garden: the next build loads what it needs itself
            self._report_bug(error)
        if not cancel.is_set():
            gc.freeze()
            self._settled = True

    def _report_bug(self, error: Exception) -> None:
        self.console.error(traceback.format_exc().rstrip() if os.environ.get("GARDEN_DEBUG")
                           else internal_error_message(error))

    def _code_and_search(self, config: Config, quick: SiteUpdate, cancel: threading.Event) -> None:
        """Run the code the quick build left pending, or make the files about the whole garden it
        left outdated, then bring the search index up to date."""
        if quick.result.pending:
            if self._build(config, self.options, cancel) is None:
                return
        elif quick.result.outdated:
            if (cancel.wait(WHOLE_GARDEN_AFTER_SECONDS)
                    or self._build(config, dataclasses.replace(self.options, cached_only=True), cancel,
                                   whole_garden=True) is None):
                return
        if cancel.wait(SEARCH_AFTER_SECONDS):  # a newer change came: its build indexes the pages
            return
        try:
            changed = self.builder.index_search(cancel)
        except SearchCancelled:
            return
        except SearchError as error:
            self.console.error(f"pagefind: {error}; search shows the site as it was before")
            return
        except Exception as error:  # a bug in garden: the pages are served all the same
            self._report_bug(error)
            return
        if changed:
            self.feed.publish(changed)

    def _build(self, config: Config, options: BuildOptions, cancel: threading.Event | None = None,
               whole_garden: bool = False) -> SiteUpdate | None:
        """Build, report the build and publish the files it changed; None when it failed or was
        stopped. `whole_garden`: it makes the files about the whole garden a build left outdated."""
        self.builder.config = config
        try:
            update = rebuild(self.builder, options, cancel)
        except RunCancelled:
            return None
        except STOPPING_ERRORS as error:
            self.console.error(f"{stop_message(error)} (still serving the last good site)")
            return None
        except Exception as error:  # a bug in garden: the server goes on with the last good site
            self._report_bug(error)
            return None
        self.console.built(update, ran_code=not options.cached_only, whole_garden=whole_garden)
        if update.changed:
            self.feed.publish(update.changed)
        return update
