"""Notes written as prose (Obsidian's way) keep CommonMark's structure, and a backlink shows the
paragraph or list item holding the link."""

from __future__ import annotations

from helpers import make_garden, read_html, run_garden

PROSE = (
    "# Reading list\n"
    "\n"
    "Some books about [[Learning]], read in order.\n"
    "\n"
    "- first book\n"
    "  - its chapter on [[Learning]]\n"
    "- second book\n"
    "\n"
    "1. start here\n"
    "2. then here\n"
    "\n"
    "```python\n"
    "- not a block\n"
    "print(1)\n"
    "```\n"
    "\n"
    "<!-- a comment, no block -->\n"
    "\n"
    "A closing paragraph.[^why]\n"
    "\n"
    "[^why]: Because [[Learning]] needs an end.\n"
)


def build(tmp_path):
    root = make_garden(tmp_path, {"Reading.md": PROSE, "Learning.md": "- a page\n"})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    return root / "site"


def test_prose_keeps_its_paragraphs_headings_lists_and_fences(tmp_path):
    page = read_html(build(tmp_path) / "reading.html")
    outline = page.find("section", "content")
    assert outline.find("h1", None) is not None and outline.find("h1").text() == "Reading list"
    bodies = [div.text() for div in outline.find_all("div", "block-body")]
    assert bodies[:4] == ["Reading list", "Some books about Learning, read in order.", "first book",
                          "its chapter on Learning"]
    chapter = next(li for li in outline.find_all("li", "block") if li.find("div", "block-body").text() == "first book")
    assert [div.text() for div in chapter.find_all("div", "block-body")][1:] == ["its chapter on Learning"]
    (numbered,) = [ol for ol in outline.find_all("ol", "outline")]
    assert [li.text() for li in numbered.elements("li")] == ["start here", "then here"]
    code = outline.find_all("pre")
    assert len(code) == 1 and "- not a block" in code[0].text(), "the fence stays whole"
    assert bodies[-1] == "A closing paragraph.1" and "" not in bodies, "a comment makes no block"
    (footnote,) = page.find("section", "footnotes").find_all("li")
    assert footnote.text() == "Because Learning needs an end."
    assert page.find("sup", "footnote-ref").find("a").get("href") == f"reading.html#{footnote.get('id')}"


def test_a_backlink_shows_the_paragraph_or_item_holding_it(tmp_path):
    page = read_html(build(tmp_path) / "learning.html")
    contexts = [block.text() for block in page.find_all("div", "reference-block")]
    assert contexts == ["Some books about Learning, read in order.", "its chapter on Learning",
                        "Because Learning needs an end."]
