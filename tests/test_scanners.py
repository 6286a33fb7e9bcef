"""The one-pass bracket scanners give the answers of the scans they replaced, which read from each opener on.

The old scanners are kept here, as they were, to compare against on every short string over a
small alphabet and on random longer ones.
"""

from __future__ import annotations

import itertools
import random

import pytest

from garden.model import Block
from garden.outline import MAX_BLOCKS, MAX_DEPTH, TooManyBlocks, parse_outline
from garden.syntax.balance import unclosed_delimiters
from garden.syntax.scan import MAX_LINK_DEPTH, brace_pairs, link_brackets, link_depth, nested_targets

# --------------------------------------------------------------------------- the old scanners

def old_find_closing(src: str, start: int, opener: str, closer: str, limit: int) -> int | None:
    depth = 0
    pos = start
    width = len(opener)
    while pos < limit:
        if src.startswith(opener, pos):
            depth += 1
            pos += width
        elif src.startswith(closer, pos):
            depth -= 1
            if depth == 0:
                return pos
            pos += len(closer)
        else:
            pos += 1
    return None


def old_macro_end(src: str, start: int, limit: int) -> int | None:
    depth = 0
    for pos in range(start, limit):
        char = src[pos]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return pos + 1 if src[pos - 1] == "}" else None
    return None


def old_nested_targets(title: str) -> list[str]:
    found: list[str] = []
    pos = title.find("[[")
    while pos != -1:
        end = old_find_closing(title, pos, "[[", "]]", len(title))
        if end is None:
            break
        inner = title[pos + 2:end]
        found.append(inner)
        found.extend(old_nested_targets(inner))
        pos = title.find("[[", end + 2)
    return found


def strings(alphabet: str, longest: int) -> list[str]:
    """Every string over `alphabet` up to `longest` characters."""
    return ["".join(chars) for size in range(1, longest + 1) for chars in itertools.product(alphabet, repeat=size)]


def random_strings(alphabet: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(count)]


BRACKET_TEXTS = strings("[]a", 9) + random_strings(["[[", "]]", "[", "]", "a", " "], 2000, seed=1)
BRACE_TEXTS = strings("{}a", 9) + random_strings(["{{", "}}", "{", "}", "a"], 2000, seed=2)


# --------------------------------------------------------------------------- same answers as before

def test_link_brackets_close_where_the_old_scan_did():
    for text in BRACKET_TEXTS:
        brackets = link_brackets(text)
        for start in range(len(text) - 1):
            if text.startswith("[[", start):
                for limit in (len(text), len(text) - 1):
                    assert brackets.closing(start, limit) == old_find_closing(text, start, "[[", "]]", limit), \
                        (text, start, limit)


def test_macro_ends_where_the_old_scan_did():
    for text in BRACE_TEXTS:
        close = brace_pairs(text)
        for start in range(len(text) - 1):
            if text.startswith("{{", start):
                end = close.get(start)
                new = end + 1 if end is not None and text[end - 1] == "}" else None
                assert new == old_macro_end(text, start, len(text)), (text, start)


def test_nested_targets_as_before():
    for text in BRACKET_TEXTS:
        assert nested_targets(text) == old_nested_targets(text), text


def test_link_depth_counts_levels():
    assert [link_depth(text) for text in ("a", "[[a]]", "[[[[a]] b]]", "[[a]] [[b [[c]]]]", "[[a")] == [0, 1, 2, 2, 0]


# --------------------------------------------------------------------------- nesting and size limits

def test_nested_targets_stop_at_the_link_depth_limit():
    title = "[[" * 5000 + "x" + "]]" * 5000
    found = nested_targets(title)
    assert len(found) == MAX_LINK_DEPTH
    assert found[0] == title[2:-2]


def test_unclosed_delimiters_once_per_line():
    assert unclosed_delimiters("[[" * 100_000 + "\n" + "{{" * 3 + " ((x") == [(0, "[["), (1, "{{"), (1, "((")]


def test_outline_ten_thousand_deep_is_kept_at_the_depth_limit():
    text = "".join(" " * depth + "- x\n" for depth in range(10_000))
    blocks, problems = parse_outline(text)
    depth, block = 1, blocks[0]
    while block.children:
        assert len(block.children) == 1 or depth == MAX_DEPTH - 1
        block, depth = block.children[0], depth + 1
    assert depth == MAX_DEPTH
    assert len(blocks[0].children[0].children) == 1
    assert sum(1 for _ in blocks[0].walk()) == 10_000
    assert problems == [(MAX_DEPTH + 1, "outline nested deeper than 100 levels; deeper blocks are shown at level 100")]


def test_flattened_blocks_keep_their_order_and_later_shallow_blocks_their_place():
    text = "".join(" " * depth + f"- b{depth}\n" for depth in range(MAX_DEPTH + 3)) + " - back at level 2\n- top\n"
    blocks, _ = parse_outline(text)
    chain = [blocks[0]]
    while chain[-1].children:
        chain.append(chain[-1].children[0])
    deepest_parent = chain[MAX_DEPTH - 2]
    assert [child.text for child in deepest_parent.children] == [f"b{MAX_DEPTH - 1}", f"b{MAX_DEPTH}",
                                                                 f"b{MAX_DEPTH + 1}", f"b{MAX_DEPTH + 2}"]
    assert [child.text for child in blocks[0].children] == ["b1", "back at level 2"]
    assert [block.text for block in blocks] == ["b0", "top"]


def test_outline_of_the_most_blocks_is_read_and_one_more_is_refused():
    blocks, _ = parse_outline("- x\n" * MAX_BLOCKS)
    assert len(blocks) == MAX_BLOCKS
    with pytest.raises(TooManyBlocks, match=r"^has more than 100,000 blocks, the most a note may have$"):
        parse_outline("- x\n" * (MAX_BLOCKS + 1))


def test_walk_visits_blocks_in_document_order_without_recursing():
    blocks, _ = parse_outline("- a\n  - b\n    - c\n  - d\n- e\n")
    assert [block.text for block in blocks[0].walk()] == ["a", "b", "c", "d"]
    root = block = Block(1, "0")
    for line in range(2, 10_002):
        block.children.append(Block(line, str(line - 1), parent=block))
        block = block.children[0]
    assert [block.line for block in root.walk()] == list(range(1, 10_002))
