"""Bad input: each problem is a warning naming `notes/FILE.md:LINE:`, and the rest of the garden still builds."""

from __future__ import annotations

import os
import re
import sys

import pytest

from helpers import SUMMARY, load_graph, make_garden, read_html, run_garden, tree_digest

GOOD = {
    "Good One.md": "- The first good note links to [[Good Two]].\n",
    "Good Two.md": "- The second good note. ^good-two\n",
}


def build(tmp_path, notes: dict, toml: str | bytes | None = None, *args: str):
    root = make_garden(tmp_path, {**GOOD, **notes}, toml)
    return root, run_garden(root, "build", *args)


def warnings_of(proc) -> list[str]:
    """stderr lines; each must be a warning about a file, and the summary must count them."""
    lines = proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr
    summary = SUMMARY.match(proc.stdout.strip())
    assert summary, proc.stdout
    assert int(summary.group(6) or 0) == len(lines), "the summary counts the warnings"
    return lines


def assert_good_pages(root):
    site = root / "site"
    urls = {node["title"]: node["url"] for node in load_graph(site)["nodes"]}
    one = read_html(site / urls["Good One"])
    assert one.find("section", "content").text() == "The first good note links to Good Two."
    assert read_html(site / urls["Good Two"]).find("section", "content").text() == "The second good note."
    assert (site / "index.html").is_file()


# --------------------------------------------------------------------------- bad notes

@pytest.mark.parametrize("name, content", [
    ("Empty.md", ""),
    ("Blank.md", "  \n\n\t\n"),
    ("Header Only.md", "---\ntitle: Header Only\n---\n"),
])
def test_empty_note(tmp_path, name, content):
    root, proc = build(tmp_path, {name: content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1
    assert re.fullmatch(rf"notes/{re.escape(name)}: \S.*", warnings[0]), warnings[0]
    assert "empty" in warnings[0]
    assert_good_pages(root)


def test_note_that_is_not_utf8_is_skipped(tmp_path):
    content = "- café au lait\n- second block\n".encode("latin-1")
    offset = content.index(b"\xe9")
    root, proc = build(tmp_path, {"Latin.md": content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1
    assert warnings[0].startswith("notes/Latin.md: ")
    assert re.search(rf"\b{offset}\b", warnings[0].removeprefix("notes/Latin.md: ")), \
        f"the message names byte offset {offset}: {warnings[0]}"
    graph = load_graph(root / "site")
    assert "Latin" not in {node["title"] for node in graph["nodes"]}
    assert not (root / "site" / "latin.html").exists()
    assert_good_pages(root)


@pytest.mark.parametrize("opener, content, line", [
    ("[[", "- fine\n- also fine\n- opens [[a link that never closes\n- after\n", 3),
    ("((", "- fine\n- opens ((block-ref that never closes\n", 2),
    ("{{", "- fine\n- fine\n- fine\n- opens {{word-count\n", 4),
    ("[[", "- fine\n- a block that goes on\n  over a second line with [[ in it\n- after\n", 3),
    ("{{", "Plain paragraph\nwith {{ on line two\n\n- bullet\n", 2),
], ids=["wikilink", "blockref", "macro", "continuation-line", "plain-paragraph"])
def test_unbalanced_delimiters_named_at_their_line(tmp_path, opener, content, line):
    root, proc = build(tmp_path, {"Unbalanced.md": content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"notes/Unbalanced.md:{line}: "), warnings[0]
    assert opener in warnings[0]
    assert_good_pages(root)


def test_balanced_delimiters_in_code_and_math_are_not_reported(tmp_path):
    content = "- inline `[[` code\n- math $$\\{ x \\}$$ and $$f((x$$\n- fence:\n  ```\n  {{ [[ ((\n  ```\n"
    root, proc = build(tmp_path, {"Code.md": content})
    assert proc.returncode == 0
    assert warnings_of(proc) == []


@pytest.mark.parametrize("content, line", [
    ("- code:\n    ```js\n    x = [1, 2\n- next block\n", 2),
    ("- one\n- two\n    - code\n        ~~~\n        still code\n", 4),
])
def test_unclosed_code_fence_named_at_its_line(tmp_path, content, line):
    root, proc = build(tmp_path, {"Fence.md": content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1, warnings
    assert warnings[0].startswith(f"notes/Fence.md:{line}: ")
    assert "fence" in warnings[0]
    assert_good_pages(root)


def test_block_reference_to_missing_id(tmp_path):
    content = "- first\n- points at ((nosuchid)) and at ((good-two))\n"
    root, proc = build(tmp_path, {"Broken.md": content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1
    assert warnings[0].startswith("notes/Broken.md:2: ") and "nosuchid" in warnings[0]
    page = read_html(root / "site" / "broken.html")
    broken = [el for el in page.find_all("span", "block-ref") if "broken" in el.classes]
    assert [el.text() for el in broken] == ["((nosuchid))"]
    working = [el for el in page.find_all("span", "block-ref") if "broken" not in el.classes]
    assert len(working) == 1 and "The second good note." in working[0].text()
    assert_good_pages(root)


def test_titles_with_the_same_url_get_distinct_pages(tmp_path):
    notes = {
        "Neural Network.md": "- upper case note\n",
        "neural network.md": "- lower case note\n",
        "A.md": "- plain A\n",
        "A?.md": "- questioning A\n",
        "Links.md": "- [[Neural Network]]\n- [[neural network]]\n- [[A]]\n- [[A?]]\n",
    }
    root = make_garden(tmp_path, {**GOOD, **notes})
    if len(list((root / "notes").glob("*.md"))) != len(GOOD) + len(notes):
        pytest.skip("case-insensitive file system")
    proc = run_garden(root, "build")
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    site = root / "site"
    urls = {node["title"]: node["url"] for node in load_graph(site)["nodes"]}
    bodies = {"Neural Network": "upper case note", "neural network": "lower case note",
              "A": "plain A", "A?": "questioning A"}
    assert len({urls[title] for title in bodies}) == 4
    for title, body in bodies.items():
        page = read_html(site / urls[title])
        assert page.find("h1").text() == title
        assert page.find("section", "content").text() == body
    links = {a.text(): a.get("href") for a in read_html(site / urls["Links"]).find_all("a", "wikilink")}
    assert links == {title: urls[title] for title in bodies}
    assert len(warnings) == 2, warnings
    assert any(re.match(r"notes/(Neural Network|neural network)\.md: \S", w) for w in warnings), warnings
    assert any(re.match(r"notes/A\??\.md: \S", w) for w in warnings), warnings
    assert_good_pages(root)


# --------------------------------------------------------------------------- bad settings and output

@pytest.mark.parametrize("toml, line", [
    ('title = "Broken"\nentry = "Good One"\nnotes = \n', 3),
    ('title = "Broken"\ntitle "again"\n', 2),
    ('# comment\n\n\n[section\n', 4),
])
def test_garden_toml_syntax_error(tmp_path, toml, line):
    root, proc = build(tmp_path, {}, toml)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert re.search(rf"(^|\s)garden\.toml:{line}: ", proc.stderr), proc.stderr
    assert proc.stdout == ""
    assert not (root / "site").exists()


def test_garden_toml_unknown_setting_named_at_its_line(tmp_path):
    root, proc = build(tmp_path, {}, 'title = "x"\nentry = "Good One"\nentri = "Good One"\n')
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert re.search(r"garden\.toml:3: ", proc.stderr) and "entri" in proc.stderr
    assert not (root / "site").exists()


@pytest.mark.parametrize("out", ["notes/site", "notes", "notes/sub/deeper", "."])
def test_out_overlapping_notes_is_refused(tmp_path, out):
    root = make_garden(tmp_path / "garden", dict(GOOD), 'title = "x"\n')
    before = tree_digest(tmp_path)  # the garden and the folder around it, where a staging folder would go
    proc = run_garden(root, "build", "--out", out)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.strip()
    assert "notes" in proc.stderr
    assert proc.stdout == ""
    assert tree_digest(tmp_path) == before, "nothing is written"


def test_out_replacing_a_foreign_folder_is_refused(tmp_path):
    root = make_garden(tmp_path, dict(GOOD), 'title = "x"\n')
    (root / "docs").mkdir()
    (root / "docs" / "keep.txt").write_text("mine")
    before = tree_digest(root)
    proc = run_garden(root, "build", "--out", "docs")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.strip()
    assert tree_digest(root) == before


# --------------------------------------------------------------------------- former bugs

def test_line_numbers_after_front_matter(tmp_path):
    content = "---\ntitle: Fronted\n---\n- fine\n- opens [[never closed\n"
    root, proc = build(tmp_path, {"Fronted.md": content})
    assert proc.returncode == 0
    warnings = warnings_of(proc)
    assert len(warnings) == 1
    assert warnings[0].startswith("notes/Fronted.md:5: "), warnings[0]


def test_garden_toml_not_utf8(tmp_path):
    root, proc = build(tmp_path, {}, 'title = "café"\n'.encode("latin-1"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "garden.toml" in proc.stderr


@pytest.mark.skipif(sys.platform in ("darwin", "win32"), reason="needs a file system that takes any bytes")
def test_note_file_name_not_utf8(tmp_path):
    root = make_garden(tmp_path, dict(GOOD))
    (root / "notes" / os.fsdecode(b"caf\xe9.md")).write_text("- latin-1 name\n", encoding="utf-8")
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr[-300:]
    assert "Traceback" not in proc.stderr
    assert_good_pages(root)


def test_garden_toml_bad_setting_after_blank_line(tmp_path):
    root, proc = build(tmp_path, {}, 'title = "x"\n\nentri = "Good One"\n')
    assert proc.returncode == 2
    assert re.search(r"garden\.toml:3: ", proc.stderr), proc.stderr


def test_front_matter_closes_only_on_a_line_that_is_exactly_three_dashes(tmp_path):
    content = "---\ntitle: Fenced\n---extra: 1\ntags: [kept]\n---  \n- the body\n- opens [[never closed\n"
    root, proc = build(tmp_path, {"Fenced.md": content})
    assert warnings_of(proc) == ["notes/Fenced.md:7: `[[` is never closed"]
    page = read_html(root / "site" / "fenced.html")
    assert "---" not in page.find("main").text()
    assert {"source": "Fenced", "target": "kept", "kind": "tag"} in load_graph(root / "site")["links"]


@pytest.mark.parametrize("header, line, page", [
    ("title: [unclosed\n", 2, "unclosed.html"),
    ("title: fine\nkey: value: more\n", 3, "fine.html"),
    ("- a list\n- not a mapping\n", 2, "headed.html"),
])
def test_a_bad_front_matter_is_a_warning_with_its_line_and_the_note_builds(tmp_path, header, line, page):
    """A header that is not YAML still names the page when it has a `title:` line (Roam writes
    `title: [[CLM]] - Claim text`): its text as it is."""
    root, proc = build(tmp_path, {"Headed.md": f"---\n{header}---\n- body text\n"})
    (warning,) = warnings_of(proc)
    assert warning.startswith(f"notes/Headed.md:{line}: front matter"), warning
    assert "body text" in read_html(root / "site" / page).find("main").text()
