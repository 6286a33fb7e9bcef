"""Live reload in headless Chromium: pages from `garden serve` are updated in place when their own
HTML changes, reload when a file they loaded changes, and are left alone otherwise, without waiting
for the search index, which catches up after."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from helpers import make_garden
from serve_helpers import WAIT_SECONDS, gate_block, gated_pagefind, serving, wait_until

PEAR = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><rect width="20" height="20" fill="{}"/></svg>'
NOTES = {"A.md": "- Apple tree\n", "B.md": "- Banana split\n- ![a pear](pear.svg)\n", "pear.svg": PEAR.format("green")}


@dataclass
class Watched:
    """An open page, and the console errors and failed responses it had."""

    page: object
    problems: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)

    @property
    def loads(self) -> int:
        """How often the tab loaded its page (counted by the page itself, so never behind)."""
        return self.page.evaluate("Number(sessionStorage.getItem('loads'))")


@pytest.fixture
def context(browser):
    """A browser context of the test's own (its pages' storage apart from other tests'), closed after it."""
    context = browser.new_context()
    yield context
    context.close()


def watched(context, url: str) -> Watched:
    """Open `url`, counting loads and collecting problems; marks the window to tell a reload."""
    page = context.new_page()
    page.add_init_script("sessionStorage.setItem('loads', Number(sessionStorage.getItem('loads')) + 1)")
    seen = Watched(page)
    page.on("console", lambda message: message.type == "error" and seen.problems.append(message.text))
    page.on("pageerror", lambda error: seen.problems.append(str(error)))
    page.on("response", lambda response: response.status >= 400 and seen.problems.append(response.url))
    page.on("request", lambda request: seen.requested.append(request.url))
    page.goto(url)
    page.evaluate("window.notReloaded = true")
    return seen


def test_edited_note_updates_its_page_in_place_and_no_other(context, tmp_path):
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False) as served:
        apple = watched(context, served.url + "a.html")
        banana = watched(context, served.url + "b.html")
        (root / "notes" / "A.md").write_text("- Apple tree in bloom\n", encoding="utf-8")
        apple.page.get_by_text("Apple tree in bloom").wait_for(timeout=WAIT_SECONDS * 1000)
        assert apple.page.evaluate("window.notReloaded") is True, "the edited page was updated in place"
        assert apple.requested.count(served.url + "a.html") == 1, "from the HTML that came with the change"
        assert banana.page.evaluate("window.notReloaded") is True, "a page whose HTML did not change stays"
        (root / "notes" / "pear.svg").write_text(PEAR.format("orange"), encoding="utf-8")
        banana.page.wait_for_function("window.notReloaded === undefined", timeout=WAIT_SECONDS * 1000)
        assert banana.loads == 2, "one reload, for the picture it shows; none for the other page's change"
        assert apple.loads == 1
        assert apple.problems == [] and banana.problems == []


def test_a_link_edit_shows_on_its_pages_and_then_on_all_pages(context, tmp_path):
    """A new link shows on the edited page and on the page it links to, and an open "All pages"
    then shows the new count of references (it comes in a second build, about the whole garden)."""
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False) as served:
        apple = watched(context, served.url + "a.html")
        banana = watched(context, served.url + "b.html")
        index = watched(context, served.url + "all-pages.html")
        counts = "[...document.querySelectorAll('tr')].map(row => row.textContent.replace(/\\s+/g, ' ').trim())"
        before = index.page.evaluate(counts)
        (root / "notes" / "A.md").write_text("- Apple tree, by the [[B]] bush\n", encoding="utf-8")
        apple.page.get_by_text("by the").wait_for(timeout=WAIT_SECONDS * 1000)
        banana.page.locator(".references").get_by_text("Apple tree").wait_for(timeout=WAIT_SECONDS * 1000)
        as_before = json.dumps(json.dumps(before, separators=(",", ":")))  # as JSON.stringify gives it, quoted
        index.page.wait_for_function(f"JSON.stringify({counts}) !== {as_before}", timeout=WAIT_SECONDS * 1000)
        assert "B note 1" in index.page.evaluate(counts), "B is referenced once now"
        assert [apple.problems, banana.problems, index.problems] == [[], [], []]


LONG_NOTE = "".join(f"- line {number} of [[B]]\n" for number in range(120))


def test_a_page_updated_in_place_keeps_the_reader_s_place_and_its_scripts_work(context, tmp_path):
    """The search field's text and the scroll position stay; links, the graph and previews of the new
    HTML work; the page's title and the site title follow; later edits are put in place too."""
    root = make_garden(tmp_path, {**NOTES, "A.md": LONG_NOTE + "- the end\n"}, 'title = "Orchard"\n')
    with serving(root, execute=False) as served:
        apple = watched(context, served.url + "a.html")
        page = apple.page
        page.locator("#search").evaluate("field => { field.value = 'banana'; }")  # typed, not yet searched
        page.evaluate("window.scrollTo(0, 600)")
        (root / "notes" / "A.md").write_text(LONG_NOTE + "- now it links [[C]] too\n", encoding="utf-8")
        page.get_by_text("now it links").wait_for(timeout=WAIT_SECONDS * 1000)
        assert page.evaluate("[window.notReloaded, window.scrollY]") == [True, 600]
        assert page.locator("#search").input_value() == "banana"
        page.locator("main a.wikilink", has_text="C").last.hover()
        page.locator(".preview-title").wait_for(timeout=WAIT_SECONDS * 1000)
        assert page.locator(".preview-title").inner_text() == "C"
        node = page.locator("svg.graph .graph-node").first
        node.hover()
        assert "lit" in node.get_attribute("class"), "the new graph lights up"
        (root / "garden.toml").write_text('title = "Grove"\n', encoding="utf-8")
        page.wait_for_function("document.querySelector('.site-title').textContent === 'Grove'",
                               timeout=WAIT_SECONDS * 1000)
        assert page.title() == "A · Grove" and page.evaluate("window.notReloaded") is True
        (root / "garden.toml").write_text('title = "Grove"\nsearch = false\n', encoding="utf-8")
        page.wait_for_function("window.notReloaded === undefined", timeout=WAIT_SECONDS * 1000)
        assert apple.loads == 2, "a page without search is a page of another kind: it loads anew"
        assert page.locator("#search").count() == 0 and apple.problems == []


NEURON = ("- ```neuron\n  inputs = [1.0, 0.5]\n  weights = [0.8, -0.4]\n  bias = 0.1\n"
          '  activation = "tanh"\n  ```\n')


def test_results_that_come_in_the_background_are_put_in_place_with_their_controls(context, tmp_path):
    """Code runs after the page is up: its results replace "output pending" without a reload, and the
    neuron they draw gets its sliders."""
    gate = tmp_path / "gate"
    root = make_garden(tmp_path / "garden", {"N.md": gate_block(gate, "first result") + NEURON})
    with serving(root) as served:
        neuron = watched(context, served.url + "n.html")
        assert neuron.page.locator(".nn-controls").count() == 0
        gate.touch()
        neuron.page.locator(".nn-neuron .nn-controls input[type=range]").first.wait_for(timeout=WAIT_SECONDS * 1000)
        assert neuron.page.locator("div.output", has_text="first result").count() == 1
        assert neuron.page.evaluate("window.notReloaded") is True and neuron.problems == []


def set_hidden(page, hidden: bool) -> None:
    """Tell the page its tab went to the background (or came back), as the browser would."""
    page.evaluate("""hidden => {
        Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", hidden)


def test_a_tab_in_the_background_catches_up_when_shown(context, tmp_path):
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False) as served:
        banana = watched(context, served.url + "b.html")
        set_hidden(banana.page, True)
        (root / "notes" / "pear.svg").write_text(PEAR.format("orange"), encoding="utf-8")
        wait_until(lambda: "orange" in served.get("/_files/pear.svg")[2], "the rebuilt site")
        assert banana.loads == 1 and banana.page.evaluate("window.notReloaded") is True
        set_hidden(banana.page, False)
        banana.page.wait_for_function("window.notReloaded === undefined", timeout=WAIT_SECONDS * 1000)
        assert banana.loads == 2 and banana.problems == []


def test_the_built_site_never_asks_for_live_reload(context, tmp_path):
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False):
        pass
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((root / "site" / "b.html").as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("document.body.dataset.live") is None
    assert requests and [url for url in requests if "_garden" in url] == []


def search(page, word: str) -> list[str]:
    """The titles the page's search field lists for `word` (waiting for the first)."""
    page.locator("#search").fill(word)
    page.locator(".search-results li a").first.wait_for(timeout=WAIT_SECONDS * 1000)
    return page.locator(".search-results li a").all_inner_texts()


def searched(page, word: str) -> list[str] | None:
    """Search for `word` afresh: the titles listed, [] when nothing was found, None when no answer
    came within a second."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout  # where the browser fixture found it

    page.locator("#search").fill("")
    page.locator("#search").fill(word)
    try:
        page.locator(".search-results li a, .search-results .search-note").first.wait_for(timeout=1000)
    except PlaywrightTimeout:
        return None
    return page.locator(".search-results li a").all_inner_texts()


def test_a_page_that_searched_stays_in_place_and_searches_the_new_index(context, tmp_path):
    """The search index files a page loaded change after every edit: the page is not loaded again for
    them, and its next search reads the new index."""
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False) as served:
        apple = watched(context, served.url + "a.html")
        assert search(apple.page, "banana") == ["B"]
        entry = served.get("/pagefind/pagefind-entry.json")[2]
        (root / "notes" / "A.md").write_text("- Apple tree by the kumquat\n", encoding="utf-8")
        apple.page.get_by_text("Apple tree by the kumquat").wait_for(timeout=WAIT_SECONDS * 1000)
        wait_until(lambda: served.get("/pagefind/pagefind-entry.json")[2] != entry, "the new index")
        wait_until(lambda: searched(apple.page, "kumquat") == ["A"], "the new index searched")
        assert apple.page.evaluate("window.notReloaded") is True and apple.loads == 1
        assert apple.problems == []


def test_an_edited_page_reloads_before_the_search_index_catches_up(context, tmp_path, monkeypatch):
    gate = gated_pagefind(tmp_path, monkeypatch)  # Pagefind runs while it exists
    root = make_garden(tmp_path, NOTES)
    with serving(root, execute=False) as served:
        entry = served.get("/pagefind/pagefind-entry.json")[2]
        apple = watched(context, served.url + "a.html")
        gate.unlink()
        (root / "notes" / "A.md").write_text("- Apple tree by the kumquat\n", encoding="utf-8")
        apple.page.get_by_text("Apple tree by the kumquat").wait_for(timeout=WAIT_SECONDS * 1000)
        assert served.get("/pagefind/pagefind-entry.json")[2] == entry, "the page came before the index"
        assert search(apple.page, "banana") == ["B"], "the old index still answers"
        gate.touch()
        wait_until(lambda: served.get("/pagefind/pagefind-entry.json")[2] != entry, "the new index")
        apple.page.reload()
        assert search(apple.page, "kumquat") == ["A"]
        assert apple.problems == []
