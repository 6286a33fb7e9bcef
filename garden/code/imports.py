"""The top-level modules a block imports, found without running it: a python block's import
statements, a network block's data set."""

from __future__ import annotations

import ast
import tomllib
import warnings
from collections.abc import Iterable, Iterator

from garden.model import DATASET_MODULES


def _modules(source: str) -> Iterator[str]:
    """Top-level names of the absolute imports anywhere in `source` (none if it does not parse).

    Parsing is silent: what the compiler warns about (`"\\%"` is a SyntaxWarning since Python 3.12)
    is for the block's run to report, not for the build's output.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.partition(".")[0]


def imported_modules(sources: Iterable[str]) -> tuple[str, ...]:
    """Sorted top-level modules that the code in `sources` imports (relative imports ignored).

    >>> imported_modules(["import numpy.linalg as la\\nfrom os import path", "from . import x"])
    ('numpy', 'os')
    """
    return tuple(sorted({module for source in sources for module in _modules(source)}))


def spec_imports(source: str) -> tuple[str, ...]:
    """The module a network block's `[train]` data set comes from, if a package ships it (none when
    the spec does not parse, nested too deep included: running it reports that).

    >>> spec_imports('layers = [64, 10]\\n[train]\\ndata = "digits"\\n')
    ('sklearn',)
    >>> spec_imports('layers = [2, 1]\\n[train]\\ndata = "xor"\\n'), spec_imports('[train')
    ((), ())
    """
    try:
        train = tomllib.loads(source).get("train")
    except (tomllib.TOMLDecodeError, RecursionError):
        return ()
    data = train.get("data") if isinstance(train, dict) else None
    return (DATASET_MODULES[data],) if isinstance(data, str) and data in DATASET_MODULES else ()
