"""doctest's option flags by name, with garden's own `TOLERANCE`, and `#| doctest:` directive lists."""

from __future__ import annotations

import doctest
import re

from garden.model import Directives

TOLERANCE = "TOLERANCE"  # numbers may differ within rtol/atol; on unless switched off
FLAGS: dict[str, int] = {**doctest.OPTIONFLAGS_BY_NAME, TOLERANCE: doctest.register_optionflag(TOLERANCE)}
NAMES: dict[int, str] = {flag: name for name, flag in FLAGS.items()}
_DIRECTIVE = re.compile(r"([+-])([A-Z_0-9]+)")


def parse_directives(text: str) -> Directives:
    """`+ELLIPSIS -TOLERANCE` (spaces or commas between) as ((name, on), ...)."""
    directives = []
    for word in text.replace(",", " ").split():
        match = _DIRECTIVE.fullmatch(word)
        if match is None or match.group(2) not in FLAGS:
            raise ValueError(f"expected doctest directives such as +ELLIPSIS or -{TOLERANCE}, got {word!r}")
        directives.append((match.group(2), match.group(1) == "+"))
    if not directives:
        raise ValueError("expected doctest directives such as +ELLIPSIS")
    return tuple(directives)
