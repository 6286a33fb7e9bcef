"""Reading the shipped site in headless Chromium: search as you type (served from a sub-path, and
what it says from disk), the keys that reach it, keyboard navigation with a visible focus, WCAG AA
contrast in both colour schemes, no console errors and no sideways scrolling on a phone on any page."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field

import pytest

from helpers import contrast, make_garden, page_errors, pages_of_every_kind, run_garden, serving
from hostile import hostile_garden

FROM_DISK = "Search needs the site served over http: python -m http.server -d site"


@pytest.fixture
def reader(open_page):
    """reader(color_scheme, **context options) -> (page, console errors), a page of the pool."""

    def opener(color_scheme: str = "light", **options):
        page, _, _ = open_page(color_scheme, **options)
        return page, page_errors(page)

    return opener


def results(page) -> list[str]:
    page.locator(".search-results li a").first.wait_for()
    return page.locator(".search-results li a").all_inner_texts()


# --------------------------------------------------------------------------- one walk over the site

SPECIAL_PAGES = ["", "concept.html", "all-pages.html", "daily-notes.html", "404.html"]  # concept: a ghost page
PHONE = {"width": 360, "height": 740}


@dataclass
class Visit:
    """What one served page showed: console errors, its texts' colours in each scheme, and how wide
    it is on a phone."""

    path: str
    url: str
    errors: list[str] = field(default_factory=list)
    texts: dict[str, dict] = field(default_factory=dict)
    phone_width: int = 0


@pytest.fixture(scope="module")
def walk(page_pool, served_base, shipped_site) -> list[Visit]:
    """The special pages and the pages that together hold every kind of element the site has,
    served and each loaded once (a page load is most of a browser test's cost); on the entry page
    the search results are shown too, so that they are measured."""
    page, take_back = page_pool.lend("light", {})
    errors = page_errors(page)
    covering = pages_of_every_kind(shipped_site)
    visits = []
    schemes = ["light", "dark"]  # the page loads in the first; then the other (which the next page loads in)
    for path in SPECIAL_PAGES + [path for path in covering if path not in SPECIAL_PAGES and path != "index.html"]:
        visit = Visit(path, served_base + path)
        page.goto(visit.url)
        if path == "":
            page.locator("#search").fill("sigmoid")
            page.locator(".search-results mark").first.wait_for()
        visit.texts[schemes[0]] = page.evaluate(TEXT_COLORS)
        page.emulate_media(color_scheme=schemes[1])
        visit.texts[schemes[1]] = page.evaluate(TEXT_COLORS)
        schemes.reverse()
        viewport = page.viewport_size
        page.set_viewport_size(PHONE)
        visit.phone_width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(viewport)
        visit.errors = list(errors)
        errors.clear()
        visits.append(visit)
    take_back()
    return visits


# --------------------------------------------------------------------------- search

def test_search_finds_a_note_by_a_word_of_its_body(reader, served_base):
    page, errors = reader()
    page.goto(served_base + "neuron.html")
    field = page.locator("header input[type=search]")
    assert field.is_visible()
    field.fill("overshoots")
    assert results(page) == ["Gradient Descent"], "a word of its body, not of its title"
    assert page.locator(".search-results li mark").first.inner_text().lower() == "overshoots"
    assert "zig-zags" in page.locator(".search-results li p").first.inner_text(), "the passage around it"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == "Gradient Descent"
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value.status == 200
    assert page.url == served_base + "gradient-descent.html"
    assert page.locator("h1.page-title").inner_text() == "Gradient Descent"
    assert errors == []


def test_backlinks_are_not_a_page_s_own_text(reader, served_base):
    """"Watched" is in one block of the daily note, which Neural Network shows under "Referenced in"."""
    page, _ = reader()
    page.goto(served_base)
    assert page.get_by_text("Watched the second part").count() == 1, "the backlink is on the entry page"
    page.locator("header input[type=search]").fill("watched")
    found = results(page)
    assert found[0] == "April 16th, 2021" and "Neural Network" not in found, found


def test_result_links_work_from_pages_in_folders(reader, tmp_path_factory):
    notes = {"Deep/Inner/Page.md": "- Quokkas smile at [[Top]].\n", "Top.md": "- Wombats dig burrows.\n"}
    root = make_garden(tmp_path_factory.mktemp("folders"), notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    docroot = tmp_path_factory.mktemp("docroot")
    shutil.copytree(root / "site", docroot / "sub" / "path")
    page, errors = reader()
    with serving(docroot) as url:
        base = url + "sub/path/"
        for start, word, title, target in [("deep/inner/page.html", "wombats", "Top", "top.html"),
                                           ("top.html", "quokkas", "Deep/Inner/Page", "deep/inner/page.html")]:
            page.goto(base + start)
            page.locator("#search").fill(word)
            assert results(page) == [title]
            with page.expect_navigation() as navigation:
                page.locator(".search-results li a").click()
            assert navigation.value.status == 200 and page.url == base + target
    assert errors == []


def test_search_results_show_a_note_s_markup_as_text(reader, tmp_path_factory):
    root = hostile_garden(tmp_path_factory.mktemp("hostile"))
    assert run_garden(root, "build", "--no-exec").returncode == 0
    page, errors = reader()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with serving(root / "site") as url:
        page.goto(url)
        page.locator("#search").fill("pwned")
        assert "Payloads" in results(page)
        shown = page.locator(".search-results").inner_text()
        assert "<script>window.pwned=1</script>" in shown, "the payload shows as text"
        assert page.locator(".search-results *").evaluate_all(
            "els => els.map(el => el.tagName).filter(tag => !['OL', 'LI', 'A', 'P', 'MARK'].includes(tag))") == []
    assert page.evaluate("typeof window.pwned") == "undefined" and dialogs == []
    assert [error for error in errors if "404" not in error] == [], "(the payloads' <img src=x> are not found)"


def test_keys_reach_the_search_field_and_escape_leaves_it(reader, served_base):
    page, errors = reader()
    page.goto(served_base)
    active = "document.activeElement.id"
    page.keyboard.press("/")
    assert page.evaluate(active) == "search"
    assert page.locator("#search").input_value() == "", "the slash only moves the focus"
    page.keyboard.type("sigmoid/")
    assert page.locator("#search").input_value() == "sigmoid/", "inside the field a slash is a slash"
    page.keyboard.press("Escape")
    assert page.evaluate(active) != "search"
    assert page.locator(".search-results").is_hidden()
    page.keyboard.press("Control+k")
    assert page.evaluate(active) == "search"
    page.keyboard.press("Escape")
    page.keyboard.press("Meta+k")
    assert page.evaluate(active) == "search"
    assert errors == []


def test_from_disk_search_says_how_to_serve_the_site(reader, shipped_site):
    page, errors = reader()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((shipped_site / "index.html").as_uri())
    page.keyboard.press("/")
    page.keyboard.type("neuron")
    note = page.locator(".search-results .search-note")
    assert note.is_visible() and note.inner_text() == FROM_DISK
    assert [url for url in requests if "pagefind" in url] == [], "nothing the browser would refuse is asked for"
    assert errors == []


def test_without_javascript_there_is_no_search_field(open_page, served_base):
    page, _, _ = open_page(java_script_enabled=False)
    page.goto(served_base)
    assert page.locator("header input[type=search]").is_hidden()
    assert page.locator("header nav a", has_text="All pages").is_visible(), "the list of pages is the way instead"


def test_no_page_logs_a_console_error(walk, reader, shipped_site):
    """Served, pages that together hold every kind of element the site has (the script acts on
    elements by kind); from disk, one page of each kind of page."""
    page, errors = reader()
    logged = [f"{visit.url}: {error}" for visit in walk for error in visit.errors]
    from_disk = ["index.html", "concept.html", "april-16th-2021.html", "all-pages.html", "daily-notes.html", "404.html"]
    assert all((shipped_site / path).exists() for path in from_disk)
    for url in [(shipped_site / path).as_uri() for path in from_disk]:
        page.goto(url)
        logged += [f"{url}: {error}" for error in errors]
        errors.clear()
    assert logged == []


# --------------------------------------------------------------------------- keyboard and focus

FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let node = el, background = "rgba(0, 0, 0, 0)";
  while (node && node.nodeType === 1) {
    const color = getComputedStyle(node).backgroundColor;
    if (color !== "rgba(0, 0, 0, 0)" && color !== "transparent") { background = color; break; }
    node = node.parentElement;
  }
  const focusable = [...document.querySelectorAll("a[href], input, button, summary, select, textarea, [tabindex]")];
  const ring = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset), box = el.getBoundingClientRect();
  let clipped = null;  // an ancestor whose overflow cuts the focus ring off
  for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
    const s = getComputedStyle(node);
    if (s.overflowX === "visible" && s.overflowY === "visible") continue;
    const r = node.getBoundingClientRect(), left = r.left + node.clientLeft, top = r.top + node.clientTop;
    if (box.left - ring < left - 0.5 || box.right + ring > left + node.clientWidth + 0.5 ||
        box.top - ring < top - 0.5 || box.bottom + ring > top + node.clientHeight + 0.5) {
      clipped = node.tagName + "." + node.className;
      break;
    }
  }
  return {tag: el.tagName, cls: el.className, text: (el.textContent || "").trim().slice(0, 40), clipped,
          outline: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor,
          background, inMain: !!el.closest("main"), index: focusable.indexOf(el),
          visible: el.checkVisibility({visibilityProperty: true})};
}"""

REACHABLE = """() => [...document.querySelectorAll("a[href], input, button, summary, select, textarea")]
  .filter(el => el.checkVisibility({visibilityProperty: true}) && el.tabIndex >= 0)
  .map(el => [...document.querySelectorAll("a[href], input, button, summary, select, textarea, [tabindex]")].indexOf(el))"""


def test_tab_reaches_everything_in_order_with_a_visible_focus(reader, served_base):
    page, errors = reader()
    page.goto(served_base)
    reachable = page.evaluate(REACHABLE)
    visited = []
    for _ in range(len(reachable) + 40):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state is None or (visited and state == visited[0]):
            break
        visited.append(state)
    first = visited[0]
    assert (first["tag"], first["cls"], first["text"]) == ("A", "skip-link", "Skip to content")
    assert [state["text"] for state in visited[1:6]] == ["Machine Learning Garden", "All pages", "Daily notes", "Graph",
                                                         ""]
    assert visited[5]["tag"] == "INPUT", "the search field ends the header"
    for state in visited:
        where = f"{state['tag']}.{state['cls']} {state['text']!r}"
        assert state["visible"], f"focus went to something hidden: {where}"
        assert state["outline"] != "none" and state["width"] >= 2, f"no visible focus ring on {where}"
        assert contrast(state["color"], state["background"]) >= 3, f"focus ring too faint on {where}"
        assert state["clipped"] is None, f"{state['clipped']} cuts off the focus ring of {where}"
    indices = [state["index"] for state in visited if state["index"] >= 0]
    assert indices == sorted(indices), "Tab follows the order of the page"
    assert set(reachable) <= set(indices), "every link and control is reachable"
    assert errors == []


def test_focus_rings_stand_out_in_the_dark_scheme(reader, served_base):
    """Every control focused in turn, as keyboard focus (after one Tab the browser shows the ring
    of focus moved by script too): its ring against what is behind it."""
    page, errors = reader("dark")
    page.goto(served_base)
    page.keyboard.press("Tab")
    states = page.evaluate(f"""() => {{
      const state = {FOCUS_STATE};
      return [...document.querySelectorAll("a[href], input, button, summary, select, textarea")]
        .filter(el => el.checkVisibility({{visibilityProperty: true}}) && el.tabIndex >= 0)
        .map(el => {{ el.focus(); return state(); }});
    }}""")
    assert len(states) > 20
    for state in states:
        where = f"{state['tag']}.{state['cls']} {state['text']!r}"
        assert state["outline"] != "none" and state["width"] >= 2, f"no visible focus ring on {where}"
        assert contrast(state["color"], state["background"]) >= 3, f"focus ring too faint on {where}"
    assert errors == []


def test_the_skip_link_goes_to_the_content(reader, served_base):
    page, _ = reader()
    page.goto(served_base)
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0, "shown when it has the focus"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("!!document.activeElement.closest('main')"), "the next Tab is inside the content"


# --------------------------------------------------------------------------- contrast

TEXT_COLORS = """() => {
  const opaque = (css) => {
    const m = css.match(/rgba?\\(([\\d.]+), ([\\d.]+), ([\\d.]+)(?:, ([\\d.]+))?\\)/);
    return m ? [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]] : [0, 0, 0, 0];
  };
  const behind = new Map();
  const background = (el) => {  // the colour behind an element: its background over its parent's, down to an opaque one
    if (!el || el.nodeType !== 1) return [255, 255, 255];
    if (!behind.has(el)) {
      const [r, g, b, a] = opaque(getComputedStyle(el).backgroundColor);
      const [br, bg, bb] = a >= 1 ? [0, 0, 0] : background(el.parentElement);
      behind.set(el, [r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a)]);
    }
    return behind.get(el);
  };
  const rgb = (el) => `rgb(${background(el).map(Math.round).join(", ")})`;
  const found = new Map();  // each pair of colours (and size class) once, with the first text that has it
  let count = 0;
  const add = (el, style, what) => {
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const pair = {what, color: style.color, background: rgb(el), large: size >= 24 || (bold && size >= 18.66)};
    const key = `${pair.color} ${pair.background} ${pair.large}`;
    count += 1;
    if (!found.has(key)) found.set(key, pair);
  };
  for (const el of document.body.querySelectorAll("*")) {
    if (el.closest("svg") || !el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join("").trim();
    if (!text) continue;
    add(el, getComputedStyle(el), `${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${JSON.stringify(text.slice(0, 30))}`);
  }
  for (const input of document.querySelectorAll("input[type=search]")) {
    if (!input.checkVisibility()) continue;
    add(input, getComputedStyle(input), "text typed into " + input.id);
    add(input, getComputedStyle(input, "::placeholder"), "placeholder of " + input.id);
  }
  return {count, pairs: [...found.values()]};
}"""

def test_text_contrast_is_wcag_aa(walk):
    """Every text (body text, links, tags, breadcrumbs, muted text, code and its highlighting,
    outputs, the footer, the search field and its results) against what is behind it, in the light
    and the dark colour scheme, on the pages that together hold every kind of element the site has."""
    measured, failing = 0, []
    for visit in walk:
        for scheme, texts in visit.texts.items():
            measured += texts["count"]
            for text in texts["pairs"]:
                ratio = contrast(text["color"], text["background"])
                if ratio < (3 if text["large"] else 4.5):
                    failing.append(f"{scheme} {visit.path or 'index.html'}: {text['what']}: {text['color']} on "
                                   f"{text['background']} = {ratio:.2f}")
    assert measured > 6000
    assert failing == []


def test_no_page_scrolls_sideways_on_a_phone(walk):
    """At 360 px wide, long formulas, code and words scroll or wrap inside their own box."""
    assert [(visit.path, visit.phone_width) for visit in walk if visit.phone_width > PHONE["width"]] == []


def test_the_search_field_border_is_visible(reader, served_base):
    for scheme in ("light", "dark"):
        page, _ = reader(scheme)
        page.goto(served_base)
        border, background = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('#search'));
            return [s.borderTopColor, getComputedStyle(document.body).backgroundColor]; }""")
        assert contrast(border, background) >= 3, scheme  # WCAG 1.4.11: what marks a control
