"""Warnings for `[[`, `((` and `{{` that are never closed, and none for ordinary text."""

from __future__ import annotations

import pytest

from garden.syntax.balance import unclosed_delimiters


@pytest.mark.parametrize("text, expected", [
    ("see [[Page", [(0, "[[")]),
    ("line one\nsee ((ref and more", [(1, "((")]),
    ("{{embed: ((id))", [(0, "{{")]),
    ("compute ((a + b) * c) and f(g(x))", []),
    ("fine [[a]] ((id)) {{word-count}}", []),
    ("`[[in code` and $$\\frac{a}{b}}$$", []),
])
def test_unclosed_delimiters(text, expected):
    assert unclosed_delimiters(text) == expected
