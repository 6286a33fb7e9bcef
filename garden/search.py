"""Full-text search: a Pagefind index of the built pages, written into the site's `pagefind/`.

Pagefind (the `pagefind[bin]` package) reads the pages as the build put them into the staging
folder (`garden/build/search_index.py` runs it when one of them changed); it indexes only the
part of a page marked `data-pagefind-body` (the article, without the parts marked
`data-pagefind-ignore`: backlinks and the source path) and writes its index and its
`pagefind.js`, which the header's search field (`garden.js`) loads. Pagefind is garden's tool, not
the garden's code, so `--no-exec` builds are indexed too.

The binary is run as a command (`pagefind --site … --output-path …`) with a time limit: its Python
service API waits forever for a reply when the binary dies, and answers one message per 0.1 s.
When it is missing the pages are made without the mark (`<body data-search>`) that makes
`garden.js` show the search field; when it fails they lose it. Either way the build still
succeeds, with one warning, and no page asks for an index that is not there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

from garden.attachments import FILES_DIR

INDEX_DIR = "pagefind"
TIMEOUT = 600  # seconds: Pagefind indexes thousands of pages a second
DONE_POLL_SECONDS = 0.05  # how often the wait for a running Pagefind looks whether it ended
EXCLUDED = ["svg", ".word-count"]  # figures' and diagrams' labels, `{{word-count}}`: no text of the page
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-*-ui.js", "pagefind-*-ui.css",  # Pagefind's own UIs:
          "pagefind-highlight.js")  # garden.js has its own
SEARCH_MARK = re.compile(rb"(<body\b[^>]*?)\s+data-search(?:=\"[^\"]*\")?(?=[\s/>])")


class SearchError(Exception):
    """Pagefind is missing or could not index the pages; the message is one line."""


def pagefind_binary() -> Path | None:
    """The Pagefind executable: `PAGEFIND_BINARY_PATH`, else the one `pagefind[bin]` installed, else PATH's."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        found = os.environ.get("PAGEFIND_BINARY_PATH") or shutil.which("pagefind")
        return Path(found) if found else None
    try:
        return get_executable()
    except OSError:
        return None


class SearchCancelled(Exception):
    """Indexing was stopped: a newer state of the site is to be indexed instead."""


def run_pagefind(site: Path, urls: list[str], output: Path | None = None,
                 cancel: threading.Event | None = None) -> None:
    """Index the pages at `urls` (paths below `site`) into `output` (default `site/pagefind/`).
    Setting `cancel` stops Pagefind (`SearchCancelled`), leaving its input beside `output` for the
    caller to remove with the folder.

    Pagefind indexes every page of the folder it is given: a folder of hard links to just these
    pages (copies where links fail), at the same paths, gives the same result URLs. It is made
    beside `output`: the pages are linked as they are now, and a page replaced later (never
    written through) does not change what is indexed."""
    binary = pagefind_binary()
    if binary is None:
        raise SearchError("pagefind is not installed (pip install 'pagefind[bin]')")
    output = output or site / INDEX_DIR
    source = output.parent / ".pagefind-input"
    try:
        for url in urls:
            if cancel is not None and cancel.is_set():
                raise SearchCancelled
            target = source / url
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / url, target)
            except OSError:
                shutil.copyfile(site / url, target)
        command = [str(binary), "--site", str(source), "--output-path", str(output), "--quiet"]
        for selector in EXCLUDED:
            command += ["--exclude-selectors", selector]
        returncode, stdout, stderr = _run(command, cancel)
    except SearchCancelled:
        raise  # the caller gives up the folder, with the input in it
    except BaseException:
        shutil.rmtree(source, ignore_errors=True)
        raise
    shutil.rmtree(source, ignore_errors=True)
    if returncode != 0:
        lines = [line.strip() for line in (stderr + "\n" + stdout).splitlines() if line.strip()]
        reason = next((line for line in lines if line.startswith("Error")), lines[0] if lines else "no output")
        raise SearchError(f"pagefind could not index the pages (exit status {returncode}: {reason})")
    for pattern in UNUSED:
        for path in output.glob(pattern):
            path.unlink()


def _run(command: list[str], cancel: threading.Event | None) -> tuple[int, str, str]:
    """Run Pagefind: its exit status and output; stopped the moment `cancel` is set, or after `TIMEOUT` s.
    A thread reads its output while this one waits on `cancel`, looking every `DONE_POLL_SECONDS`
    whether Pagefind ended: a newer build that cancels it never waits for a poll."""
    try:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                text=True, errors="replace")
    except OSError as error:
        raise SearchError(f"pagefind could not be started ({error.strerror or error})") from None
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(proc.communicate()), name="garden-pagefind", daemon=True)
    reader.start()
    deadline = time.monotonic() + TIMEOUT
    try:
        while reader.is_alive():
            if cancel is None:
                reader.join(DONE_POLL_SECONDS)
            elif cancel.wait(DONE_POLL_SECONDS):
                raise SearchCancelled
            if time.monotonic() > deadline:
                raise SearchError(f"pagefind did not finish indexing within {TIMEOUT} s")
    except BaseException as error:
        proc.kill()
        if not isinstance(error, SearchCancelled):  # else a newer build waits: the reader reaps the process
            reader.join()
        raise
    stdout, stderr = output
    return proc.returncode, stdout, stderr


def withdraw_search_field(site: Path) -> list[str]:
    """Take the search mark off every page of `site` (not off attachments), so no page shows a
    search field for an index that is not there; returns the paths changed. Each is replaced by a
    new file, never written through: it may be a hard link to a file of the previous site."""
    changed = []
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if relative.parts[0] == FILES_DIR:
            continue
        html = path.read_bytes()
        unmarked = SEARCH_MARK.sub(rb"\1", html, count=1)
        if unmarked != html:
            fresh = path.with_name(f".{path.name}.unmarked")
            fresh.write_bytes(unmarked)
            os.replace(fresh, path)
            changed.append(relative.as_posix())
    return changed
