"""LaTeX to MathML with latex2mathml: no JavaScript needed to show formulas."""

from __future__ import annotations

from functools import lru_cache
from html import escape

from latex2mathml.converter import convert


@lru_cache(maxsize=4096)
def to_mathml(latex: str, display: bool) -> tuple[str, str | None]:
    """(MathML, None), or (an escaped fallback, error message) when the LaTeX does not convert."""
    try:
        return convert(latex, display="block" if display else "inline"), None
    except Exception as error:  # latex2mathml raises many exception types for bad input
        fallback = f'<code class="math-error" title="could not render">$${escape(latex)}$$</code>'
        return fallback, f"math could not be rendered: {error}"
