"""Every Roam construct: note text in, HTML and references out (tests/fixtures/*.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixture_format import Case, read_cases
from syntax_harness import render_fixture

FIXTURES = Path(__file__).parent / "fixtures"
CASES = [case for path in sorted(FIXTURES.glob("*.txt")) for case in read_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fixture(case: Case) -> None:
    html, refs, _ = render_fixture(case.source)
    assert html == case.html
    assert refs == case.refs
