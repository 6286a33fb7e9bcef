"""Roam's, Obsidian's and Logseq's block syntax in a built garden: numbered views, tables, embeds of
children and paths, property lines, comments, callouts; nothing of their raw syntax left on a page."""

from __future__ import annotations

import re

import pytest

from helpers import check_links, make_garden, read_html, run_garden

NOTES = {
    "Research.md": (
        "---\ntitle: [[CLM]] - Claims need evidence\n---\n"
        "- Steps\n"
        "    1. collect\n"
        "    2. compare [[Evidence]]\n"
        "- Scores {{[[table]]}}\n"
        "    - Alice\n"
        "        - 3\n"
        "            - good\n"
        "    - Bob\n"
        "        - 4\n"
        "        - 5\n"
        "- A claim worth quoting\n"
        "  id:: 6512-abcd\n"
        "  collapsed:: true\n"
        "    - its evidence [[Evidence]]\n"
        "- **Source::** [[Evidence]]\n"
        "  type:: [[Paper]]\n"
        "- **tldr; ** read the [claim](((6512-abcd))) %%private remark [[Secret]]%%\n"
        "- {{[[video]]: https://www.youtube.com/watch?v=abc}} {{[[slider]]}} {{calc: 2 + 2}}\n"
        "- > [!warning]- Careful\n"
        "  > ==check== this\n"
        "- #+BEGIN_NOTE\n"
        "  a Logseq note\n"
        "  #+END_NOTE\n"
    ),
    "Reader.md": (
        "- children: {{embed-children: ((6512-abcd))}}\n"
        "- path: {{embed-path: ((6512-abcd))}}\n"
        "- [ ] read the claim\n"
    ),
}
RAW_SYNTAX = re.compile(r"\{\{\[\[|%%|==|\[!warning\]|id::|collapsed::|#\+BEGIN|#\+END|\*\*")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_garden(tmp_path_factory.mktemp("roam"), NOTES)
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0, proc.stderr
    return root / "site", proc


def page_named(site, title: str):
    """The parsed page whose `<h1>` is `title`."""
    for path in site.glob("*.html"):
        page = read_html(path)
        heading = page.find("h1")
        if heading is not None and heading.text() == title:
            return page
    raise AssertionError(f"no page titled {title!r}")


def test_front_matter_title_that_is_not_yaml_is_read_as_text(site):
    _, proc = site
    assert page_named(site[0], "[[CLM]] - Claims need evidence") is not None
    assert "the title is the text after `title:`" in proc.stderr


def test_numbered_children_are_an_ordered_list_of_blocks(site):
    page = page_named(site[0], "[[CLM]] - Claims need evidence")
    steps = next(li for li in page.find_all("li", "block") if li.find("div", "block-body").text() == "Steps")
    (numbered,) = steps.elements("ol", "outline")
    assert [li.find("div", "block-body").text() for li in numbered.elements("li")] == ["collect", "compare Evidence"]


def test_a_table_macro_shows_its_children_as_rows_and_columns(site):
    page = page_named(site[0], "[[CLM]] - Claims need evidence")
    table = page.find("table", "roam-table")
    rows = [[cell.text() for cell in row.elements("td")] for row in table.find_all("tr")]
    assert rows == [["Alice", "3", "good"], ["Bob", "4"], ["5"]]
    assert table.find_all("td")[3].get("rowspan") == "2", "Bob spans the rows of his two children"


def test_logseq_ids_are_block_ids_and_property_lines_are_attributes(site):
    page = page_named(site[0], "[[CLM]] - Claims need evidence")
    assert "6512-abcd" in {li.get("id") for li in page.find_all("li", "block")}
    keys = [a.text() for a in page.find_all("a", "attribute-key")]
    assert keys == ["Source", "type"]
    link = page.find("a", "block-link")
    assert link.text() == "claim" and link.get("href").endswith("#6512-abcd")


def test_embeds_of_children_and_paths(site):
    page = page_named(site[0], "Reader")
    children, path = page.find_all("span", "embed")[:2]
    assert "its evidence" in children.text() and "A claim worth quoting" not in children.text()
    assert "A claim worth quoting" in path.text() and "its evidence" in path.text()


def test_no_raw_syntax_is_visible_and_comments_are_gone(site):
    for path in site[0].glob("*.html"):
        page = read_html(path)
        main = page.find("main")
        for code in main.find_all("pre") + main.find_all("code"):
            code.children.clear()
        assert not RAW_SYNTAX.search(main.text()), (path.name, RAW_SYNTAX.search(main.text()).group())
    assert not (site[0] / "secret.html").exists(), "a link inside a comment is no reference"


def test_videos_and_components_load_nothing_from_elsewhere(site):
    page = page_named(site[0], "[[CLM]] - Claims need evidence")
    card = page.find("a", "video-card")
    assert card.get("href") == "https://www.youtube.com/watch?v=abc"
    assert not page.find_all("iframe") and not page.find_all("video")
    assert [span.text() for span in page.find_all("span", "macro")] == ["slider", "calc"]
    callout = page.find("details", "admonition")
    assert callout.find("summary").text() == "Careful" and callout.get("open") is None
    assert page.find("mark").text() == "check"
    assert page.find("div", "admonition-note").text() == "Note a Logseq note"


def test_every_link_resolves(site):
    problems = [problem for problem in check_links(site[0]) if "youtube.com" not in problem]
    assert problems == []


def test_logseq_page_properties_name_the_page_and_its_aliases(tmp_path):
    notes = {"some_file.md": "title:: My Real Title\nalias:: Other name, [[Third]]\n\n- body\n",
             "B.md": "- links [[My Real Title]], [[Other name]] and [[Third]]\n"}
    root = make_garden(tmp_path, notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    links = read_html(root / "site" / "b.html").find("section", "content").find_all("a", "wikilink")
    assert {link.get("href") for link in links} == {"my-real-title.html"}
    assert "ghost" not in " ".join(" ".join(link.classes) for link in links)
