"""The outline parser: blocks, nesting, source lines, continuation lines, fences and ids."""

from __future__ import annotations

from garden.outline import parse_outline


def shape(blocks, depth=0):
    """(depth, line, text, uid) for every block, in document order."""
    rows = []
    for block in blocks:
        rows.append((depth, block.line, block.text, block.uid))
        rows.extend(shape(block.children, depth + 1))
    return rows


def test_nesting_by_four_spaces_keeps_source_lines():
    blocks, problems = parse_outline("- a\n    - b\n        - c\n    - d\n- e\n")
    assert shape(blocks) == [(0, 1, "a", None), (1, 2, "b", None), (2, 3, "c", None), (1, 4, "d", None),
                             (0, 5, "e", None)]
    assert problems == []


def test_tabs_and_two_space_indents_nest_too():
    blocks, _ = parse_outline("- a\n\t- b\n- c\n  - d\n")
    assert [(d, t) for d, _, t, _ in shape(blocks)] == [(0, "a"), (1, "b"), (0, "c"), (1, "d")]


def test_continuation_lines_belong_to_their_block():
    blocks, _ = parse_outline("- first line\n  second line\n- next\n")
    assert shape(blocks) == [(0, 1, "first line\nsecond line", None), (0, 3, "next", None)]


def test_trailing_block_id_is_taken_off_the_text():
    blocks, _ = parse_outline("- a claim ^claim-1\n- not an id^here\n")
    assert shape(blocks) == [(0, 1, "a claim", "claim-1"), (0, 2, "not an id^here", None)]


def test_bullets_inside_a_fence_are_code():
    text = "- ```python\n  - not a block\n  ```\n- after\n"
    blocks, problems = parse_outline(text)
    assert shape(blocks) == [(0, 1, "```python\n- not a block\n```", None), (0, 4, "after", None)]
    assert problems == []


def test_unclosed_fence_is_reported_at_its_line_and_ends_at_the_next_block():
    blocks, problems = parse_outline("- intro\n    - ```python\n      x = 1\n- after\n")
    assert [text for _, _, text, _ in shape(blocks)] == ["intro", "```python\nx = 1", "after"]
    assert problems == [(2, "code fence opened here is never closed")]


def test_prose_before_bullets_becomes_top_level_blocks():
    blocks, _ = parse_outline("A paragraph\nstill it.\n\nAnother.\n- a bullet\n", first_line=5)
    assert shape(blocks) == [(0, 5, "A paragraph\nstill it.", None), (0, 8, "Another.", None),
                             (0, 9, "a bullet", None)]


def test_empty_bullet_is_an_empty_block():
    blocks, _ = parse_outline("-\n- x\n")
    assert shape(blocks) == [(0, 1, "", None), (0, 2, "x", None)]


def test_a_caret_before_a_number_is_not_a_block_id():
    blocks, _ = parse_outline("- area = r ^2\n- cited ^c2\n")
    assert shape(blocks) == [(0, 1, "area = r ^2", None), (0, 2, "cited", "c2")]
