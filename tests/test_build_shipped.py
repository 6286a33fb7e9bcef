"""Building the shipped "Machine Learning Garden" and checking what the reader gets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from helpers import (SUMMARY, REPO, Element, load_graph, read_html, source_outline, visible_text,
                     word_count_of)

NN_SOURCE = REPO / "notes" / "Neural Network.md"
SEED_SENTENCES = [
    "A Neural Network is a multi-layer parametric functions with learned parameters.",
    "This is a definition by Professor Sergey Levine at 25:50 in the second part of lecture 1.",
    "Neural Networks were proposed as a rudimentary model of Neurons in the brain.",
    "Scalability is the ability that the performance gets better and better as we add more data, "
    "representational capacity, and compute.",
    "Activation transmitted to downstream units.",
]
DAILY = re.compile(r"^(January|February|March|April|May|June|July|August|September|October|November|December) "
                   r"\d{1,2}(st|nd|rd|th), \d{4}$")


def own_text(li: Element) -> str:
    """The text of a block's own body, without its children."""
    body = li.elements("div", "block-body")
    assert len(body) == 1, "each li.block has exactly one div.block-body"
    return body[0].text()


def outline_tree(page: Element) -> list[tuple[int, Element]]:
    """(depth, li.block) for the page's outline in document order, checking the list structure."""
    content = page.find("section", "content")
    assert content is not None
    roots = content.elements("ul", "outline")
    assert len(roots) == 1, "the content section holds one ul.outline"
    found: list[tuple[int, Element]] = []

    def walk(ul: Element, depth: int) -> None:
        assert ul.tag == "ul" and "outline" in ul.classes
        items = ul.elements()
        assert items and all(item.tag == "li" and "block" in item.classes for item in items), \
            "a ul.outline holds only li.block items"
        for li in items:
            found.append((depth, li))
            nested = li.elements("ul")
            assert len(nested) <= 1
            for ul_child in nested:
                walk(ul_child, depth + 1)

    walk(roots[0], 0)
    return found


@pytest.fixture(scope="module")
def nn_page(shipped_site: Path) -> Element:
    return read_html(shipped_site / "neural-network.html")


# --------------------------------------------------------------------------- the command itself

def test_exit_code_and_one_line_summary(shipped_build):
    proc = shipped_build.proc
    assert proc.returncode == 0
    assert proc.stderr == "", f"the shipped garden should build without warnings:\n{proc.stderr}"
    lines = proc.stdout.splitlines()
    assert len(lines) == 1, proc.stdout
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    pages, notes, ghosts, daily, shown, warnings = match.groups()[:6]
    assert shown == "site" and warnings is None

    graph = load_graph(shipped_build.site)
    note_files = list((shipped_build.notes).rglob("*.md"))
    assert int(notes) == len(note_files) > 10
    assert int(pages) == len(graph["nodes"])
    assert int(ghosts) == sum(node["ghost"] for node in graph["nodes"])
    assert int(ghosts) == int(pages) - int(notes)
    assert int(daily) == sum(bool(DAILY.match(node["title"])) for node in graph["nodes"])
    html_files = list(shipped_build.site.rglob("*.html"))
    assert len(html_files) == int(pages) + 5  # + index.html, all-pages.html, daily-notes.html, 404.html, graph.html


def test_build_never_writes_into_notes(shipped_build):
    assert shipped_build.notes_after == shipped_build.notes_before
    new_entries = shipped_build.root_entries_after - shipped_build.root_entries_before
    assert new_entries == {"site", ".garden-cache"}, f"build left {sorted(new_entries)} in the garden folder"


# --------------------------------------------------------------------------- the Neural Network page

def test_outline_is_nested_lists_mirroring_the_note(nn_page):
    source = source_outline(NN_SOURCE)
    rendered = outline_tree(nn_page)
    assert [depth for depth, _ in rendered] == [block.depth for block in source]
    for (depth, li), block in zip(rendered, source):
        if "$$" in block.raw or "{{" in block.raw or "```" in block.raw:
            continue  # math, macros and code render to something other than their source text
        assert own_text(li) == visible_text(block.raw), f"line {block.line}"


@pytest.mark.parametrize("sentence", SEED_SENTENCES)
def test_seed_sentences_are_blocks(nn_page, sentence):
    texts = [own_text(li) for _, li in outline_tree(nn_page)]
    assert sentence in texts


def test_definition_is_nested_under_its_question(nn_page):
    rendered = dict((own_text(li), li) for _, li in outline_tree(nn_page))
    definition = rendered[SEED_SENTENCES[0]]
    parents = [own_text(el) for el in definition.ancestors() if el.tag == "li"]
    assert parents[0] == "What is a Neural Network?"
    assert parents[1].startswith("Notes")
    children = [own_text(li) for li in definition.elements("ul")[0].elements("li")]
    assert children == [SEED_SENTENCES[1]]


def test_tags_attribute_links_to_concept(nn_page, shipped_site):
    rendered = [li for _, li in outline_tree(nn_page)]
    tags_block = next(li for li in rendered if own_text(li).startswith("Tags:"))
    assert own_text(tags_block) == "Tags: concept"
    links = {a.text(): a.get("href") for a in tags_block.elements("div")[0].find_all("a")}
    assert links["concept"] == "concept.html"
    assert (shipped_site / "concept.html").is_file()
    header_tags = nn_page.find("p", "page-tags")
    assert header_tags is not None
    assert "concept.html" in [a.get("href") for a in header_tags.find_all("a")]


def test_concept_page_lists_neural_network(shipped_site):
    concept = read_html(shipped_site / "concept.html")
    assert concept.find("h1").text() == "concept"
    tagged = concept.find("section", "tagged")
    assert tagged is not None, "concept.html has a Tagged section"
    tagged_links = {a.text(): a.get("href") for a in tagged.find_all("a")}
    assert tagged_links.get("Neural Network") == "neural-network.html"
    references = concept.find("section", "references")
    groups = {group.find("h3").text(): group for group in references.find_all("div", "reference-group")}
    assert "Neural Network" in groups
    refs = groups["Neural Network"].find_all("li", "reference")
    assert [ref.find("a", "reference-source").get("href") for ref in refs] == ["neural-network.html#L1"]
    assert refs[0].find("div", "reference-block").text() == "Tags: concept"


@pytest.mark.parametrize("note", sorted(p.name for p in (REPO / "notes").glob("*.md")
                                        if "{{word-count}}" in p.read_text(encoding="utf-8")))
def test_word_count_counts_the_words_of_the_children(shipped_site, note):
    # Computed independently from the note source: Roam markup ([[ ]], ::, $$, #, **, __, ^^, ^ids,
    # checkboxes) is stripped without merging or splitting words, so no tolerance is needed.
    source = source_outline(REPO / "notes" / note)
    graph = load_graph(shipped_site)
    url = next(node["url"] for node in graph["nodes"] if node["title"] == note.removesuffix(".md"))
    page = read_html(shipped_site / url)
    counted = [block for block in source if "{{word-count}}" in block.raw]
    shown = [span.text() for span in page.find("section", "content").find_all("span", "word-count")]
    assert shown == [f"{word_count_of(block.descendants())} words" for block in counted]


def test_neural_network_word_count_value(nn_page):
    notes_block = next(li for _, li in outline_tree(nn_page) if own_text(li).startswith("Notes"))
    source = next(block for block in source_outline(NN_SOURCE) if block.raw.startswith("Notes"))
    assert own_text(notes_block) == f"Notes {word_count_of(source.descendants())} words"


def test_formulas_are_mathml(nn_page, shipped_site):
    raw = (shipped_site / "neural-network.html").read_text(encoding="utf-8")
    content = nn_page.find("section", "content")
    maths = [math for math in content.find_all("math") if math.get("display") == "block"
             and not any("output" in (el.get("class") or "").split() for el in math.ancestors())]
    assert len(maths) == 2, "the seed's two formulas (inline math and results of code blocks aside)"
    sum_formula, sigma_formula = maths
    assert "∑" in sum_formula.text() and sum_formula.find("munder") is not None
    assert "σ" in sigma_formula.text()
    assert "&#x003C3;" in raw or "σ" in raw
    assert "$$" not in content.raw_text()
    assert "\\sum" not in raw and "\\sigma" not in raw


def test_referenced_in_lists_self_references_with_breadcrumbs(nn_page):
    source = source_outline(NN_SOURCE)
    self_refs = [block for block in source if "[[Neural Network]]" in block.raw]
    assert len(self_refs) == 5
    references = nn_page.find("section", "references")
    groups = references.find_all("div", "reference-group")
    assert groups[0].find("h3").text() == "Neural Network", "self-references come first"
    items = groups[0].find_all("li", "reference")
    assert len(items) == 5
    ids = {li.get("id"): own_text(li) for _, li in outline_tree(nn_page)}
    for item, block in zip(items, self_refs):
        assert item.find("div", "reference-block").text() == visible_text(block.raw)
        crumbs = [a.text() for a in item.find("nav", "breadcrumb").find_all("a")]
        assert crumbs == [visible_text(parent.raw) for parent in block.ancestors()]
        href = item.find("a", "reference-source").get("href")
        page, _, anchor = href.partition("#")
        assert page == "neural-network.html" and ids[anchor] == visible_text(block.raw)


def test_rudimentary_model_breadcrumb(nn_page):
    items = nn_page.find("section", "references").find_all("li", "reference")
    item = next(li for li in items
                if li.find("div", "reference-block").text().startswith("Neural Networks were proposed"))
    assert "Why do we call them Neural Networks?" in item.find("nav", "breadcrumb").text()


def test_other_pages_referencing_neural_network_are_listed(nn_page, shipped_build):
    sources = {path.stem for path in shipped_build.notes.glob("*.md")
               if "[[Neural Network]]" in path.read_text(encoding="utf-8")}
    groups = nn_page.find("section", "references").find_all("div", "reference-group")
    assert {group.find("h3").text() for group in groups} == sources


# --------------------------------------------------------------------------- index and graph

def test_index_is_the_entry_page(shipped_site, nn_page):
    entry = tomllib.loads((REPO / "garden.toml").read_text(encoding="utf-8"))["entry"]
    assert entry == "Neural Network"
    index = read_html(shipped_site / "index.html")
    assert index.find("h1").text() == "Neural Network"
    assert index.find("title").text().startswith("Neural Network")
    assert [own_text(li) for _, li in outline_tree(index)] == [own_text(li) for _, li in outline_tree(nn_page)]
    assert (shipped_site / "all-pages.html").is_file() and (shipped_site / "daily-notes.html").is_file()


def test_graph_json(shipped_site, shipped_build):
    graph = load_graph(shipped_site)
    assert set(graph) == {"nodes", "links"}
    assert graph["nodes"] and graph["links"]
    assert all(set(node) == {"title", "url", "tags", "ghost"} for node in graph["nodes"])
    assert all(set(link) == {"source", "target", "kind"} for link in graph["links"])
    titles = [node["title"] for node in graph["nodes"]]
    assert len(titles) == len(set(titles))
    urls = [node["url"] for node in graph["nodes"]]
    assert len(urls) == len(set(urls))
    assert all((shipped_site / url).is_file() for url in urls)
    note_titles = {path.stem for path in shipped_build.notes.glob("*.md")}
    assert {node["title"] for node in graph["nodes"] if not node["ghost"]} == note_titles
    assert all(link["source"] in titles and link["target"] in titles for link in graph["links"])
    assert {"source": "Neural Network", "target": "concept", "kind": "link"} in graph["links"]
    nn = next(node for node in graph["nodes"] if node["title"] == "Neural Network")
    assert nn["url"] == "neural-network.html" and "concept" in nn["tags"] and nn["ghost"] is False
    concept = next(node for node in graph["nodes"] if node["title"] == "concept")
    assert concept["ghost"] is True
