"""Link previews and the graph view in headless Chromium: from disk and served under a base path."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from helpers import contrast, load_graph, page_errors
from hostile import hostile_garden

NOTE_LINK = "section.content a.wikilink:not(.ghost)"


def watch(page) -> dict[str, list[str]]:
    """What goes wrong on `page`, collected as it happens: console errors, failed requests and error responses."""
    seen = {"errors": page_errors(page), "failed": [], "responses": []}
    page.on("requestfailed", lambda request: seen["failed"].append(request.url))
    page.on("response", lambda response: seen["responses"].append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    return seen


def all_fine(seen: dict[str, list[str]]) -> bool:
    return seen == {"errors": [], "failed": [], "responses": []}


def title_at(site: Path, url: str) -> str:
    return next(node["title"] for node in load_graph(site)["nodes"] if node["url"] == url)


def shown_preview(page):
    preview = page.locator(".preview")
    preview.wait_for(state="visible")
    return preview


# --------------------------------------------------------------------------- previews

def test_hovering_a_link_previews_its_page_and_escape_closes_it(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "neural-network.html").as_uri())
    link = page.locator(NOTE_LINK).first
    target = unquote(link.get_attribute("href")).split("#")[0]
    link.hover()
    preview = shown_preview(page)
    assert preview.locator(".preview-title").inner_text() == title_at(shipped_site, target)
    first_block = preview.locator(".preview-block").first.inner_text()
    assert link.get_attribute("aria-describedby") == "garden-preview"
    page.keyboard.press("Escape")
    assert preview.is_hidden() and link.get_attribute("aria-describedby") is None
    page.goto((shipped_site / target).as_uri())
    assert first_block in page.locator("section.content").inner_text()
    assert all_fine(seen), seen


def test_moving_away_closes_the_preview_and_a_ghost_link_counts_its_backlinks(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "neural-network.html").as_uri())
    ghost = page.locator("section.content a.ghost").first
    target = unquote(ghost.get_attribute("href"))
    ghost.hover()
    preview = shown_preview(page)
    page.mouse.move(0, 0)
    preview.wait_for(state="hidden")
    ghost.hover()
    shown = shown_preview(page).inner_text()
    page.goto((shipped_site / target).as_uri())
    groups = page.locator("section.references .reference-group").count()
    assert shown.splitlines()[-1] == f"No note yet · linked from {groups} page{'' if groups == 1 else 's'}"
    assert all_fine(seen), seen


def test_a_block_link_previews_that_block(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "activation-function.html").as_uri())
    link = page.locator("a.block-ref-source").first
    target, block = unquote(link.get_attribute("href")).split("#")
    link.hover()
    shown = shown_preview(page).locator(".preview-block").first.inner_text()
    page.goto((shipped_site / target).as_uri())
    assert shown == page.locator(f"li[id='{block}'] > .block-body").inner_text()
    assert all_fine(seen), seen


def test_keyboard_focus_previews_under_a_base_path(open_page, served_base):
    page, requests, _ = open_page()
    seen = watch(page)
    page.goto(served_base + "neural-network.html")
    page.keyboard.press("Tab")
    link = page.locator(NOTE_LINK).first
    link.focus()
    assert shown_preview(page).locator(".preview-title").inner_text() == link.inner_text()
    page.keyboard.press("Escape")
    assert page.locator(".preview").is_hidden()
    assert any("/some/base/previews/" in url for url in requests)
    assert all(url.startswith(served_base) for url in requests) and all_fine(seen), seen


def test_touch_screens_follow_links_without_previews(open_page, shipped_site):
    page, _, _ = open_page(has_touch=True, is_mobile=True, viewport={"width": 390, "height": 800})
    seen = watch(page)
    page.goto((shipped_site / "neural-network.html").as_uri())
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    assert page.locator(".preview").count() == 0
    link = page.locator(NOTE_LINK).first
    target = unquote(link.get_attribute("href"))
    with page.expect_navigation():
        link.tap()
    assert page.url == (shipped_site / target).as_uri() and all_fine(seen), seen


def test_a_preview_of_hostile_notes_runs_nothing(open_page, tmp_path):
    from helpers import run_garden

    root = hostile_garden(tmp_path)
    assert run_garden(root, "build").returncode == 0
    page, _, _ = open_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((root / "site" / "reader.html").as_uri())
    page.locator("section.content a.wikilink", has_text=re.compile("^Payloads$")).hover()
    assert "window.pwned=1" in shown_preview(page).inner_text(), "the payloads show as text"
    assert page.evaluate("typeof window.pwned") == "undefined" and not dialogs


# --------------------------------------------------------------------------- the graph

def test_each_note_is_one_node_linking_to_its_page(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "graph.html").as_uri())
    notes = {(shipped_site / node["url"]).as_uri(): node["title"]
             for node in load_graph(shipped_site)["nodes"] if not node["ghost"]}
    nodes = page.locator("svg.graph-global a.graph-node")
    hrefs = nodes.evaluate_all("nodes => nodes.map(node => new URL(node.getAttribute('href'), location.href).href)")
    assert sorted(hrefs) == sorted(notes)
    assert nodes.evaluate_all("nodes => nodes.map(node => node.querySelector('title').textContent.split(' · ')[0])") \
        == [notes[href] for href in hrefs]
    node = nodes.nth(0)
    with page.expect_navigation():
        node.locator("circle").click()
    assert page.url == hrefs[0] and page.locator("h1.page-title").inner_text() == notes[hrefs[0]]
    assert all_fine(seen), seen


def test_hovering_a_node_lights_up_its_neighbours(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "graph.html").as_uri())
    ends = page.locator("svg.graph-global line.graph-edge").evaluate_all(
        "lines => lines.map(line => line.dataset.ends.split(' '))")
    count = len(page.locator("svg.graph-global a.graph-node").all())
    neighbours = {str(number): set() for number in range(count)}
    for a, b in ends:
        neighbours[a].add(b)
        neighbours[b].add(a)
    number = min((key for key in neighbours if neighbours[key]), key=lambda key: len(neighbours[key]))
    page.locator(f"svg.graph-global a.graph-node[data-node='{number}'] circle").hover()
    lit = page.locator("svg.graph-global a.graph-node.lit").evaluate_all("nodes => nodes.map(node => node.dataset.node)")
    assert set(lit) == {number} | neighbours[number] and len(lit) < count
    dim = next(key for key in neighbours if key not in lit)
    opacity = "number => getComputedStyle(document.querySelector(`a.graph-node[data-node='${number}']`)).opacity"
    assert float(page.evaluate(opacity, dim)) < 0.5 and float(page.evaluate(opacity, number)) == 1
    lit_edges = page.locator("svg.graph-global line.graph-edge.lit").count()
    assert lit_edges == len(neighbours[number])
    page.mouse.move(0, 0)
    assert page.locator("svg.graph-global .lit").count() == 0
    assert all_fine(seen), seen


def test_the_global_graph_zooms_and_pans(open_page, shipped_site):
    page, _, _ = open_page()
    seen = watch(page)
    page.goto((shipped_site / "graph.html").as_uri())
    svg = page.locator("svg.graph-global")

    def view() -> list[float]:
        return [float(value) for value in svg.get_attribute("viewBox").split()]

    initial, initial_text = view(), svg.get_attribute("viewBox")
    box = svg.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -400)
    page.wait_for_function("initial => document.querySelector('svg.graph-global').getAttribute('viewBox') !== initial",
                           arg=initial_text)
    zoomed = view()
    assert zoomed[2] < initial[2] and zoomed[3] < initial[3], "the wheel zoomed in"
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 120, box["y"] + box["height"] / 2 - 60, steps=5)
    page.mouse.up()
    panned = view()
    assert panned[0] > zoomed[0] and panned[1] > zoomed[1] and panned[2:] == zoomed[2:], "the drag panned"
    assert page.url.endswith("/graph.html"), "a drag follows no link"
    controls = page.locator(".graph-controls")
    assert controls.is_visible()
    controls.get_by_role("button", name="Zoom out").click()
    assert view()[2] > panned[2]
    controls.get_by_role("button", name="Zoom in").click()
    controls.get_by_role("button", name="Zoom in").click()
    assert view()[2] < panned[2]
    controls.get_by_role("button", name="Reset").click()
    assert view() == initial
    assert all_fine(seen), seen


def test_the_graph_is_a_picture_of_links_without_javascript(open_page, shipped_site):
    page, _, _ = open_page(java_script_enabled=False)
    page.goto((shipped_site / "graph.html").as_uri())
    assert page.locator(".graph-controls").is_hidden(), "no buttons that would do nothing"
    with page.expect_navigation():
        page.locator("svg.graph-global a.graph-node circle").first.click()
    assert page.url.endswith(".html") and not page.url.endswith("/graph.html")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_graph_colours_stand_out_in_both_schemes(open_page, shipped_site, scheme):
    page, _, _ = open_page(scheme)
    page.goto((shipped_site / "neuron.html").as_uri())
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    colours = page.evaluate("""() => {
        const probe = document.createElement('span');
        document.body.append(probe);
        return ['--graph-1', '--graph-2', '--graph-3', '--graph-4', '--graph-5', '--graph-6', '--graph-other',
                '--graph-edge'].map(name => { probe.style.color = `var(${name})`; return getComputedStyle(probe).color; });
    }""")
    assert len(set(colours)) == len(colours)
    assert all(contrast(colour, background) >= 3 for colour in colours), (colours, background)
    svg = page.locator("svg.graph-local")
    fills = svg.locator("circle").evaluate_all("circles => circles.map(circle => getComputedStyle(circle).fill)")
    assert fills and set(fills) <= set(colours)
    label = svg.locator("text").first.evaluate("text => getComputedStyle(text).fill")
    assert contrast(label, background) >= 4.5
