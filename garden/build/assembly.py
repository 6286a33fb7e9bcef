"""The new site, file by file: each kept from the last site (a hard link) or made and written, and
what making it read and found remembered for the next build."""

from __future__ import annotations

import hashlib
from array import array
from dataclasses import dataclass
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


class SiteAssembly:
    """The files of one build's site as they are decided: kept from the last site, or made."""

    def __init__(self, out_dir: Path, previous: BuildState | None, reusable: bool, trusted: bool = False) -> None:
        self.out_dir = out_dir
        self.trusted = trusted  # the site is as `previous` says, file for file: no need to look
        self.before = previous.outputs if previous is not None else {}
        self.reusable = reusable
        self.table = previous.table.copy() if previous is not None and reusable else KeyTable()
        self.outputs: dict[str, Output] = {}
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

    def kept(self, product: Product, stale: set[str]) -> Output | None:
        """What the last build recorded of the product's file, when that file can stay as it is: no
        answer it read changed (its path is not in `stale`: `ReadIndex.readers`), and it is intact."""
        before = self.before.get(product.path)
        if (self.reusable and product.traced and before is not None and product.path not in stale
                and self.intact(before, product.path)):
            return before
        return None

    def keep(self, path: str, before: Output, writer: Writer) -> None:
        """Keep the file at `path` as the last build wrote it (`kept`)."""
        if before.stamp is not None and not self.trusted:  # a site updated in place keeps it where it is
            writer.keep(path)
        self.outputs[path] = before
        if before.problems:
            self.found.update(before.problems)

    def record(self, product: Product, made: Made, writer: Writer) -> None:
        """Remember what making the product read and found, and write its file when its bytes changed."""
        self.rendered += product.path.endswith(".html")
        reads = array("I", sorted(self.table.id_of(key, digest) for key, digest in made.reads))
        digest, stamp = self._write(writer, product.path, made.content, self.before.get(product.path))
        self.outputs[product.path] = Output(reads, tuple(sorted(made.problems, key=problem_order)), digest, stamp)
        self.remade.append(product.path)
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
        gone = self.before.keys() - self.outputs.keys()  # a kept file keeps its stamp: only a made one may lose it
        emptied = (path for path in self.remade if self.outputs[path].stamp is None and path in self.before)
        self.removed = sorted(path for path in [*gone, *emptied] if self.before[path].stamp is not None)
        self.problems = sorted(self.found, key=problem_order)


def problem_order(problem: Problem) -> tuple[str, int, str]:
    return problem.path, problem.line or 0, problem.message
