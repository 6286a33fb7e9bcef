"""Hostile notes: huge unclosed brackets, deep nesting and too many blocks build, warn and leave the rest be.

Speed is measured by `bench/hostile.py`, not here; these tests only check that each note builds
(no RecursionError, no endless parse) and what it says.
"""

from __future__ import annotations

from pathlib import Path

from helpers import SUMMARY, load_graph, make_garden, read_html, run_garden

from garden.model import Source
from garden.notes import parse_note
from garden.syntax import make_parser

GOOD = {"Good.md": "- A good note that links to [[Hostile]].\n"}


def build(tmp_path: Path, content: str) -> tuple[Path, list[str]]:
    """Build a garden of GOOD and `notes/Hostile.md`; (the site, its warnings)."""
    root = make_garden(tmp_path, {**GOOD, "Hostile.md": content})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    summary = SUMMARY.match(proc.stdout.strip())
    assert summary, proc.stdout
    warnings = proc.stderr.splitlines()
    assert int(summary.group(6) or 0) == len(warnings), "the summary counts the warnings"
    return root / "site", warnings


def page(site: Path, title: str):
    """The parsed HTML of the page with this title."""
    urls = {node["title"]: node["url"] for node in load_graph(site)["nodes"]}
    return read_html(site / urls[title])


def own_warnings(warnings: list[str]) -> list[str]:
    """Warnings other than URL clashes (nested link titles like `[[x]]` and `x` share a URL)."""
    return [warning for warning in warnings if "clashes with another page" not in warning]


def content_of(site: Path, title: str):
    return page(site, title).find("section", "content")


def test_hundred_thousand_unclosed_double_brackets(tmp_path):
    site, warnings = build(tmp_path, "- " + "[[" * 100_000 + "\n")
    assert warnings == ["notes/Hostile.md:1: `[[` is never closed"]
    assert content_of(site, "Hostile").text() == "[[" * 100_000
    assert content_of(site, "Good").find("a") is not None


def test_hundred_thousand_unclosed_double_braces(tmp_path):
    site, warnings = build(tmp_path, "- " + "{{" * 100_000 + "\n")
    assert warnings == ["notes/Hostile.md:1: `{{` is never closed"]
    assert content_of(site, "Hostile").text() == "{{" * 100_000


def test_one_block_with_five_thousand_tags(tmp_path):
    site, warnings = build(tmp_path, "- " + " ".join(f"#tag{number % 20}" for number in range(5000)) + "\n")
    assert warnings == []
    assert len(content_of(site, "Hostile").find_all("a", "tag")) == 5000
    assert {node["title"] for node in load_graph(site)["nodes"]} >= {f"tag{number}" for number in range(20)}


def test_five_thousand_different_tags_in_one_block_are_all_read():
    text = "- " + " ".join(f"#tag{number}" for number in range(5000)) + "\n"
    note, problems = parse_note(Source(Path("/g/notes/Tags.md"), "notes/Tags.md", "Tags.md", text), make_parser())
    assert problems == []
    assert [ref.target for ref in note.refs] == [f"tag{number}" for number in range(5000)]


def test_outline_nested_four_thousand_deep_is_shown_at_level_100(tmp_path):
    site, warnings = build(tmp_path, "".join(" " * depth + f"- b{depth}\n" for depth in range(4000)))
    message = "outline nested deeper than 100 levels; deeper blocks are shown at level 100"
    assert warnings == [f"notes/Hostile.md:101: {message}"]
    content = content_of(site, "Hostile")
    outline = content.find("ul", "outline")
    depth = 1
    while outline.elements("li")[0].elements("ul"):
        outline = outline.elements("li")[0].elements("ul")[0]
        depth += 1
    assert depth == 100
    assert len(outline.elements("li")) == 3901
    assert outline.elements("li")[-1].text() == "b3999"


def test_links_nested_five_thousand_deep_are_text_around_the_innermost_ten(tmp_path):
    site, warnings = build(tmp_path, "- " + "[[" * 5000 + "x" + "]]" * 5000 + "\n- [[Good]]\n")
    assert own_warnings(warnings) == ["notes/Hostile.md:1: links nested more than 10 deep are shown as text"]
    content = content_of(site, "Hostile")
    first, second = content.find_all("li", "block")
    assert first.find_all("a", "wikilink"), "the innermost links are links"
    assert first.text().startswith("[[[[[[[[")
    assert second.find("a", "wikilink").text() == "Good"


def test_deep_tag_and_embed_are_text_with_a_warning(tmp_path):
    deep = "[[" * 3000 + "x" + "]]" * 3000
    site, warnings = build(tmp_path, f"- #{deep}\n- {{{{embed: {deep}}}}}\n- {{{{query: {deep}}}}}\n")
    assert own_warnings(warnings) == [f"notes/Hostile.md:{line}: links nested more than 10 deep are shown as text"
                                      for line in (1, 2, 3)]
    assert page(site, "Hostile").find("section", "content") is not None


def test_note_over_hundred_thousand_blocks_is_skipped_and_the_rest_builds(tmp_path):
    site, warnings = build(tmp_path, "- x\n" * 100_001)
    assert warnings == ["notes/Hostile.md: has more than 100,000 blocks, the most a note may have; note skipped"]
    nodes = {node["title"]: node for node in load_graph(site)["nodes"]}
    assert nodes["Hostile"]["ghost"], "the skipped note is only a link target"
    assert content_of(site, "Good").find("a", "wikilink").text() == "Hostile"


def test_brackets_taken_as_text_leave_later_links_alone():
    text = "- " + "[[" * 1000 + " [[Page]] [[[a]] [b]([[Other]]) [c](http://x) " + "{{" * 1000 + " {{TODO}}\n"
    note, _ = parse_note(Source(Path("/g/notes/L.md"), "notes/L.md", "L.md", text), make_parser())
    tokens = note.blocks[0].tokens[1].children
    assert [(token.type, token.meta.get("target")) for token in tokens if token.type in ("wikilink", "todo")] == \
        [("wikilink", "Page"), ("wikilink", "[a"), ("wikilink", "Other"), ("todo", "TODO")]
    assert any(token.type == "link_open" and token.attrs["href"] == "http://x" for token in tokens)
