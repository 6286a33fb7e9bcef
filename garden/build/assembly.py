"""The new site, file by file: each kept from the last site (a hard link) or made and written, and
what making it read and found remembered for the next build."""

from __future__ import annotations

import hashlib
from array import array
from itertools import chain
from operator import attrgetter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from garden.build.products import FileCopy, Product
from garden.build.state import BuildState, FileStamp, KeyTable, Output
from garden.diagnostics import Problem
from garden.emit import Writer, as_bytes
from garden.render.reads import Key
from garden.render.view import GardenView


@dataclass(frozen=True)
class Made:
    """A product made: its content (None: no file), each question it read with the digest of its
    answer (none for an untraced product), and the problems it found. Plain data: the processes of a
    parallel build (`garden.build.parallel`) send it back."""

    content: bytes | FileCopy | None
    reads: tuple[tuple[Key, bytes], ...]
    problems: frozenset[Problem]


def make_product(product: Product, view: GardenView) -> Made:
    """Make the product's content, reading the garden through `view`."""
    with view.log.capture() as capture:
        content = product.make()
    reads = tuple((key, view.digests[key]) for key in capture.keys) if product.traced else ()
    data = content if content is None or isinstance(content, FileCopy) else as_bytes(content)
    return Made(data, reads, frozenset(capture.problems))


def content_digest(data: bytes) -> bytes:
    """The digest a file of the site is recorded with: of its bytes."""
    return hashlib.blake2b(data, digest_size=16).digest()


class Listing:
    """The files of a site as listed (`garden.build.products`), with where each path is in the list
    and which products are untraced (made by every build), worked out once per listing."""

    def __init__(self, files: list[Product]) -> None:
        self.files = files

    @cached_property
    def positions(self) -> dict[str, int]:
        return {product.path: number for number, product in enumerate(self.files)}

    @cached_property
    def untraced(self) -> list[int]:
        return [number for number, product in enumerate(self.files) if not product.traced]


class SiteAssembly:
    """The files of one build's site as they are decided: kept from the last site, or made."""

    def __init__(self, out_dir: Path, previous: BuildState | None, reusable: bool, trusted: bool = False) -> None:
        self.out_dir = out_dir
        self.trusted = trusted  # the site is as `previous` says, file for file: no need to look
        self.before = previous.outputs if previous is not None else {}
        self.reusable = reusable
        self.table = previous.table.change() if previous is not None and reusable else KeyTable()
        self.outputs: dict[str, Output] = {}
        self.flagged_before = previous.flagged if previous is not None else frozenset()
        self.flagged: set[str] = set()  # the paths of the outputs that found problems
        self.carried = False  # whether the outputs started as the last build's (`carry`)
        self.dropped: list[str] = []  # the paths of files carried over, then not kept (`drop_files`)
        self.found: set[Problem] = set()
        self.rendered = 0
        self.changed: list[str] = []
        self.removed: list[str] = []
        self.remade: list[str] = []  # the paths of the files made (not kept) by this build
        self.problems: list[Problem] = []
        self.spoilt = False  # a file was changed after it was recorded: the next build must make every file

    def intact(self, output: Output, path: str) -> bool:
        """Whether the old site's file at `path` is the one the last build wrote (taken as read when
        the site is `trusted`)."""
        return self.trusted or FileStamp.of(self.out_dir / path) == output.stamp

    def all_intact(self, paths: tuple[str, ...]) -> bool:
        """Whether the last build wrote a file at each of `paths`, and each is still the one it wrote
        (`carry` took over every file that build recorded: these too)."""
        before = self.before
        if self.carried:
            return True
        if self.trusted:
            return all(map(before.__contains__, paths))
        return all(path in before and self.intact(before[path], path) for path in paths)

    def split(self, files: list[Product], stale: set[str]) -> tuple[dict[str, Output], list[Product]]:
        """The files that stay as the last build wrote them, with what it recorded of each (no answer
        they read changed: their paths are not in `stale`, `ReadIndex.readers`; and they are intact),
        and the products to make."""
        if not self.reusable:
            return {}, list(files)
        before = self.before
        if self.trusted:  # nothing to look at: worked out in bulk, as a serve build at 10,000 notes wants it
            paths = list(map(attrgetter("path"), files))
            remake = stale | (set(paths) - before.keys())
            to_make = [product for product in files if not product.traced or product.path in remake]
            kept = dict(zip(paths, map(before.get, paths)))
            for product in to_make:
                kept.pop(product.path, None)
            return kept, to_make
        kept: dict[str, Output] = {}
        to_make: list[Product] = []
        for product in files:
            path = product.path
            output = before.get(path) if product.traced and path not in stale else None
            if output is not None and self.intact(output, path):
                kept[path] = output
            else:
                to_make.append(product)
        return kept, to_make

    def carry(self, listing: Listing, stale: set[str]) -> list[Product]:
        """For a `trusted` build whose files are those the last build listed and recorded: every file
        stays as that build wrote it, with what it recorded, but the products returned (the
        untraced ones and those at paths in `stale`), to make. Does in a few copies what `split` and
        `keep` do file by file."""
        positions = listing.positions
        numbers = set(listing.untraced)
        numbers.update(positions[path] for path in stale if path in positions)
        to_make = [listing.files[number] for number in sorted(numbers)]
        # each product made is recorded in its entry's place: a dict without holes copies in bulk next time
        self.outputs, self.carried = dict(self.before), True
        self.flagged = set(self.flagged_before.difference(product.path for product in to_make))
        self.found.update(chain.from_iterable(self.before[path].problems for path in self.flagged))
        return to_make

    def keep(self, kept: dict[str, Output], writer: Writer) -> None:
        """Keep the files at these paths as the last build wrote them, with what it recorded (`split`)."""
        if not self.trusted:  # a site updated in place keeps them where they are
            for path, before in kept.items():
                if before.stamp is not None:
                    writer.keep(path)
        self.outputs.update(kept)
        flagged = [path for path, output in kept.items() if output.problems]
        self.flagged.update(flagged)
        self.found.update(chain.from_iterable(kept[path].problems for path in flagged))

    def keep_files(self, paths: tuple[str, ...], writer: Writer) -> None:
        """Keep the files at these paths, which no product makes and which found no problem (the search
        index's), as the last build wrote them."""
        if not self.trusted:
            for path in paths:
                writer.keep(path)
        if not self.carried:  # else they are there already
            self.outputs.update(zip(paths, map(self.before.__getitem__, paths)))

    def drop_files(self, paths: tuple[str, ...]) -> None:
        """The files at these paths, which no product makes, are not kept: they go from what `carry`
        carried over (a site assembled file by file has only the files it kept or made)."""
        if self.carried:
            for path in paths:
                if self.outputs.pop(path, None) is not None:
                    self.dropped.append(path)

    def record(self, product: Product, made: Made, writer: Writer) -> None:
        """Remember what making the product read and found, and write its file when its bytes changed."""
        self.rendered += product.path.endswith(".html")
        reads = array("I", sorted(self.table.id_of(key, digest) for key, digest in made.reads))
        digest, stamp = self._write(writer, product.path, made.content, self.before.get(product.path))
        self.outputs[product.path] = Output(reads, tuple(sorted(made.problems, key=problem_order)), digest, stamp)
        self.remade.append(product.path)
        if made.problems:
            self.flagged.add(product.path)
        self.found |= made.problems

    def _write(self, writer: Writer, path: str, content: bytes | FileCopy | None, before: Output | None
               ) -> tuple[bytes | None, FileStamp | None]:
        if content is None:
            return None, None
        if isinstance(content, FileCopy):
            data, digest = None, content.digest.encode()
        else:
            data, digest = content, content_digest(content)
        if before is not None and before.digest == digest and self.intact(before, path):
            written = writer.keep(path)
        else:
            written = (writer.copy_file(content.source, path) if isinstance(content, FileCopy)
                       else writer.write(path, data))
            self.changed.append(path)
        return digest, FileStamp.of(written)

    def finish(self) -> None:
        """Once every file is decided: what the site no longer has, and every problem the files found, in order."""
        # a kept file keeps its stamp: only a made one may lose it
        gone = ([path for path in self.dropped if path not in self.outputs] if self.carried
                else self.before.keys() - self.outputs.keys())
        emptied = (path for path in self.remade if self.outputs[path].stamp is None and path in self.before)
        self.removed = sorted(path for path in [*gone, *emptied] if self.before[path].stamp is not None)
        self.problems = sorted(self.found, key=problem_order)


def problem_order(problem: Problem) -> tuple[str, int, str]:
    return problem.path, problem.line or 0, problem.message
