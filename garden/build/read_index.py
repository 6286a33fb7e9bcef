"""Which files of the last site read a key: the inverse of the files' reads (`Output.reads`), so
that a build finds the files a few changed answers touch without looking at each of the site's
tens of thousands of files.

The index is made from one build's state in numpy arrays (every read, sorted by key, beside the
file that made it, so the readers of a key are one slice found by bisection) and kept across the
builds of one process (`garden serve`) that follow from it: files made again since are looked at
directly, and the index is made anew when they grow many, when asked about another state, or once
the state's table renumbered its keys (`KeyTable.numbering`, which saving the state may do).
"""

from __future__ import annotations

import numpy as np

from garden.build.state import BuildState

REMAKE_SHARE = 8  # made anew once more than one file in this many was made again since


class ReadIndex:
    """The files of one build's outputs that read each key, by the key's number; kept up to date
    with the builds made from that build (`advance`)."""

    def __init__(self) -> None:
        self._state: BuildState | None = None  # the state whose outputs the index answers for
        self._numbering: str | None = None  # the numbering of its table when the index was made
        self._paths: list[str] = []
        self._keys = np.zeros(0, dtype=np.uintc)  # every file's reads, sorted by key
        self._owners = np.zeros(0, dtype=np.int32)  # the number (in `_paths`) of the file of each read
        self._remade: set[str] = set()  # files made again since the index was made: looked at directly

    def readers(self, state: BuildState, stale: set[int]) -> set[str]:
        """The paths of the files of `state` that read a key in `stale`."""
        if not stale:
            return set()
        self.index(state)
        outputs = state.outputs
        keys = np.fromiter(stale, dtype=self._keys.dtype, count=len(stale))
        starts = np.searchsorted(self._keys, keys, side="left")
        counts = np.searchsorted(self._keys, keys, side="right") - starts
        firsts = np.cumsum(counts) - counts  # where each key's slice begins among the slices put end to end
        positions = np.arange(counts.sum()) + np.repeat(starts - firsts, counts)
        owners = np.unique(self._owners[positions]).tolist()
        found = {path for path in map(self._paths.__getitem__, owners) if path not in self._remade}
        found.update(path for path in self._remade if path in outputs and not stale.isdisjoint(outputs[path].reads))
        return found

    def index(self, state: BuildState) -> None:
        """Make the index of `state` now, unless the one kept answers for it (`garden serve` makes it
        in the background, so that the first edit does not wait for it)."""
        if (state is not self._state or state.table.numbering != self._numbering
                or len(self._remade) * REMAKE_SHARE > len(self._paths)):
            self._make(state)

    def advance(self, before: BuildState, after: BuildState, remade: list[str]) -> None:
        """`after` is `before` with the files at `remade` made again (the others kept as they were)."""
        if before is self._state:
            self._state = after
            self._remade.update(remade)

    def _make(self, state: BuildState) -> None:
        outputs = state.outputs
        self._paths = [path for path, output in outputs.items() if len(output.reads)]
        arrays = [outputs[path].reads for path in self._paths]
        lengths = np.fromiter(map(len, arrays), dtype=np.intp, count=len(arrays))
        reads = np.frombuffer(b"".join([reads.tobytes() for reads in arrays]), dtype=np.uintc)
        owners = np.repeat(np.arange(len(self._paths), dtype=np.int32), lengths)
        order = np.argsort(reads, kind="stable")
        self._keys, self._owners = reads[order], owners[order]
        self._state, self._numbering, self._remade = state, state.table.numbering, set()
