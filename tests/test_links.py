"""Link checking: every relative href/src of a built site resolves, fragments included, nothing external."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from helpers import absolute_urls, check_links, load_graph, make_garden, read_html, run_garden

# File names that are awkward in URLs, HTML attributes and file systems.
WEIRD_TITLES = [
    "Plain Page",
    "It's \"quoted\"",
    "Café Über",
    "日本",
    "What?",
    "C# Notes",
    "100% Sure",
    "Q&A",
    "Spaced   Out",
    "Topic/Sub Page",
]
BLOCK_IDS = {"Café Über": "blk-é", "日本": "blk-日本"}
EXPECTED_GHOSTS = {"April 16th, 2021", "Topic"}


def block_id(title: str) -> str:
    return BLOCK_IDS.get(title, f"blk-{WEIRD_TITLES.index(title)}")


def weird_note(index: int) -> str:
    title = WEIRD_TITLES[index]
    others = [other for other in WEIRD_TITLES if other != title]
    following = WEIRD_TITLES[(index + 1) % len(WEIRD_TITLES)]
    lines = [f"- Start of this note ^{block_id(title)}", "- Links"]
    for other in others:
        lines.append(f"    - [[{other}]]")
        lines.append(f"    - #[[{other}]]")
    alias_target = next(other for other in others if "#" not in other)
    lines += [
        f"    - [see {alias_target}]([[{alias_target}]])",
        "- Nested",
        "    - deeper",
        f"        - ref to (({block_id(following)})) here",
        f"- {{{{embed: (({block_id(following)}))}}}}",
        "- Daily [[April 16th, 2021]] and the namespace [[Topic]]",
    ]
    if "#" not in following:
        lines.append(f"- {{{{embed: [[{following}]]}}}}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def weird_build(tmp_path_factory):
    root = make_garden(tmp_path_factory.mktemp("weird"),
                       {f"{title}.md": weird_note(index) for index, title in enumerate(WEIRD_TITLES)},
                       toml='title = "Weird & \\"Names\\""\nentry = "Topic/Sub Page"\n')
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr
    return root, proc


@pytest.fixture(scope="module")
def weird_site(weird_build) -> Path:
    return weird_build[0] / "site"


def title_by_file(site: Path) -> dict[Path, str]:
    return {(site / unquote(node["url"])).resolve(): node["title"] for node in load_graph(site)["nodes"]}


# --------------------------------------------------------------------------- the shipped garden

def test_shipped_site_links_resolve(shipped_site):
    assert check_links(shipped_site) == []


def test_shipped_site_is_self_contained(shipped_site):
    assert absolute_urls(shipped_site) == []
    for css in (shipped_site / "static").glob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"https?://|@import|url\(\s*['\"]?(?:[a-z]+:|//)", text, re.IGNORECASE), css.name


def test_checker_sees_every_page(shipped_site):
    # guard against a checker that silently looks at nothing
    linked = set()
    for page in shipped_site.rglob("*.html"):
        for a in read_html(page).find_all("a"):
            href = a.get("href")
            if href and not href.startswith("#"):
                linked.add((page.parent / unquote(urlsplit(href).path)).resolve())
    pages = {path.resolve() for path in shipped_site.rglob("*.html")} - {(shipped_site / "404.html").resolve()}
    assert pages - linked == set(), "every page of the shipped site (but the 404 page) is linked from somewhere"


# --------------------------------------------------------------------------- awkward file names

def test_weird_names_build_without_warnings(weird_build):
    _, proc = weird_build
    assert proc.stderr == ""
    assert proc.stdout.startswith(f"Built {len(WEIRD_TITLES) + len(EXPECTED_GHOSTS)} pages ")


def test_weird_names_each_note_has_its_own_page(weird_site):
    graph = load_graph(weird_site)
    notes = {node["title"]: node["url"] for node in graph["nodes"] if not node["ghost"]}
    assert set(notes) == set(WEIRD_TITLES)
    assert {node["title"] for node in graph["nodes"] if node["ghost"]} == EXPECTED_GHOSTS
    assert len(set(notes.values())) == len(notes)
    for title, url in notes.items():
        assert not set(url) & set("?#%&\"' "), f"{title!r} got a URL that needs escaping: {url!r}"
        page = read_html(weird_site / url)
        assert page.find("h1").text() == " ".join(title.split())
        assert page.find("article").get("data-title") == title
    assert notes["Topic/Sub Page"].count("/") == 1, "a namespaced title lives in a subfolder"


def test_weird_names_links_resolve(weird_site):
    assert check_links(weird_site) == []


def test_weird_names_links_reach_the_named_page(weird_site):
    titles = title_by_file(weird_site)
    checked = 0
    for page in weird_site.rglob("*.html"):
        content = read_html(page).find("section", "content")
        if content is None:
            continue
        for a in content.find_all("a"):
            if not ({"wikilink", "tag"} & a.classes):
                continue
            label = a.text()
            expected = label.removeprefix("#").removeprefix("see ")
            target = (page.parent / unquote(urlsplit(a.get("href")).path)).resolve()
            assert " ".join(titles.get(target, "").split()) == expected, f"{page.name}: {a.get('href')}"
            checked += 1
    assert checked > len(WEIRD_TITLES) ** 2


def test_weird_names_block_refs_and_embeds_point_at_their_block(weird_site):
    titles = title_by_file(weird_site)
    urls = {node["title"]: node["url"] for node in load_graph(weird_site)["nodes"]}
    for title in WEIRD_TITLES:
        page_path = weird_site / urls[title]
        page = read_html(page_path)
        sources = page.find_all("a", "block-ref-source")
        assert sources, title
        for a in sources:
            parts = urlsplit(a.get("href"))
            target = (page_path.parent / unquote(parts.path)).resolve()
            block = unquote(parts.fragment)
            assert block_id(titles[target]) == block, f"{title}: {a.get('href')}"
            assert [el.tag for el in read_html(target).iter() if el.get("id") == block] == ["li"]
        assert page.find_all("span", "embed"), title


def test_weird_names_index_is_the_namespaced_entry(weird_site):
    index = read_html(weird_site / "index.html")
    assert index.find("h1").text() == "Topic/Sub Page"
    assert index.find("title").text() == 'Topic/Sub Page · Weird & "Names"'


def test_weird_names_site_is_self_contained(weird_site):
    assert absolute_urls(weird_site) == []


# --------------------------------------------------------------------------- former bugs

def test_wikilink_to_title_containing_hash(tmp_path):
    root = make_garden(tmp_path, {"C# Notes.md": "- sharp\n", "Start.md": "- see [[C# Notes]]\n"})
    proc = run_garden(root, "build")
    assert proc.returncode == 0
    site = root / "site"
    graph = load_graph(site)
    url = next(node["url"] for node in graph["nodes"] if node["title"] == "C# Notes")
    link = read_html(site / "start.html").find("a", "wikilink")
    assert link.get("href") == url
    assert not [node for node in graph["nodes"] if node["ghost"]]


def test_heading_link_fragment_exists(tmp_path):
    root = make_garden(tmp_path, {"Other.md": "- # Section\n    - body\n", "Start.md": "- see [[Other#Section]]\n"})
    proc = run_garden(root, "build")
    assert proc.returncode == 0 and proc.stderr == ""
    href = read_html(root / "site" / "start.html").find("a", "wikilink").get("href")
    assert href.startswith("other.html#")
    assert check_links(root / "site") == []


def test_link_matches_decomposed_file_name(tmp_path):
    nfd = unicodedata.normalize("NFD", "Café")
    nfc = unicodedata.normalize("NFC", "Café")
    assert nfd != nfc
    root = make_garden(tmp_path, {f"{nfd}.md": "- coffee\n", "Start.md": f"- see [[{nfc}]]\n"})
    proc = run_garden(root, "build")
    assert proc.returncode == 0
    graph = load_graph(root / "site")
    assert not [node for node in graph["nodes"] if node["ghost"]]
    assert proc.stderr == ""
