"""Turn open matplotlib figures into inline SVG strings."""

from __future__ import annotations

import io
import sys


def collect_figures() -> list[str]:
    """Render every open pyplot figure as SVG and close them all.

    Does nothing unless the user's code has imported matplotlib.pyplot.
    Output is deterministic: no date metadata and a fixed id salt.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    import matplotlib

    svgs = []
    try:
        with matplotlib.rc_context({"svg.hashsalt": "garden"}):
            for number in pyplot.get_fignums():
                buffer = io.StringIO()
                try:
                    pyplot.figure(number).savefig(buffer, format="svg", metadata={"Date": None})
                except Exception as exc:  # a broken figure must not sink the cell's output
                    print(f"could not render figure {number}: {type(exc).__name__}: {exc}", file=sys.stderr)
                    continue
                svg = buffer.getvalue()
                svgs.append(svg[svg.find("<svg"):])
    finally:
        pyplot.close("all")
    return svgs
