"""A garden of script payloads in every place a note can put text: math, raw HTML, code outputs.

Each payload, if it ran, would set `window.pwned` (or the document title); the built pages must
show the text, never run it.
"""

from __future__ import annotations

from pathlib import Path

from helpers import make_garden

RUN = "window.pwned=1"
MATH = [
    rf"$$\text{{<script>{RUN}</script>}}$$",
    r"$$\href{javascript:window.pwned=1}{click}$$",
    r"$$\style{background:url(https://example.com/x)}{x}$$",
    rf"$$\mbox{{<img src=x onerror={RUN}>}}$$",
    r"$$\unicode{60}script\unicode{62}$$",
]
RAW_HTML = [
    f"<script>{RUN}</script>",
    f"<img src=x onerror=\"{RUN}\">",
    f"<a href=\"javascript:{RUN}\">link</a>",
    f"<svg><script>{RUN}</script><circle r=\"5\" onload=\"{RUN}\"/></svg>",
    f"<iframe srcdoc=\"<script>parent.{RUN}</script>\"></iframe>",
    f"<math><mtext><script>{RUN}</script></mtext></math>",
    "<style>body{display:none}</style>",
    f"<div onclick=\"{RUN}\" style=\"position:fixed\">click</div>",
]
RICH_OUTPUTS = """
    - ```python
      class Svg:
          def _repr_svg_(self):
              return '<svg xmlns="http://www.w3.org/2000/svg" onload="window.pwned=1"><script>window.pwned=1</script><rect width="4" height="4"/></svg>'
      Svg()
      ```
    - ```python
      class Html:
          def _repr_html_(self):
              return '<b>bold</b><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
      Html()
      ```
    - ```python
      print("<script>window.pwned=1</script>")
      "<img src=x onerror=window.pwned=1>"
      ```
"""


def hostile_garden(root: Path) -> Path:
    """Write the payload garden under `root`: one note with every payload, and a note linking to it."""
    blocks = [f"- math {formula}" for formula in MATH] + [f"- raw {html}" for html in RAW_HTML]
    text = "\n".join(blocks) + "\n- rich outputs\n" + RICH_OUTPUTS.removeprefix("\n")
    return make_garden(root, {
        "Payloads.md": text,
        "Reader.md": "- every payload shows here too: {{embed: [[Payloads]]}} and [[Payloads]]\n",
    }, 'title = "Hostile"\nentry = "Payloads"\n')
