"""LaTeX to MathML with latex2mathml: no JavaScript needed to show formulas.

latex2mathml builds an element tree but returns it with its text unescaped, so text-mode
LaTeX (`\\text{<script>…}`) would become markup. garden serialises the tree itself, escaping
every text, and passes the MathML through the sanitiser (no `href`, `style` or foreign elements).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape, unescape
from xml.etree.ElementTree import tostring

from latex2mathml.converter import convert_to_element

from garden.render.sanitize import sanitize


def _mathml(latex: str, display: bool) -> str:
    """The MathML of `latex`, every text node escaped (latex2mathml stores entities as text)."""
    root = convert_to_element(latex, display="block" if display else "inline")
    for element in root.iter():
        element.text = unescape(element.text) if element.text else element.text
        element.tail = unescape(element.tail) if element.tail else element.tail
        for name, value in element.attrib.items():
            element.attrib[name] = unescape(value)
    return sanitize(tostring(root, encoding="unicode"))


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool) -> tuple[str, str | None]:
    """(MathML, None), or (an escaped fallback, error message) when the LaTeX does not convert."""
    try:
        return _mathml(latex, display), None
    except Exception as error:  # latex2mathml raises many exception types for bad input
        fallback = f'<code class="math-error" title="could not render">$${escape(latex)}$$</code>'
        return fallback, f"math could not be rendered: {error}"
