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
from pathlib import Path

from garden.attachments import FILES_DIR

INDEX_DIR = "pagefind"
TIMEOUT = 600  # seconds: Pagefind indexes thousands of pages a second
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


def run_pagefind(site: Path, urls: list[str]) -> None:
    """Index the pages at `urls` (paths below `site`) into `site/pagefind/`.

    Pagefind indexes every page of the folder it is given: a folder of hard links to just these
    pages (copies where links fail), at the same paths, gives the same result URLs."""
    binary = pagefind_binary()
    if binary is None:
        raise SearchError("pagefind is not installed (pip install 'pagefind[bin]')")
    source = site / ".pagefind-input"
    try:
        for url in urls:
            target = source / url
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(site / url, target)
            except OSError:
                shutil.copyfile(site / url, target)
        command = [str(binary), "--site", str(source), "--output-path", str(site / INDEX_DIR), "--quiet"]
        for selector in EXCLUDED:
            command += ["--exclude-selectors", selector]
        try:
            proc = subprocess.run(command, check=False, capture_output=True, text=True, errors="replace",
                                  timeout=TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise SearchError(f"pagefind did not finish indexing within {TIMEOUT} s") from None
        except OSError as error:
            raise SearchError(f"pagefind could not be started ({error.strerror or error})") from None
    finally:
        shutil.rmtree(source, ignore_errors=True)
    if proc.returncode != 0:
        lines = [line.strip() for line in (proc.stderr + "\n" + proc.stdout).splitlines() if line.strip()]
        reason = next((line for line in lines if line.startswith("Error")), lines[0] if lines else "no output")
        raise SearchError(f"pagefind could not index the pages (exit status {proc.returncode}: {reason})")
    for pattern in UNUSED:
        for path in (site / INDEX_DIR).glob(pattern):
            path.unlink()


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
