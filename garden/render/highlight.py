"""Syntax highlighting of code blocks with Pygments."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LANGUAGE_ALIASES = {"neuron": "toml", "network": "toml", "pycon": "pycon", "output": "text"}
FORMATTER = HtmlFormatter(nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language: str):
    try:
        return get_lexer_by_name(LANGUAGE_ALIASES.get(language, language))
    except ClassNotFound:
        return None


def highlight_code(code: str, language: str) -> str:
    """Highlighted HTML (spans, no wrapper) for `code`; escaped plain text if unknown."""
    lexer = _lexer(language.lower()) if language else None
    if lexer is None:
        return escape(code)
    return pygments_highlight(code, lexer, FORMATTER)


def pygments_css() -> str:
    """Token colours for light mode, and for dark mode inside a media query and `.dark`."""
    light = HtmlFormatter(style="friendly").get_style_defs(".highlight")
    dark = HtmlFormatter(style="monokai").get_style_defs(".highlight")
    dark_rules = "\n".join(line for line in dark.splitlines() if not line.startswith(("pre", "td.", "span.linenos")))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark_rules}\n}}\n"
