"""Syntax highlighting of code blocks with Pygments."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from html import escape

from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

LANGUAGE_ALIASES = {"neuron": "toml", "network": "toml", "pycon": "pycon", "output": "text"}
FORMATTER = HtmlFormatter(nowrap=True)
CODE_BACKGROUND = {"light": "#f3f1ea", "dark": "#202328"}  # style.css's --code-bg in each colour scheme
MIN_CONTRAST = 4.6  # WCAG AA asks 4.5 of text; a little more survives rounding
RULE = re.compile(r"^(?P<selector>[^{]*)\{(?P<body>[^}]*)\}", re.MULTILINE)
COLOR = re.compile(r"(?<![-\w])color:\s*#(?P<hex>[0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b")
BACKGROUND = re.compile(r"background(?:-color)?:\s*#(?P<hex>[0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b")


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


def _rgb(hex_color: str) -> tuple[float, float, float]:
    digits = hex_color if len(hex_color) == 6 else "".join(c * 2 for c in hex_color)
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    """Relative luminance, as WCAG defines it."""
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(hex_color: str, background: str) -> str:
    """`hex_color` (`#rrggbb`), moved towards black on a light background or white on a dark one
    until it reads as text on `background` (WCAG AA); unchanged if it already does."""
    color, back = _rgb(hex_color.lstrip("#")), _rgb(background.lstrip("#"))
    toward = 0.0 if _luminance(back) > 0.18 else 1.0
    step = 0
    while _contrast(color, back) < MIN_CONTRAST and step < 50:
        step += 1
        color = tuple(c + (toward - c) * 0.05 for c in color)  # type: ignore[assignment]
    return "#" + "".join(f"{round(c * 255):02x}" for c in color)


def _readable_css(css: str, background: str) -> str:
    """Pygments rules whose text colours all read on `background` (or on the rule's own background)."""
    def rule(match: re.Match) -> str:
        own = BACKGROUND.search(match["body"])
        back = f"#{own['hex']}" if own else background
        body = COLOR.sub(lambda c: f"color: {readable(c['hex'], back)}", match["body"])
        return f"{match['selector']}{{{body}}}"
    return RULE.sub(rule, css)


@cache
def pygments_css() -> str:
    """Token colours for light mode, and for dark mode inside a media query; each token colour
    reads on the page's code background (WCAG AA contrast). Made once a process: it depends only on
    the Pygments this process imported."""
    light = _readable_css(HtmlFormatter(style="friendly").get_style_defs(".highlight"), CODE_BACKGROUND["light"])
    dark = _readable_css(HtmlFormatter(style="monokai").get_style_defs(".highlight"), CODE_BACKGROUND["dark"])
    dark_rules = "\n".join(line for line in dark.splitlines() if not line.startswith(("pre", "td.", "span.linenos")))
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark_rules}\n}}\n"
