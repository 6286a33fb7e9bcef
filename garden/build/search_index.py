"""The site's search index: Pagefind (`garden/search.py`) run over the staged note pages when one
of them changed, else the last build's index kept as it is.

Pagefind reads the pages' bytes and nothing else, so the same pages, read by the same binary, give
the same index: it runs again when the set of indexed pages, the bytes of one of them (the
digests the assembly keeps of every file) or the binary changed. It cannot index one page alone,
so one changed note page means a whole new index. When Pagefind fails, the pages' search mark is
taken off in the staging folder and the build's state is spoilt: the next build makes every file.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from pathlib import Path

from garden.build.assembly import SiteAssembly
from garden.build.state import FileStamp, Output, SearchIndex
from garden.diagnostics import Problem
from garden.emit import SiteWriter
from garden.search import INDEX_DIR, SearchError, run_pagefind, withdraw_search_field


def _binary_stamp(binary: Path) -> tuple:
    try:
        status = os.stat(binary)
    except OSError:
        return str(binary), None
    return str(binary), status.st_size, status.st_mtime_ns, status.st_ino


def _file_digest(path: Path) -> bytes:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()


def index_pages(made: SiteAssembly, writer: SiteWriter, urls: list[str], binary: Path | None,
                previous: SearchIndex | None) -> SearchIndex | None:
    """Index the note pages at `urls` (already in the staging folder) with `binary`; None when there is
    no index (no pages, or Pagefind failed). `previous` is the last build's index, kept when nothing it
    was made from changed and its files are as that build wrote them."""
    if not urls:
        return None
    if binary is None:
        made.found.add(Problem("pagefind", None, "pagefind is not installed (pip install 'pagefind[bin]'); "
                                                 "the site has no search"))
        return None
    material = (_binary_stamp(binary), [(url, made.outputs[url].digest) for url in urls])
    key = hashlib.blake2b(repr(material).encode("utf-8", "backslashreplace"), digest_size=16).digest()
    if previous is not None and previous.key == key and all(
            path in made.before and made.intact(made.before[path], path) for path in previous.files):
        for path in previous.files:
            writer.keep(path)
            made.outputs[path] = made.before[path]
        return previous
    index = writer.staging / INDEX_DIR
    pages = {path for path in index.rglob("*") if path.is_file()}  # notes whose pages sit in pagefind/
    try:
        run_pagefind(writer.staging, urls)
    except SearchError as error:
        made.found.add(Problem("pagefind", None, f"{error}; the site has no search"))
        made.spoilt = True
        for path in withdraw_search_field(writer.staging):
            output, written = made.outputs[path], writer.staging / path
            made.outputs[path] = Output(output.reads, output.problems, _file_digest(written), FileStamp.of(written))
            if path not in made.changed:
                made.changed.append(path)
        return None
    files = []
    for path in sorted(path for path in index.rglob("*") if path.is_file() and path not in pages):
        relative = path.relative_to(writer.staging).as_posix()
        before, digest = made.before.get(relative), _file_digest(path)
        made.outputs[relative] = Output(array("I"), (), digest, FileStamp.of(path))
        if before is None or before.digest != digest:
            made.changed.append(relative)
        files.append(relative)
    return SearchIndex(key, tuple(files))
