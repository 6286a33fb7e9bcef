"""Full-text search: the Pagefind index a build writes into the site, which pages it indexes and
which part of them, and a build that goes on without search when Pagefind is missing or fails.
(tests/test_browser_reading.py searches the index in a browser.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import check_links, load_graph, make_garden, read_html, run_garden

NOTES = {"Zebra.md": "- Stripes confuse [[Lions]]: a #herd trick.\n",
         "Lions.md": "- Apex predators of the savanna.\n    - See [[Zebra]].\n"}


def indexed_pages(site: Path) -> int:
    """How many pages Pagefind says it indexed (its `pagefind-entry.json`)."""
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def search_marked(page) -> bool:
    return "data-search" in page.find("body").attrs


def test_the_shipped_site_has_an_index_of_every_note(shipped_site):
    notes = [node for node in load_graph(shipped_site)["nodes"] if not node["ghost"]]
    assert indexed_pages(shipped_site) == len(notes) == 17, "every note's page, no ghost page, no index.html copy"
    assert (shipped_site / "pagefind" / "pagefind.js").is_file()
    assert not list((shipped_site / "pagefind").glob("pagefind-*ui*")), "Pagefind's own UIs are not shipped"
    assert not (shipped_site / ".pagefind-input").exists()
    assert check_links(shipped_site) == []


def test_the_article_is_indexed_without_backlinks(shipped_site):
    page = read_html(shipped_site / "activation-function.html")
    article = page.find("article")
    assert [el for el in page.iter() if "data-pagefind-body" in el.attrs] == [article]
    ignored = {" ".join(sorted(el.classes)) for el in article.iter() if "data-pagefind-ignore" in el.attrs}
    assert ignored == {"references", "tagged", "local-graph", "source-path"}
    assert page.find("header").find("input").get("type") == "search"


def test_every_page_has_a_search_field_that_only_script_shows(shipped_site):
    for path in sorted(shipped_site.glob("*.html")):
        page = read_html(path)
        assert search_marked(page), path.name
        search = page.find("header").find("div", "search")
        assert search is not None and "hidden" in search.attrs, "without JavaScript it is not shown"
        assert page.find("body").elements()[0].get("class") == "skip-link"


def test_no_exec_builds_are_indexed_too(tmp_path):
    root = make_garden(tmp_path, NOTES)
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert indexed_pages(root / "site") == 2, "Zebra and Lions, not the ghost page herd"
    assert search_marked(read_html(root / "site" / "herd.html"))


def test_search_false_builds_no_index_and_no_field(tmp_path):
    root = make_garden(tmp_path, NOTES, "search = false\n")
    assert run_garden(root, "build", "--no-exec").returncode == 0
    assert not (root / "site" / "pagefind").exists()
    page = read_html(root / "site" / "zebra.html")
    assert not search_marked(page) and page.find("input") is None
    (root / "garden.toml").write_text('title = "x"\nsearch = "no"\n', encoding="utf-8")
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2 and proc.stderr.strip() == "garden: garden.toml:2: search: must be true or false"


@pytest.mark.parametrize("binary, reason", [
    ("missing", "pagefind could not be started (No such file or directory)"),
    ("failing", "pagefind could not index the pages (exit status 3: Error: the disk is on fire)"),
])
def test_without_a_working_pagefind_the_site_is_built_without_search(tmp_path, monkeypatch, binary, reason):
    root = make_garden(tmp_path, NOTES)
    fake = tmp_path / "pagefind"
    if binary == "failing":
        fake.write_text("#!/bin/sh\necho 'Running Pagefind'\necho 'Error: the disk is on fire' >&2\nexit 3\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake))
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [f"pagefind: {reason}; the site has no search"]
    assert "1 warning" in proc.stdout
    site = root / "site"
    assert not (site / "pagefind").exists() and not (site / ".pagefind-input").exists()
    for path in site.rglob("*.html"):
        assert not search_marked(read_html(path)), f"{path.name} would show a search field with no index"


def test_a_garden_without_notes_has_no_search_field(tmp_path):
    root = make_garden(tmp_path, {})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0 and "pagefind" not in proc.stderr
    assert not (root / "site" / "pagefind").exists()
    assert not search_marked(read_html(root / "site" / "index.html"))


def test_withdrawing_the_field_leaves_attachments_alone(tmp_path, monkeypatch):
    marked = '<html><body data-search><p>an attachment, byte for byte</p></body></html>\n'
    root = make_garden(tmp_path, {"A.md": "- [the page](saved.html)\n", "saved.html": marked})
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert run_garden(root, "build", "--no-exec").returncode == 0
    copies = list((root / "site" / "_files").glob("*.html"))
    assert [copy.read_text(encoding="utf-8") for copy in copies] == [marked]


def test_pages_in_a_pagefind_folder_stay(tmp_path, monkeypatch):
    """A note may live where the index goes (`Pagefind/…` is `pagefind/…`): its page stays, is
    indexed, and loses its mark with the others when there is no index."""
    notes = {"Pagefind/Pagefind UI.md": "- the tool's own interface\n", "B.md": "- [[Pagefind/Pagefind UI]]\n"}
    root = make_garden(tmp_path, notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    page = root / "site" / "pagefind" / "pagefind-ui.html"
    assert search_marked(read_html(page)) and (root / "site" / "pagefind" / "pagefind.js").is_file()
    assert indexed_pages(root / "site") == 2
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-pagefind"))
    assert run_garden(root, "build", "--no-exec").returncode == 0
    assert not search_marked(read_html(page))
