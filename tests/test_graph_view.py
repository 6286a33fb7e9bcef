"""The graph view in the built HTML: `graph.html`, drawn at build time, and the local graph of each page."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

from helpers import Element, load_graph, make_garden, read_html, run_garden, run_garden_process

MAX_LOCAL_NODES = 20


def svg_of(page: Element, kind: str) -> Element | None:
    return next((svg for svg in page.find_all("svg") if f"graph-{kind}" in svg.classes), None)


def graph_nodes(svg: Element) -> list[Element]:
    """The nodes of a drawing by their number (which its lines' `data-ends` name)."""
    return sorted(svg.find_all("a", "graph-node"), key=lambda a: int(a.get("data-node")))


def drawn_urls(svg: Element, page_path: str) -> list[str]:
    """The site path each node of a drawing links to, by node number."""
    folder = os.path.dirname(page_path)
    return [os.path.normpath(os.path.join(folder, unquote(a.get("href")))) for a in graph_nodes(svg)]


def drawn_links(svg: Element, urls: list[str]) -> dict[frozenset[str], set[str]]:
    """The drawn links, as pairs of site paths, with the classes of their line."""
    links = {}
    for line in svg.find_all("line", "graph-edge"):
        a, b = map(int, line.get("data-ends").split())
        links[frozenset((urls[a], urls[b]))] = line.classes
    return links


def note_links(site: Path) -> tuple[dict[str, set[str]], set[frozenset[str]]]:
    """From graph.json: each note's neighbours among the notes (links either way, any kind, by URL),
    and the pairs linked by `uses`."""
    graph = load_graph(site)
    url = {node["title"]: node["url"] for node in graph["nodes"] if not node["ghost"]}
    neighbours: dict[str, set[str]] = {address: set() for address in url.values()}
    uses = set()
    for link in graph["links"]:
        source, target = url.get(link["source"]), url.get(link["target"])
        if source and target and source != target:
            neighbours[source].add(target)
            neighbours[target].add(source)
            if link["kind"] == "uses":
                uses.add(frozenset((source, target)))
    return neighbours, uses


def linking_notes(site: Path) -> dict[str, int]:
    """By note URL: how many other notes link to it."""
    graph = load_graph(site)
    url = {node["title"]: node["url"] for node in graph["nodes"] if not node["ghost"]}
    sources: dict[str, set[str]] = {address: set() for address in url.values()}
    for link in graph["links"]:
        if link["source"] in url and link["target"] in url and link["source"] != link["target"]:
            sources[url[link["target"]]].add(link["source"])
    return {address: len(linking) for address, linking in sources.items()}


def test_the_global_graph_draws_each_note_once_and_the_links_between_them(shipped_site):
    neighbours, uses = note_links(shipped_site)
    page = read_html(shipped_site / "graph.html")
    svg = svg_of(page, "global")
    urls = drawn_urls(svg, "graph.html")
    assert sorted(urls) == sorted(neighbours), "one node per note, none for a ghost page"
    titles = {node["url"]: node["title"] for node in load_graph(shipped_site)["nodes"]}
    assert [a.find("title").text().split(" · ")[0] for a in graph_nodes(svg)] == [titles[u] for u in urls]
    expected = {frozenset((a, b)) for a, others in neighbours.items() for b in others}
    links = drawn_links(svg, urls)
    assert set(links) == expected
    assert {pair for pair, classes in links.items() if "uses" in classes} == uses != set()
    header = page.find("header").find("nav")
    assert "graph.html" in [a.get("href") for a in header.find_all("a")], "the header links the graph"


def test_bigger_nodes_for_more_linked_notes_and_labels_for_the_most_linked(shipped_site):
    svg = svg_of(read_html(shipped_site / "graph.html"), "global")
    counts = linking_notes(shipped_site)
    urls = drawn_urls(svg, "graph.html")
    radius = {url: float(a.find("circle").get("r")) for url, a in zip(urls, graph_nodes(svg))}
    by_links = sorted(urls, key=lambda url: counts[url])
    assert [radius[url] for url in by_links] == sorted(radius.values())
    assert radius[by_links[-1]] > radius[by_links[0]]
    assert all(a.find("text") is not None for a in graph_nodes(svg)), "a small garden: all labelled"


def test_coordinates_are_rounded_to_one_decimal(shipped_site):
    html = (shipped_site / "graph.html").read_text(encoding="utf-8")
    svg = html[html.index("<svg class=\"graph"):html.index("</svg>")]
    numbers = re.findall(r'\s(?:x|y|x1|y1|x2|y2|cx|cy|r|viewBox)="([^"]+)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+(?:\.\d)?", number) for value in numbers for number in value.split())


def test_coloured_tags_have_a_legend(shipped_site):
    page = read_html(shipped_site / "graph.html")
    legend = page.find("ul", "graph-legend")
    tags = [(item.find("span").classes, item.find("a")) for item in legend.find_all("li") if item.find("a")]
    assert tags, "the shipped garden's tags are coloured"
    for classes, link in tags:
        colour = next(name for name in classes if name.startswith("graph-tag-"))
        tagged = read_html(shipped_site / unquote(link.get("href")))
        members = {a.get("href") for a in tagged.find("section", "tagged").find_all("a")}
        coloured = {a.get("href") for a in graph_nodes(svg_of(page, "global")) if colour in a.classes}
        assert coloured and coloured <= members, f"{link.text()}: its colour marks notes it tags"
    assert [item.find("span", "graph-line").classes for item in legend.find_all("li") if item.find("span", "graph-line")
            ] == [{"graph-line"}, {"graph-line", "uses"}]


def test_every_note_page_draws_its_neighbourhood(shipped_site):
    neighbours, _ = note_links(shipped_site)
    for node in load_graph(shipped_site)["nodes"]:
        page = read_html(shipped_site / node["url"])
        svg = svg_of(page, "local")
        if node["ghost"] or not neighbours[node["url"]]:
            assert svg is None, node["title"]
            continue
        urls = drawn_urls(svg, node["url"])
        current = [url for url, a in zip(urls, graph_nodes(svg)) if a.get("aria-current") == "page"]
        assert current == [node["url"]] and "current" in graph_nodes(svg)[urls.index(node["url"])].classes
        near = neighbours[node["url"]]
        within_two = near | {far for other in near for far in neighbours[other]}
        assert set(urls) - {node["url"]} <= within_two and len(urls) == len(set(urls)) <= MAX_LOCAL_NODES
        assert near <= set(urls) or len(urls) == MAX_LOCAL_NODES
        assert all(frozenset((node["url"], other)) in drawn_links(svg, urls) for other in near & set(urls))


def big_garden(root: Path, count: int, hubs: int) -> Path:
    """`count` notes; note i links to hub i % `hubs` and to the next note, except the last 20, which
    nothing links to."""
    notes = {f"Note {i:03}.md": f"- see [[Note {i % hubs:03}]]" + (f" and [[Note {i + 1:03}]]\n" if i + 1 < count - 20
                                                                     else "\n") for i in range(count)}
    return make_garden(root, notes, 'title = "Big"\n')


def test_a_garden_bigger_than_the_cap_shows_its_most_linked_notes(tmp_path):
    root = big_garden(tmp_path, 330, hubs=40)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    site = root / "site"
    page = read_html(site / "graph.html")
    urls = drawn_urls(svg_of(page, "global"), "graph.html")
    counts = linking_notes(site)
    left_out = set(counts) - set(urls)
    assert len(urls) == 300 and len(left_out) == 30
    assert min(counts[url] for url in urls) >= max(counts[url] for url in left_out)
    summary = page.find("p", "graph-summary").text()
    assert "The 300 most linked notes, of 330" in summary and "30 notes are left out" in summary
    hub = read_html(site / "note-000.html")
    assert len(drawn_urls(svg_of(hub, "local"), "note-000.html")) == MAX_LOCAL_NODES, "the local graph is capped too"


def test_the_same_garden_gives_the_same_drawings(tmp_path):
    """Two builds in fresh interpreters with different hash seeds: byte-identical graphs and previews."""
    sites = []
    for seed in ("1", "2"):
        root = tmp_path / seed
        big_garden(root, 60, hubs=7)
        assert run_garden_process(root, "build", "--no-exec", env_extra={"PYTHONHASHSEED": seed}).returncode == 0
        sites.append(root / "site")
    first, second = sites
    assert (first / "graph.html").read_bytes() == (second / "graph.html").read_bytes()
    for page in sorted(first.glob("note-*.html")):
        assert svg_of(read_html(page), "local") is not None
        assert (second / page.name).read_bytes() == page.read_bytes(), page.name
    previews = sorted(path.relative_to(first) for path in (first / "previews").rglob("*.js"))
    assert previews and all((first / path).read_bytes() == (second / path).read_bytes() for path in previews)


def test_a_local_graph_sizes_its_notes_by_the_links_among_them_and_a_link_elsewhere_leaves_it(tmp_path):
    """As in Quartz's local graph, a note's circle and tooltip count the notes of the drawing that
    link to it; so a link to a note the drawing shows, from a note it does not show, changes the
    linked note's page but not this one."""
    notes = {"Page.md": "- on [[Hub]] and [[Side]]\n", "Side.md": "- also [[Hub]]\n",
             "Hub.md": "- the hub\n", "Far.md": "- nothing yet\n"}
    notes |= {f"Fan {i:02}.md": "- fan of [[Hub]]\n" for i in range(20)}  # more than the drawing has room for
    root = make_garden(tmp_path, notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    site = root / "site"
    svg = svg_of(read_html(site / "page.html"), "local")
    urls = drawn_urls(svg, "page.html")
    tooltips = {url: a.find("title").text() for url, a in zip(urls, graph_nodes(svg))}
    radius = {url: float(a.find("circle").get("r")) for url, a in zip(urls, graph_nodes(svg))}
    assert len(urls) == MAX_LOCAL_NODES and "far.html" not in urls
    assert tooltips["hub.html"] == f"Hub · linked from {MAX_LOCAL_NODES - 1} of these notes"
    assert tooltips["side.html"] == "Side · linked from 1 of these notes"
    assert tooltips["fan-00.html"] == "Fan 00 · linked from 0 of these notes"
    assert radius["hub.html"] == max(radius.values()) > radius["side.html"] > radius["fan-00.html"]
    before = {path.name: path.read_bytes() for path in site.glob("*.html")}

    (root / "notes" / "Far.md").write_text("- now on [[Hub]]\n", encoding="utf-8")
    assert run_garden(root, "build", "--no-exec").returncode == 0
    after = {path.name: path.read_bytes() for path in site.glob("*.html")}
    assert after["page.html"] == before["page.html"] and after["side.html"] == before["side.html"]
    assert after["hub.html"] != before["hub.html"] and after["far.html"] != before["far.html"]
    assert "Hub · linked from 23 notes" in (site / "graph.html").read_text(encoding="utf-8"), "the global graph counts all"
