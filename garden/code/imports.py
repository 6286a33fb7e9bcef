"""The top-level modules a python block imports, found without running it."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable, Iterator


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
