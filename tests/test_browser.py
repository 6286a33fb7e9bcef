"""The built shipped site in real headless Chromium (Playwright), from disk and from a sub-path of a server."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import luminance

MATHML = "http://www.w3.org/1998/Math/MathML"


@pytest.fixture(scope="module")
def index_url(shipped_site: Path) -> str:
    return (shipped_site / "index.html").as_uri()


def test_entry_page_title(open_page, index_url):
    page, _, _ = open_page()
    page.goto(index_url)
    assert "Neural Network" in page.title()
    assert page.locator("h1.page-title").inner_text() == "Neural Network"
    definition = "A Neural Network is a multi-layer parametric functions with learned parameters."
    assert page.locator("section.content li.block").get_by_text(definition, exact=True).is_visible()


def test_click_concept_opens_concept_page(open_page, index_url, shipped_site):
    page, _, _ = open_page()
    page.goto(index_url)
    with page.expect_navigation():
        page.locator("section.content a.wikilink", has_text=re.compile(r"^concept$")).first.click()
    assert page.url == (shipped_site / "concept.html").as_uri()
    assert page.locator("h1.page-title").inner_text() == "concept"
    tagged = page.locator("section.tagged a", has_text=re.compile(r"^Neural Network$"))
    assert tagged.count() == 1 and tagged.is_visible()
    assert page.locator("section.references h3", has_text=re.compile(r"^Neural Network$")).count() == 1


def test_mathml_is_laid_out(open_page, index_url):
    page, _, _ = open_page()
    page.goto(index_url)
    maths = page.locator("section.content li.block > .block-body > p > math[display=block]")
    assert maths.count() == 2
    for i in range(2):
        math = maths.nth(i)
        math.scroll_into_view_if_needed()
        assert math.evaluate("el => el.namespaceURI") == MATHML
        box = math.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0
    for symbol in ("∑", "σ"):
        token = page.locator("section.content math mo, section.content math mi", has_text=symbol).first
        box = token.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, symbol


@pytest.mark.parametrize("scheme, dark", [("dark", True), ("light", False)])
def test_color_scheme(open_page, index_url, scheme, dark):
    page, _, _ = open_page(scheme)
    page.goto(index_url)
    background = luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    text = luminance(page.evaluate("getComputedStyle(document.body).color"))
    if dark:
        assert background < 0.1 and text > 0.5
    else:
        assert background > 0.8 and text < 0.2


def test_no_network_requests(open_page, index_url, shipped_site):
    page, requests, failed = open_page()
    page.goto(index_url)
    for selector in ("header nav a >> text=All pages", "a >> text=Sigmoid", "header nav a >> text=Daily notes",
                     "section.day h2 a >> nth=0"):
        with page.expect_navigation():
            page.locator(selector).first.click()
        page.wait_for_load_state("load")
    assert len(requests) >= 5 * 3  # every page also loads its two stylesheets
    site_root = shipped_site.as_uri() + "/"
    assert [url for url in requests if not url.startswith(site_root)] == []
    assert failed == []


# --------------------------------------------------------------------------- served under a sub-path

def test_links_work_under_a_base_path(open_page, served_base):
    page, requests, failed = open_page()
    response = page.goto(served_base)
    assert response is not None and response.status == 200
    assert page.locator("h1.page-title").inner_text() == "Neural Network"
    with page.expect_navigation() as navigation:
        page.locator("section.content a.wikilink", has_text=re.compile(r"^concept$")).first.click()
    assert navigation.value.status == 200
    assert page.url == served_base + "concept.html"
    assert page.locator("section.tagged a", has_text=re.compile(r"^Neural Network$")).count() == 1
    with page.expect_navigation() as navigation:
        page.locator("section.tagged a", has_text=re.compile(r"^Neural Network$")).click()
    assert navigation.value.status == 200
    assert page.url == served_base + "neural-network.html"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)", "the stylesheet loaded under the base path"
    assert [url for url in requests if not url.startswith(served_base)] == []
    assert failed == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_computed_results_are_drawn(open_page, shipped_site, scheme):
    page, requests, _ = open_page(scheme)
    page.goto((shipped_site / "neural-network.html").as_uri())
    diagrams = page.locator(".spec-output svg")
    assert diagrams.count() >= 3, "network diagram, loss curve and neuron diagram"
    for index in range(diagrams.count()):
        diagram = diagrams.nth(index)
        diagram.scroll_into_view_if_needed()
        box = diagram.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    stroke = page.evaluate("getComputedStyle(document.querySelector('.spec-output svg')).color")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert abs(luminance(stroke) - luminance(background)) > 0.4, "drawings contrast with the page"
    checks = page.locator(".output.checks.passed")
    assert checks.count() >= 1 and "checks hold" in checks.first.inner_text()
    assert all(url.startswith("file://") for url in requests)


def test_no_script_from_a_note_runs(open_page, tmp_path_factory):
    from helpers import run_garden
    from hostile import hostile_garden

    root = hostile_garden(tmp_path_factory.mktemp("hostile"))
    assert run_garden(root, "build").returncode == 0
    for name in ("payloads.html", "reader.html", "index.html"):
        page, _, _ = open_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto((root / "site" / name).as_uri())
        page.wait_for_load_state("load")
        for element in page.locator("div.block-body").all():
            element.dispatch_event("click")
        assert page.evaluate("typeof window.pwned") == "undefined", name
        assert not dialogs, dialogs
        assert page.locator("mtext").first.text_content().startswith("<script>"), "the payload shows as text"
