"""The top-level modules a python code block imports, found without running it (stdlib only)."""

from __future__ import annotations

import ast
import doctest
import re
from collections.abc import Iterator

PROMPT = re.compile(r"^[ ]*>>>", re.MULTILINE)
PARSER = doctest.DocTestParser()


def _example_sources(code: str) -> Iterator[str]:
    """The source of each `>>>` example in `code`, prompts stripped; malformed examples are skipped."""
    for chunk in re.split(r"(?m)^(?=[ ]*>>>)", code.expandtabs()):
        try:
            yield from (example.source for example in PARSER.get_examples(chunk))
        except ValueError:
            continue


def _modules(source: str) -> Iterator[str]:
    """Top-level names of the absolute imports anywhere in `source` (none if it does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.partition(".")[0]


def imported_modules(code: str) -> tuple[str, ...]:
    """Sorted top-level modules that `code` imports, read from each example when it is written as
    `>>>` examples; relative imports are ignored.

    >>> imported_modules("import numpy.linalg as la\\nfrom os import path\\nfrom . import x")
    ('numpy', 'os')
    """
    sources = _example_sources(code) if PROMPT.search(code.expandtabs()) else [code]
    return tuple(sorted({module for source in sources for module in _modules(source)}))
