"""`garden import roam`: a Roam-shaped JSON export in, notes out, and the built site says the same.

The export (tests/fixtures/roam_export.json) has every field of Roam's JSON export: nested
children, numbered and document views, headings, text-align, props, refs and times, a daily page,
namespaced and odd titles (unicode, `:`/`?`, a case collision, punctuation only, leading and
trailing dots, a Windows device name, every unsafe character, a very long title), block refs and
embeds across pages, a uid of digits only, empty pages and a page whose note already exists.
What it means is read here from the JSON with regular expressions of its own, never through
garden, and compared with what `garden build --no-exec` wrote.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import SUMMARY, load_graph, make_garden, read_html, run_garden, tree_digest

EXPORT = Path(__file__).parent / "fixtures" / "roam_export.json"
EXISTING = "- my own text, which the import must keep\n"

LINK = re.compile(r"\[\[([^\[\]]+)\]\]")  # also inside #[[…]], [label]([[…]]), {{embed: [[…]]}}, {{[[TODO]]}}
TAG = re.compile(r"(?:^|(?<=[\s(\[{]))#([\w/-]*\w)")
ATTRIBUTE = re.compile(r"^([^\s:`\[\]{}#][^:`\[\]{}\n]*?)::(?=\s|$)")
BLOCK_REF = re.compile(r"\(\(([\w-]+)\)\)")
SUMMARY_LINE = re.compile(r"^Imported (\d+) pages? into (.+)/(?: \((.*)\))?: (\d+) blocks?, "
                          r"(\d+) block ids? kept for references and embeds(?:; .*)?$")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def walk(blocks):
    for block in blocks or []:
        yield block
        yield from walk(block.get("children"))


def export_pages() -> list[dict]:
    return json.loads(EXPORT.read_text(encoding="utf-8"))


def imported_pages() -> list[dict]:
    """The pages the import writes: those with blocks, except the one whose note exists."""
    return [page for page in export_pages() if page.get("children") and page["title"] != "Existing"]


def expected_referrers() -> dict[str, set[str]]:
    """Page title -> titles of the imported pages that reference it, as the export says."""
    pages = imported_pages()
    page_of_block = {block["uid"]: page["title"] for page in export_pages() for block in walk(page.get("children"))}
    referrers: dict[str, set[str]] = defaultdict(set)
    for page in pages:
        for block in walk(page["children"]):
            text = block["string"]
            targets = LINK.findall(text) + TAG.findall(text) + ATTRIBUTE.findall(text)
            targets += [page_of_block[uid] for uid in BLOCK_REF.findall(text)]
            for target in targets:
                referrers[nfc(target.strip())].add(page["title"])
    return referrers


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A garden with one note of its own, the export imported into it, and the site built."""
    root = make_garden(tmp_path_factory.mktemp("roam"), {"Existing.md": EXISTING})
    result = run_garden(root, "import", "roam", str(EXPORT))
    build = run_garden(root, "build", "--no-exec")
    assert build.returncode == 0, build.stderr
    return root, result, build


def site_page(root: Path, graph: dict, title: str):
    url = {node["title"]: node["url"] for node in graph["nodes"]}[title]
    return url, read_html(root / "site" / url)


def test_import_writes_every_page_with_blocks_and_reports_the_existing_note(imported):
    root, result, _ = imported
    assert result.returncode == 1  # a page was left out
    assert result.stderr.splitlines() == [
        "garden: notes/Existing.md already holds the page 'Existing'; not overwritten, page not imported"]
    assert (root / "notes" / "Existing.md").read_text(encoding="utf-8") == EXISTING
    match = SUMMARY_LINE.match(result.stdout.strip())
    assert match, result.stdout
    pages = imported_pages()
    blocks = sum(len(list(walk(page["children"]))) for page in pages)
    assert match.group(1, 2, 4) == (str(len(pages)), "notes", str(blocks))
    assert match.group(3) == "1 skipped as existing, 2 without blocks left as ghost pages"
    assert match.group(5) == "6"
    assert len(list((root / "notes").rglob("*.md"))) == len(pages) + 1


def test_every_page_keeps_its_exact_title_and_the_daily_page_is_a_daily_note(imported):
    root, _, build = imported
    graph = load_graph(root / "site")
    notes = {node["title"] for node in graph["nodes"] if not node["ghost"]}
    assert notes == {nfc(page["title"]) for page in imported_pages()} | {"Existing"}
    summary = SUMMARY.match(build.stdout.strip())
    assert summary and summary.group(4) == "1", build.stdout
    _, daily = site_page(root, graph, "April 16th, 2021")
    assert daily.find("p", "page-date") is not None
    assert "April 16th, 2021" in (root / "site" / "daily-notes.html").read_text(encoding="utf-8")
    for title in ("a/b/c", "a/b"):  # namespaces are folders, titled by their path
        path = root / "notes" / f"{title}.md"
        assert path.is_file() and not path.read_text(encoding="utf-8").startswith("---")


def test_file_names_are_safe_everywhere_and_odd_titles_live_in_front_matter(imported):
    root, _, _ = imported
    notes = root / "notes"
    written = sorted(path.relative_to(notes).as_posix() for path in notes.rglob("*.md"))
    assert len({path.casefold() for path in written}) == len(written)
    for relative in written:
        for segment in relative.split("/"):
            assert not re.search(r'[<>:"|?*\\\x00-\x1f]', segment), relative
            assert not segment.startswith(".") and segment == segment.rstrip(" .")
            assert len(segment.encode("utf-8")) <= 255
            assert segment.split(".")[0].lower() not in {"con", "prn", "aux", "nul"}
        text = (notes / relative).read_text(encoding="utf-8")
        header = yaml.safe_load(text.split("---\n")[1]) if text.startswith("---\n") else {}
        title = header.get("title", relative.removesuffix(".md"))
        assert title == relative.removesuffix(".md") or "title" in header
    titles = {nfc(page["title"]) for page in imported_pages()}
    assert {"What? now: yes", "?!", "...", "con", "etc.", "Case", "case"} <= titles


def test_backlinks_and_block_refs_in_the_site_match_the_references_in_the_export(imported):
    root, _, _ = imported
    site = root / "site"
    graph = load_graph(site)
    title_of_url = {node["url"]: node["title"] for node in graph["nodes"]}
    found: dict[str, set[str]] = defaultdict(set)
    for node in graph["nodes"]:
        url, tree = site_page(root, graph, node["title"])
        references = tree.find("section", "references")
        for group in references.find_all("div", "reference-group"):
            found[node["title"]].add(group.find("h3").text())
        if node["ghost"]:
            continue
        # garden lists links, tags and attributes as backlinks, not `((uid))` refs: those are
        # read off the page itself, from each top-level block ref and embed to its source
        content = tree.find("section", "content")
        for anchor in content.find_all("a"):
            if not anchor.classes & {"block-ref-source", "embed-source"}:
                continue
            outer = [el for el in anchor.ancestors()[1:] if el.classes & {"block-ref", "embed"}]
            if any(content in el.ancestors() for el in outer):
                continue  # inside a block ref or embed: the referenced block's own reference
            href = anchor.get("href").split("#")[0]
            target = title_of_url[posixpath.normpath(posixpath.join(posixpath.dirname(url), href))]
            found[target].add(node["title"])
    expected = expected_referrers()
    assert {title: sources for title, sources in found.items() if sources} == dict(expected)
    assert {link["source"] for link in graph["links"]} <= {page["title"] for page in imported_pages()}


def test_every_block_ref_and_embed_resolves(imported):
    root, _, build = imported
    assert "points at" not in build.stderr
    for page in (root / "site").rglob("*.html"):
        tree = read_html(page)
        assert not [el for el in tree.iter() if "broken" in el.classes], page


def test_block_ids_are_kept_on_exactly_the_referenced_blocks(imported):
    root, _, _ = imported
    referenced = {uid for page in imported_pages() for block in walk(page["children"])
                  for uid in BLOCK_REF.findall(block["string"])}
    renamed = {uid: f"roam-{uid}" if uid.isdigit() else uid for uid in referenced}
    ids = set()
    for path in (root / "notes").rglob("*.md"):
        ids.update(re.findall(r"(?:^| )\^([\w-]+)$", path.read_text(encoding="utf-8"), re.MULTILINE))
    assert ids == set(renamed.values())
    graph = load_graph(root / "site")
    anchors = {el.get("id") for node in graph["nodes"] if not node["ghost"]
               for el in site_page(root, graph, node["title"])[1].find_all("li", "block")}
    assert set(renamed.values()) <= anchors


def test_outline_headings_views_and_multi_line_blocks(imported):
    root, _, _ = imported
    graph = load_graph(root / "site")
    _, daily = site_page(root, graph, "April 16th, 2021")
    content = daily.find("section", "content")
    by_id = {el.get("id"): el for el in content.find_all("li", "block")}
    body = lambda uid: by_id[uid].elements("div", "block-body")[0]
    assert [body(uid).elements()[0].tag for uid in ("hdgOne001", "hdgTwo002")] == ["h1", "h2"]
    assert body("hdgOne001").text() == "Met Alice about #roam and #Big Idea"
    # the children of a block in a numbered view are an ordered list, nested under their block
    numbered = by_id["hdgTwo002"].elements("ol", "outline")[0].elements("li", "block")
    assert [item.text() for item in numbered] == ["first point", "second point with Bob", "third point"]
    details = [li for li in by_id["hdgOne001"].elements("ul", "outline")[0].elements("li", "block")][-1]
    assert details.elements("div", "block-body")[0].elements()[0].tag == "h3"
    # one block for every line of a multi-line string; a caret that looks like an id is text
    multi = by_id["multiL008"]
    assert not multi.find("ul", "outline")
    assert body("multiL008").text() == "Shopping list: - milk * eggs + bread last line ^not-an-id"
    code = body("codeBl009").find("code").text()
    assert code == "x = 1 - not a bullet"
    _, alice = site_page(root, graph, "Alice")  # a document view keeps its children too
    assert len(alice.find("section", "content").find_all("li", "block")) == 4


def test_front_matter_keeps_page_times_and_garden_reads_the_notes_without_warnings(imported):
    root, _, build = imported
    text = (root / "notes" / "April 16th, 2021.md").read_text(encoding="utf-8")
    assert text.startswith("---\ncreated: 2021-04-16T08:00:00Z\nedited: 2021-04-16T09:00:00Z\n---\n- # Met")
    warnings = [line for line in build.stderr.splitlines() if "clashes with another page" not in line]
    assert warnings == []  # URL clashes are garden's: `Case`/`case` and `...`/`?!` slug alike


def test_importing_again_writes_nothing_and_names_every_file(imported, tmp_path):
    root, _, _ = imported
    copy = tmp_path / "again"
    shutil.copytree(root / "notes", copy / "notes")
    before = tree_digest(copy / "notes")
    result = run_garden(copy, "import", "roam", str(EXPORT))
    assert result.returncode == 1
    assert tree_digest(copy / "notes") == before
    assert len(result.stderr.splitlines()) == len(imported_pages()) + 1
    assert all("not overwritten" in line for line in result.stderr.splitlines())
    assert result.stdout.startswith("Imported 0 pages into notes/ (15 skipped as existing")


def test_notes_option_and_zip_export(tmp_path):
    archive = tmp_path / "Roam-Export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(EXPORT, "my-graph.json")
    result = run_garden(tmp_path, "import", "roam", str(archive), "--notes", "elsewhere")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Imported {len(imported_pages()) + 1} pages into elsewhere/")
    assert (tmp_path / "elsewhere" / "a" / "b" / "c.md").is_file()


def test_uids_and_strings_garden_would_misread(tmp_path):
    export = [
        {"title": "P", "children": [
            {"string": "plain", "uid": "2024-01-0"},
            {"string": "", "uid": "emptyRef1"},
            {"string": "tail ^looks-like-id", "uid": "tailRef01"},
            {"string": "`((tailRef01))` in code is no ref; ((2024-01-0)) ((emptyRef1)) ((tailRef01)) ((gone00000))"},
        ]},
    ]
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    result = run_garden(tmp_path, "import", "roam", "export.json")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith("3 block ids kept for references and embeds; "
                                  "1 referenced block not in the export\n")
    assert (tmp_path / "notes" / "P.md").read_text(encoding="utf-8") == (
        "- plain ^roam-2024-01-0\n- ^emptyRef1\n- tail \\^looks-like-id ^tailRef01\n"
        "- `((tailRef01))` in code is no ref; ((roam-2024-01-0)) ((emptyRef1)) ((tailRef01)) ((gone00000))\n")


MALFORMED = {
    "not JSON": (b"[{\"title\": ", "is not JSON: Expecting value at line 1 column 12"),
    "empty file": (b"", "is not JSON: Expecting value at line 1 column 1"),
    "not UTF-8": (b"[\xff]", "is not JSON: not valid UTF-8 at byte offset 1"),
    "an object": (b"{\"title\": \"x\"}", "is an object, expected Roam's JSON export: a list of pages"),
    "not a page": (b"[1]", "page 1 is a number, expected an object with a title"),
    "no title": (b"[{\"title\": \"ok\"}, {\"children\": []}]", "page 2 has no title"),
    "blank title": (b"[{\"title\": \"  \"}]", "page 1 has no title"),
    "title not text": (b"[{\"title\": 5}]", "page 1: 'title' is a number, expected text"),
    "children not a list": (b"[{\"title\": \"x\", \"children\": {}}]",
                            "page 1 ('x'): 'children' is an object, expected a list of blocks"),
    "string not text": (b"[{\"title\": \"x\", \"children\": [{\"string\": \"a\", \"children\": [{\"string\": 5}]}]}]",
                        "page 1 ('x').children[0].children[0]: 'string' is a number, expected text"),
    "too deep": (b"[" * 100_000 + b"]" * 100_000, "is not JSON garden can read: nested too deeply"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_export_is_one_line_exit_2_and_writes_nothing(tmp_path, name):
    data, message = MALFORMED[name]
    (tmp_path / "export.json").write_bytes(data)
    result = run_garden(tmp_path, "import", "roam", "export.json")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"garden: export.json: {message}\n"
    assert not (tmp_path / "notes").exists()


def test_a_missing_export_is_one_line_exit_2(tmp_path):
    result = run_garden(tmp_path, "import", "roam", "nowhere.json")
    assert result.returncode == 2
    assert result.stderr.startswith("garden: nowhere.json: cannot be read (") and result.stderr.count("\n") == 1


def test_duplicate_titles_and_folders_that_differ_in_case(tmp_path):
    make_garden(tmp_path, {"Topics/old.md": "- kept\n"})
    export = [{"title": "topics/new", "children": [{"string": "in the existing folder"}]},
              {"title": "Twice", "children": [{"string": "first"}]},
              {"title": "Twice", "children": [{"string": "second"}]},
              {"title": "Twice" + "\u0301", "children": [{"string": "not the same title"}]}]
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    result = run_garden(tmp_path, "import", "roam", "export.json")
    assert result.returncode == 0
    assert result.stderr == ("garden: export.json: page 'Twice' is in the export more than once; "
                             "only the first is imported\n")
    assert "(1 duplicate title)" in result.stdout
    assert (tmp_path / "notes" / "Twice.md").read_text(encoding="utf-8") == "- first\n"
    # one folder whatever the case: `topics/new` goes into Topics/, its title in front matter
    assert (tmp_path / "notes" / "Topics" / "new.md").read_text(encoding="utf-8") == (
        '---\ntitle: "topics/new"\n---\n- in the existing folder\n')
    build = run_garden(tmp_path, "build", "--no-exec")
    titles = {node["title"] for node in load_graph(tmp_path / "site")["nodes"]}
    assert {"topics/new", "Topics/old", "Twice", nfc("Twice\u0301")} <= titles, build.stderr


def test_roam_code_blocks_close_their_fence_and_keep_their_children(tmp_path):
    export = [{"title": "Code", "children": [
        {"string": "```python\nprint(1)```", "uid": "roamCode1", "children": [{"string": "child of the code"}]},
        {"string": "```one line```", "children": [{"string": "child of the one-liner"}]},
        {"string": "```\nnever closed\n- not a block", "children": [{"string": "child of the open fence"}]},
        {"string": "{{embed: ((roamCode1))}}"}]}]
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    assert run_garden(tmp_path, "import", "roam", "export.json").returncode == 0
    assert (tmp_path / "notes" / "Code.md").read_text(encoding="utf-8") == (
        "- ```python\n  print(1)\n  ```\n  ^roamCode1\n    - child of the code\n"
        "- ```\n  one line\n  ```\n    - child of the one-liner\n"
        "- ```\n  never closed\n  - not a block\n  ```\n    - child of the open fence\n"
        "- {{embed: ((roamCode1))}}\n")
    build = run_garden(tmp_path, "build", "--no-exec")
    assert build.stderr == ""
    tree = read_html(tmp_path / "site" / "code.html").find("section", "content")
    codes = [code.text() for code in tree.find_all("code")]
    assert codes == ["print(1)", "one line", "never closed - not a block", "print(1)"]  # the embed shows it again
    top = tree.find("ul", "outline").elements("li", "block")
    assert [[child.text() for child in li.elements("ul", "outline")[0].elements("li")] for li in top[:3]] == [
        ["child of the code"], ["child of the one-liner"], ["child of the open fence"]]


# --------------------------------------------------------------------------- any export

PIECES = ["-", "- ", "* ", "+ ", " ", "\n", "\n\n", "```", "~~~", "`", "^", " ^id", "a", "#", "# ", "((u1))",
          "((12345))", "\t", "\r\n", "x::", "[[P]]", "{{embed: ((u1))}}", "\\", "---", "é", "e\u0301", "\u2028", ">"]
TITLE_PIECES = ["a", "A", "b", "/", ":", "?", ".", " ", "é", "e\u0301", "\\", "*", "#", "con", "…", "日"]


def _block_strategy():
    leaf = st.fixed_dictionaries({"string": st.lists(st.sampled_from(PIECES), max_size=6).map("".join),
                                  "heading": st.sampled_from([None, 1, 2, 3]),
                                  "uid": st.sampled_from(["u1", "12345", None, None])})
    return st.recursive(leaf.map(lambda block: {**block, "children": []}),
                        lambda children: st.tuples(leaf, st.lists(children, max_size=3)).map(
                            lambda pair: {**pair[0], "children": pair[1]}), max_leaves=8)


def _shape(blocks) -> list:
    return [_shape(block["children"]) for block in blocks]


def _html_shape(outline) -> list:
    if outline is None:
        return []
    return [_html_shape(next(iter(item.elements("ul", "outline")), None)) for item in outline.elements("li", "block")]


@pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")
def test_any_export_reads_back_as_the_same_outline_titles_and_refs():
    """Hypothesis: odd titles and block strings of every construct's pieces import and build
    as the same outline, with the same titles and no broken reference (GARDEN_FUZZ=long: 1,000)."""
    titles = st.lists(st.lists(st.sampled_from(TITLE_PIECES), min_size=1, max_size=5).map("".join)
                      .filter(lambda title: title.strip()), min_size=1, max_size=4,
                      unique_by=lambda title: nfc(title))
    pages = titles.flatmap(lambda names: st.tuples(st.just(names), st.lists(
        st.lists(_block_strategy(), min_size=1, max_size=3), min_size=len(names), max_size=len(names))))

    @settings(max_examples=1000 if os.environ.get("GARDEN_FUZZ") == "long" else 30, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(pages)
    def check(drawn):
        names, outlines = drawn
        seen: set[str] = set()
        for outline in outlines:  # each uid once in the whole export
            for block in walk(outline):
                if block["uid"] in seen:
                    block["uid"] = None
                seen.add(block["uid"])
        export = [{"title": name, "children": outline} for name, outline in zip(names, outlines)]
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            (root / "export.json").write_text(json.dumps(export), encoding="utf-8")
            result = run_garden(root, "import", "roam", "export.json")
            assert result.returncode == 0 and result.stderr == "", result.stderr
            build = run_garden(root, "build", "--no-exec")
            assert build.returncode == 0
            assert not re.search(r"fence|block id", build.stderr), build.stderr
            exported = {uid for outline in outlines for block in walk(outline) if (uid := block["uid"])}
            exported |= {f"roam-{uid}" for uid in exported}
            for line in build.stderr.splitlines():  # only references to blocks the export lacks are broken
                if "points at" in line:
                    assert not set(BLOCK_REF.findall(line)) & exported, line
            graph = load_graph(root / "site")
            assert {node["title"] for node in graph["nodes"] if not node["ghost"]} == {nfc(name) for name in names}
            for name, outline in zip(names, outlines):
                _, tree = site_page(root, graph, nfc(name))
                assert _html_shape(tree.find("section", "content").find("ul", "outline")) == _shape(outline)

    check()
