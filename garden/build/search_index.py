"""The site's search index: Pagefind (`garden/search.py`) run over the staged note pages when one
of them changed, else the last build's index kept as it is.

Pagefind reads the pages' bytes and nothing else, so the same pages, read by the same binary, give
the same index: it runs again when the set of indexed pages, the bytes of one of them (the
digests the assembly keeps of every file) or the binary changed. It cannot index one page alone,
so one changed note page means a whole new index. When Pagefind fails, the pages' search mark is
taken off in the staging folder and the build's state is spoilt: the next build makes every file.

A live build (`garden serve`) does not wait for it, nor look at whether a page changed: it keeps the
last index as it is, and leaves the new one (`PendingIndex`) to `index_later`, which the server runs
once the pages are in place, and which runs Pagefind only when the indexed pages changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from array import array
from pathlib import Path

from garden.build.assembly import SiteAssembly, content_digest
from garden.build.state import BuildState, FileStamp, Output, PendingIndex, SearchIndex
from garden.diagnostics import Problem
from garden.emit import Writer, discard, staging_folder
from garden.render.reads import digest_of
from garden.search import INDEX_DIR, SearchCancelled, SearchError, pagefind_binary, run_pagefind, withdraw_search_field


NO_FILE = bytes(16)  # stands for the digest of a page that gave no file


def _binary_stamp(binary: Path) -> tuple:
    try:
        status = os.stat(binary)
    except OSError:
        return str(binary), None
    return str(binary), status.st_size, status.st_mtime_ns, status.st_ino


def _file_digest(path: Path) -> bytes:
    return content_digest(path.read_bytes())


def _index_key(binary: Path, urls: list[str], outputs: dict[str, Output]) -> bytes:
    """A digest of what the index is made from: the binary, and each page's URL and bytes (their digest)."""
    hasher = hashlib.blake2b(digest_of((_binary_stamp(binary), len(urls))), digest_size=16)
    hasher.update("\0".join(urls).encode("utf-8", "surrogateescape"))  # no path holds a NUL
    hasher.update(b"".join([outputs[url].digest or NO_FILE for url in urls]))  # 16 bytes each: pages are made, not copied
    return hasher.digest()


def index_pages(made: SiteAssembly, writer: Writer, urls: list[str], binary: Path | None,
                previous: SearchIndex | None, later: bool = False) -> tuple[SearchIndex | None, PendingIndex | None]:
    """Index the note pages at `urls` (already in the staging folder) with `binary`: the index in the
    site (None when there is none: no pages, or Pagefind failed), and the one left to make. `previous`
    is the last build's index, kept when nothing it was made from changed and its files are as that
    build wrote them; kept too, with the new one left to make, when `later`. The files of an index
    not kept are not in the new site, even where `SiteAssembly.carry` carried them over."""
    key = None
    if previous is not None and urls and binary is not None and made.all_intact(previous.files):
        if later:  # whether the pages changed is worked out after the build too (`index_later`)
            made.keep_files(previous.files, writer)
            return previous, PendingIndex(tuple(urls))
        key = _index_key(binary, urls, made.outputs)
        if previous.key == key:
            made.keep_files(previous.files, writer)
            return previous, None
    if previous is not None:
        made.drop_files(previous.files)
    if not urls:
        return None, None
    if binary is None:
        made.found.add(Problem("pagefind", None, "pagefind is not installed (pip install 'pagefind[bin]'); "
                                                 "the site has no search"))
        return None, None
    return _index(made, writer, urls, key or _index_key(binary, urls, made.outputs)), None


def _index(made: SiteAssembly, writer: Writer, urls: list[str], key: bytes) -> SearchIndex | None:
    """Run Pagefind over the staged pages; on failure, take the search field off them."""
    index = writer.staging / INDEX_DIR
    pages = {path for path in made.outputs if path.startswith(f"{INDEX_DIR}/")}  # notes whose pages sit in pagefind/
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
    for path in sorted(path for path in index.rglob("*") if path.is_file()):
        relative = path.relative_to(writer.staging).as_posix()
        if relative in pages:
            continue
        before, digest = made.before.get(relative), _file_digest(path)
        made.outputs[relative] = Output(array("I"), (), digest, FileStamp.of(path))
        if before is None or before.digest != digest:
            made.changed.append(relative)
        files.append(relative)
    return SearchIndex(key, tuple(files))


ENTRY = "pagefind-entry.json"  # names the other files of the index: replaced last


def index_later(out_dir: Path, state: BuildState, cancel: threading.Event | None = None) -> list[str]:
    """Make the index a live build left to make (`state.indexing`) from the pages in the site, and put
    it in place of the old one, file by file (the entry file, which names the others, last: searches
    go on working throughout); `state` then says so. Returns the site files changed. Raises
    `SearchError` when Pagefind fails (the old index stays), `SearchCancelled` when `cancel` is set."""
    pending = state.indexing
    if pending is None:
        return []
    binary = pagefind_binary()
    key = _index_key(binary, list(pending.urls), state.outputs) if binary is not None else None
    if key is not None and state.search is not None and state.search.key == key:  # the same pages: the same index
        state.indexing = None
        return []
    work = Path(tempfile.mkdtemp(prefix=staging_folder(out_dir), dir=out_dir.parent))  # removed by `recover` if killed
    try:
        made = work / INDEX_DIR
        run_pagefind(out_dir, list(pending.urls), made, cancel)
        changed, files = [], []
        for path in sorted((path for path in made.rglob("*") if path.is_file()), key=lambda path: path.name == ENTRY):
            relative = (INDEX_DIR / path.relative_to(made)).as_posix()
            target, digest, before = out_dir / relative, _file_digest(path), state.outputs.get(relative)
            if before is None or before.digest != digest or FileStamp.of(target) != before.stamp:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                state.outputs[relative] = Output(array("I"), (), digest, FileStamp.of(target))
                changed.append(relative)
            files.append(relative)
    except SearchCancelled:
        discard(work, out_dir)  # a newer build waits for this to stop: it need not wait for the files to go
        raise
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    gone = set(state.search.files if state.search else ()).difference(files)
    for relative in sorted(gone):
        (out_dir / relative).unlink(missing_ok=True)
        changed.append(relative)
    if gone:  # made anew rather than popped from: a dict without holes, which the next live build copies in bulk
        state.outputs = {path: output for path, output in state.outputs.items() if path not in gone}
    state.search, state.indexing = SearchIndex(key, tuple(files)), None
    return changed
