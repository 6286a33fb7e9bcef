"""Every Roam construct: note text in, HTML, references and warnings out (tests/fixtures/*.txt).

One fixture file per construct, read with markdown-it-py's `read_fixture_file`. A case is a title
line and two sections, each ended by a line holding only `.`:

    plain link
    .
    - See [[Page]] now
    .
    <p>See <a class="wikilink" href="page.html">Page</a> now</p>
    ref: link Page
    .

The first section is the note `notes/Fixture.md`, rendered next to the notes `Page` and `Other`
(tests/syntax_harness.py). The second is what comes out, line for line: the HTML of the note's
first block, then one `ref: KIND TARGET` line per reference the note makes, then one
`warning: MESSAGE` line per warning, in the order garden reports them. A case without `ref:` or
`warning:` lines expects none. Text outside cases (such as a file's first line) is a comment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it.utils import read_fixture_file

from syntax_harness import render_fixture

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [pytest.param(source, expected, id=f"{path.name}:{line} {title}")
         for path in sorted(FIXTURES.glob("*.txt"))
         for line, title, source, expected in read_fixture_file(path)]


def rendered(source: str) -> str:
    """What a fixture's second section describes, for the note `source`."""
    html, refs, warnings = render_fixture(source)
    return "".join([f"{html}\n", *(f"ref: {ref}\n" for ref in refs), *(f"warning: {w}\n" for w in warnings)])


@pytest.mark.parametrize("source, expected", CASES)
def test_fixture(source: str, expected: str) -> None:
    assert rendered(source) == expected
