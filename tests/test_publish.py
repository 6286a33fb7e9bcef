"""Publishing rules (garden.toml `[publish]`): what is not published is in no file of the site."""

from __future__ import annotations

import gzip

import pickle
import re
from pathlib import Path

import pytest
from helpers import check_links, load_graph, make_garden, read_html, run_garden
from test_build_exec import counts, fence

from garden.config import load_config
from garden.site import load_garden

SETTINGS = 'title = "Public Garden"\nentry = "Home"\nbase_url = "https://example.org/"\n'
RULES = SETTINGS + '\n[publish]\nonly_tags = ["public"]\nhide_tags = ["#private"]\n'

# Every text that is hidden or unpublished holds a marker; a build without the rules shows every one.
MARKERS = [
    "SECRET-HOME-BLOCK-1e1e", "SECRET-BLOCK-91c2", "SECRET-GHOST-5d0e", "SECRET-FILE-4a4a", "SECRET-CHILD-3b8a",
    "SECRET-OUTPUT-a1c4", "SECRET-ATTR-e9f2", "SECRET-FOOTNOTE-77aa", "SECRET-CRUMB-c3c3", "SECRET-PAGE-BODY-7f3a",
    "SECRET-PAGE-TITLE-7f3a", "SECRET-GHOST-2c77", "SECRET-UNPUBLISHED-OUTPUT-44d1", "SECRET-ALIAS-0b6d",
    "SECRET-TITLED-BODY-5a5a", "SECRET-HIDDEN-PAGE-8d2f", "SECRET-HIDDEN-PAGE-BODY-9e9e", "SECRET-DAILY-BODY-6c1e",
    "SECRET-DAY-BLOCK-2d2d", "SECRET-NESTED-TAG-b0b0",
]
NOTES = {
    # the entry page: published without a tag
    "Home.md": "- Welcome home, see [[Open Note]].\n"
               "- Withheld: [[Private Plans]], [its alias]([[Private Plans]]), #[[Private Plans]] and "
               "[a file link](Private%20Plans.md)\n"
               "- Embeds {{embed: [[Private Plans]]}} and ![[Private Plans]], a ref ((hiddenuid)) and "
               "[an aliased ref](((hiddenuid)))\n"
               "- #private [[Open Note]] again SECRET-HOME-BLOCK-1e1e\n",
    "Open Note.md": "---\ntags: [public]\n---\n"
                    "- Visible intro about neurons.\n"
                    "- Draft #private SECRET-BLOCK-91c2 [[SECRET-GHOST-5d0e]] [^s] ![](SECRET-FILE-4a4a.png)\n"
                    "    - child SECRET-CHILD-3b8a ^hiddenuid\n"
                    + fence("python", 'print("SECRET-" + "OUTPUT-a1c4")', indent=4) +
                    "- Status:: SECRET-ATTR-e9f2 #[[private]]\n"
                    "- SECRET-CRUMB-c3c3 [[private]]\n"
                    "    - a visible child of a hidden block is hidden too: [[Open Note]]\n"
                    "- #private/diary SECRET-NESTED-TAG-b0b0\n"
                    "- visible text [^v]\n"
                    + fence("python", 'print("visible " + "output")', indent=0) +
                    "\n[^s]: SECRET-FOOTNOTE-77aa\n[^v]: a visible footnote\n",
    "SECRET-FILE-4a4a.png": b"\x89PNG\r\n",
    # not tagged public: not published
    "Private Plans.md": "- SECRET-PAGE-BODY-7f3a links [[Open Note]], [[SECRET-PAGE-TITLE-7f3a]], "
                        "[[SECRET-ALIAS-0b6d]] and [[SECRET-GHOST-2c77]]\n"
                        + fence("python", 'print("SECRET-" + "UNPUBLISHED-OUTPUT-44d1")', indent=0),
    "SECRET-PAGE-TITLE-7f3a.md": "---\naliases: [SECRET-ALIAS-0b6d]\n---\n- SECRET-TITLED-BODY-5a5a\n",
    # tagged public, but a top-level Tags:: attribute names a hide tag: not published
    "SECRET-HIDDEN-PAGE-8d2f.md": "- Tags:: [[public]], [[private]]\n- SECRET-HIDDEN-PAGE-BODY-9e9e [[Open Note]]\n",
    "April 16th, 2021.md": "- SECRET-DAILY-BODY-6c1e [[Open Note]]\n",
    "April 17th, 2021.md": "- #public a published day\n- #private SECRET-DAY-BLOCK-2d2d\n",
}


GZIP_MAGIC = b"\x1f\x8b"


def readable(path: Path) -> str:
    """A site file's content as text, gzip-compressed files (Pagefind's index) decompressed."""
    data = path.read_bytes()
    if data[:2] == GZIP_MAGIC:
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def leaks(site: Path) -> dict[str, list[str]]:
    """For each marker, the files of the site (any kind, at any depth, the search index decompressed)
    whose name or content holds it."""
    found: dict[str, list[str]] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix()
        text = (relative + "\n" + readable(path)).casefold()
        for marker in MARKERS:
            if marker.casefold() in text:
                found.setdefault(marker, []).append(relative)
    return found


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, object]:
    """NOTES built (running their code) with the publishing rules: (the garden, the build)."""
    root = make_garden(tmp_path_factory.mktemp("published"), NOTES, RULES)
    return root, run_garden(root, "build")


def test_no_file_of_the_site_holds_hidden_or_unpublished_text(published, tmp_path):
    root, proc = published
    assert proc.returncode == 0, proc.stderr
    assert leaks(root / "site") == {}
    assert (root / "site" / "sitemap.xml").is_file()
    everything = make_garden(tmp_path, NOTES, SETTINGS)
    assert run_garden(everything, "build").returncode == 0
    found = leaks(everything / "site")
    assert sorted(found) == sorted(MARKERS), "without rules, every marker is on the site"
    assert any(path.startswith("pagefind/fragment/") for paths in found.values() for path in paths), \
        "the search index is searched too"


def test_hidden_code_does_not_run(published):
    root, proc = published
    assert counts(proc) == (1, 0, 0), "only the visible block of Open Note ran"
    assert "visible output" in (root / "site" / "open-note.html").read_text(encoding="utf-8")


def test_the_published_garden_holds_nothing_hidden(published):
    """What every emitter reads, the Garden, holds no hidden text in any field, read or not."""
    config = load_config(published[0])
    garden, _ = load_garden(config, config.publish)
    data = pickle.dumps(garden).decode("utf-8", "replace")
    assert [marker for marker in MARKERS if marker in data] == []
    everything = pickle.dumps(load_garden(config)[0]).decode("utf-8", "replace")
    assert [marker for marker in MARKERS if marker in everything] == [marker for marker in MARKERS
                                                                     if "OUTPUT" not in marker]


def test_links_to_unpublished_pages_are_plain_text_and_make_no_page(published):
    site = published[0] / "site"
    home = read_html(site / "home.html")
    plain = [span.text() for span in home.find_all("span", "unpublished")]
    assert plain == ["Private Plans", "its alias", "#Private Plans", "a file link"]
    assert all(span.find("a") is None for span in home.find_all("span", "unpublished"))
    assert not any("Private Plans" in a.text() or "private-plans" in (a.get("href") or "") for a in home.find_all("a"))
    broken = [span.text() for span in home.find_all("span") if "broken" in span.classes]
    assert broken == ["{{embed: [[Private Plans]]}}", "Private Plans", "((hiddenuid))", "an aliased ref"]
    assert not (site / "private-plans.html").exists()
    assert [problem for problem in check_links(site) if "is not a relative URL" not in problem] == [], \
        "every link goes to a page of the site (canonical addresses are absolute, as base_url asks)"


def test_only_published_pages_and_their_ghosts_are_on_the_site(published):
    site = published[0] / "site"
    nodes = {node["title"] for node in load_graph(site)["nodes"]}
    assert nodes == {"Home", "Open Note", "April 17th, 2021", "public"}, "no ghost page of hidden links, no #private"
    assert sorted(path.name for path in site.glob("*.html")) == [
        "404.html", "all-pages.html", "april-17th-2021.html", "daily-notes.html", "graph.html", "home.html",
        "index.html", "open-note.html", "public.html"]
    days = read_html(site / "daily-notes.html").find_all("section", "day")
    assert [day.find("h2").text() for day in days] == ["April 17th, 2021"]
    assert read_html(site / "index.html").find("h1").text() == "Home", "the entry page is published untagged"


def test_backlinks_from_hidden_blocks_and_unpublished_pages_do_not_count(published):
    site = published[0] / "site"
    rows = {row.find("a").text(): row.find_all("td")[-1].text()
            for row in read_html(site / "all-pages.html").find("tbody").find_all("tr")}
    assert rows["Open Note"] == "1", "six blocks link it; one of them is published"
    groups = read_html(site / "open-note.html").find_all("div", "reference-group")
    assert [group.find("h3").text() for group in groups] == ["Home"]
    assert len(groups[0].find_all("li", "reference")) == 1


def test_a_published_note_cannot_build_on_an_unpublished_one(tmp_path):
    notes = {"Helpers.md": "- helpers\n" + fence("python", "X = 1"),
             "Demo.md": "- #public demo\n" + fence("python", "#| uses: [[Helpers]]\nprint(X)")}
    root = make_garden(tmp_path, notes, '[publish]\nonly_tags = ["public"]\n')
    proc = run_garden(root, "build")
    assert proc.returncode == 1
    assert ("notes/Demo.md:2: UsesError: uses [[Helpers]], which is not published; "
            "a published note builds only on published notes") in proc.stderr
    assert "Builds on" not in (root / "site" / "demo.html").read_text(encoding="utf-8")


def test_hide_tags_alone_publish_every_page_but_what_carries_them(tmp_path):
    notes = {"Diary.md": "---\ntags: [Private]\n---\n- SECRET-DIARY-f00d\n",
             "Notes.md": "- #PRIVATE SECRET-TOP-BLOCK-beef\n- kept text, see [[Diary]]\n",
             "Logseq style.md": "- tags:: [[private]]\n- SECRET-PROPERTY-PAGE-cafe\n"}
    root = make_garden(tmp_path, notes, 'flavor = "obsidian"\n[publish]\nhide_tags = ["private"]\n')
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0, proc.stderr
    site = root / "site"
    assert {node["title"] for node in load_graph(site)["nodes"]} == {"Notes"}
    page = (site / "notes.html").read_text(encoding="utf-8")
    assert "kept text" in page and '<span class="unpublished">Diary</span>' in page
    assert not re.search("secret", "".join(readable(path) for path in site.rglob("*") if path.is_file()),
                         re.IGNORECASE)


def test_an_unpublished_note_takes_no_address_from_a_published_one(tmp_path):
    notes = {"Draft Plan.md": "- Tags:: #private\n", "Draft-Plan.md": "- published\n"}
    root = make_garden(tmp_path, notes, '[publish]\nhide_tags = ["private"]\n')
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0 and "clashes" not in proc.stderr, proc.stderr
    assert read_html(root / "site" / "draft-plan.html").find("h1").text() == "Draft-Plan"


def test_an_entry_page_carrying_a_hide_tag_is_not_published(tmp_path):
    root = make_garden(tmp_path, {"Home.md": "- Tags:: #private\n- home\n", "Other.md": "- other\n"},
                       'entry = "Home"\n[publish]\nhide_tags = ["private"]\n')
    proc = run_garden(root, "build", "--no-exec")
    assert "garden.toml: entry page 'Home' does not exist or carries a tag that hides it" in proc.stderr
    assert read_html(root / "site" / "index.html").find("h1").text() == "All pages"


@pytest.mark.parametrize("toml, message", [
    ('title = "x"\npublish = "public"\n', 'garden.toml:2: publish: must be a table'),
    ('[publish]\nonly_tags = "public"\n', 'garden.toml:2: publish.only_tags: must be a list of tag names'),
    ('[publish]\nonly_tags = ["public"]\nhide_tags = [1]\n', 'garden.toml:3: publish.hide_tags: must be a list'),
    ('[publish]\n\nonly_tags = []\n', 'garden.toml:3: publish.only_tags: names no tag; leave it out'),
    ('[publish]\nonly_tags = ["#"]\n', 'garden.toml:2: publish.only_tags: must be a list of tag names'),
    ('title = "x"\n[publish]\nhide = ["private"]\n',
     'garden.toml:3: publish.hide: unknown setting; known settings are hide_tags, only_tags'),
    ('publish.only_tags = ["a"]\npublish.hide_tags = ["[[a]]"]\n',
     "garden.toml:2: publish.hide_tags: 'a' is in only_tags too"),
    ('title = "x"\npublish = { only_tags = 3 }\n', 'garden.toml:2: publish.only_tags: must be a list'),
])
def test_bad_publishing_settings_name_the_line(tmp_path, toml, message):
    root = make_garden(tmp_path, {"A.md": "- a\n"}, toml)
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"garden: {message}"), proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and not (root / "site").exists()
