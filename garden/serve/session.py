"""`garden serve` put together: the HTTP server, the watcher and the builder, started and stopped as one."""

from __future__ import annotations

import sys
import threading

from garden.config import Config
from garden.serve.builder import Console, LiveBuilder
from garden.serve.feed import ChangeFeed
from garden.serve.http import SiteServer
from garden.serve.watch import InputWatcher
from garden.build.options import BuildOptions

DEBOUNCE_MS = 1600  # at most this long, changes arriving one after another are gathered into one build
WAKE_SECONDS = 0.2  # how often the waiting main thread wakes to notice Ctrl+C


class LiveServer:
    """Serves a garden's site on `host`:`port` (0: a free port) and keeps it up to date.

    `start` builds, then serves and watches; `stop` (or leaving the `with` block) ends it all,
    leaving a complete site. Usable from a thread: nothing here depends on signals.
    """

    def __init__(self, config: Config, options: BuildOptions = BuildOptions(), *, host: str = "127.0.0.1",
                 port: int = 8000, debounce_ms: int = DEBOUNCE_MS, console: Console | None = None) -> None:
        self.config = config
        self.console = console or Console(sys.stdout, sys.stderr)
        self.feed = ChangeFeed()
        self.builder = LiveBuilder(config, options, self.feed, self.console)
        self.server = SiteServer(host, port, config.out_dir, self.feed)  # bound now: a taken port fails early
        self.watcher = InputWatcher(config, debounce_ms)
        self._stop = threading.Event()
        self._serving: threading.Thread | None = None
        self._rebuilding: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Where the site is served, such as `http://127.0.0.1:8000/`."""
        return self.server.url

    def start(self) -> LiveServer:
        """Build the site, then serve it and rebuild on every change of the garden (from the
        start of the first build on)."""
        self.watcher.start()
        self.builder.update()
        self._serving = threading.Thread(target=self.server.serve_forever, name="garden-http", daemon=True)
        self._rebuilding = threading.Thread(target=self._rebuild_on_changes, name="garden-rebuild", daemon=True)
        self._serving.start()
        self._rebuilding.start()
        return self

    def wait(self) -> None:
        """Block until `stop` is called, or Ctrl+C (KeyboardInterrupt) in the main thread.

        Waits in short steps: Ctrl+C may reach another thread, and Python acts on it only when
        the main thread wakes."""
        while not self._stop.wait(WAKE_SECONDS):
            pass

    def stop(self) -> None:
        """Stop watching, stop running code, close the event streams and the server."""
        self._stop.set()
        if self._rebuilding is not None:
            self._rebuilding.join()
        self.watcher.close()
        self.builder.close()
        self.feed.close()
        if self._serving is not None:
            self.server.shutdown()
            self._serving.join()
        self.server.server_close()
        self._serving = self._rebuilding = None

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _rebuild_on_changes(self) -> None:
        try:
            for changed in self.watcher.changes(self._stop):
                self.builder.update(changed)
        except Exception as error:  # the notes folder vanished, or cannot be watched
            self.console.error(f"garden: stopped watching the garden ({error}); the site is still served")
