"""The global names a python block reads and binds, found without running it."""

from __future__ import annotations

import symtable
import warnings
from collections.abc import Iterable, Iterator


def _tables(table: symtable.SymbolTable) -> Iterator[symtable.SymbolTable]:
    yield table
    for child in table.get_children():
        yield from _tables(child)


def _names(source: str) -> tuple[set[str], set[str]]:
    """(global names `source` reads anywhere, names it binds at its top level); none if it does not parse."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            top = symtable.symtable(source, "<block>", "exec")
        except (SyntaxError, ValueError):
            return set(), set()
    reads = {symbol.get_name() for table in _tables(top) for symbol in table.get_symbols()
             if symbol.is_referenced() and symbol.is_global()}
    binds = {symbol.get_name() for symbol in top.get_symbols() if symbol.is_assigned() or symbol.is_imported()}
    return reads, binds


def global_names(sources: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the global names the code in `sources` reads, those it binds at its top level), each sorted:
    a name read and bound by none of a note's blocks comes from the notes it uses (or builtins).

    >>> global_names(["import numpy as np\\ny = np.exp(x)", "def f():\\n    return y + z"])
    (('np', 'x', 'y', 'z'), ('f', 'np', 'y'))
    """
    reads: set[str] = set()
    binds: set[str] = set()
    for source in sources:
        found, bound = _names(source)
        reads |= found
        binds |= bound
    return tuple(sorted(reads)), tuple(sorted(binds))
