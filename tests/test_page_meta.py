"""What every page tells browsers, search engines and link previews: description, Open Graph tags,
an icon; and the 404 page static hosts serve."""

from __future__ import annotations

from helpers import check_links, load_graph, make_garden, read_html, run_garden


def meta(page, key: str) -> str | None:
    """The content of the page's `<meta name=KEY>` or `<meta property=KEY>`."""
    found = [el.get("content") for el in page.find_all("meta") if key in (el.get("name"), el.get("property"))]
    return found[0] if found else None


def test_every_note_page_describes_itself_from_its_prose(shipped_site):
    for node in load_graph(shipped_site)["nodes"]:
        page = read_html(shipped_site / node["url"])
        assert meta(page, "og:title") == node["title"]
        assert meta(page, "og:site_name") == "Machine Learning Garden"
        if node["ghost"]:
            assert meta(page, "description") is None
            continue
        description = meta(page, "description")
        assert description and len(description) <= 160 and meta(page, "og:description") == description
        assert "::" not in description and not description.startswith("Tags"), "attributes are no summary"
    page = read_html(shipped_site / "neural-network.html")
    assert meta(page, "description").startswith("Notes What is a Neural Network? A Neural Network is")


def test_pages_have_an_icon_and_a_404_page(shipped_site):
    page = read_html(shipped_site / "neuron.html")
    icon = next(link for link in page.find_all("link") if link.get("rel") == "icon")
    assert (shipped_site / icon.get("href")).read_text().startswith("<svg")
    not_found = read_html(shipped_site / "404.html")
    assert not_found.find("h1").text() == "Page not found"
    assert [a.get("href") for a in not_found.find("article").find_all("a")] == ["index.html", "all-pages.html"]
    assert check_links(shipped_site) == []


def test_a_note_called_404_does_not_replace_the_404_page(tmp_path):
    root = make_garden(tmp_path, {"404.md": "- the story of a famous error\n"})
    proc = run_garden(root, "build", "--no-exec")
    assert "URL of '404' clashes with another page; it is served at 404-2" in proc.stderr
    assert read_html(root / "site" / "404.html").find("h1").text() == "Page not found"
    assert read_html(root / "site" / "404-2.html").find("h1").text() == "404"


def test_base_url_gives_a_sitemap_and_canonical_addresses(tmp_path):
    notes = {"Über Notes.md": "- links [[Ghost]]\n", "A/B.md": "- nested\n"}
    root = make_garden(tmp_path, notes, 'base_url = "https://example.org/garden"\n')
    assert run_garden(root, "build", "--no-exec").returncode == 0
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    locations = [line.strip().removeprefix("<url><loc>").removesuffix("</loc></url>")
                 for line in sitemap.splitlines() if "<loc>" in line]
    assert locations == ["https://example.org/garden/", "https://example.org/garden/a/b.html",
                         "https://example.org/garden/%C3%BCber-notes.html"], "no ghost page, addresses encoded"
    page = read_html(root / "site" / "a" / "b.html")
    canonical = next(link for link in page.find_all("link") if link.get("rel") == "canonical")
    assert canonical.get("href") == meta(page, "og:url") == "https://example.org/garden/a/b.html"


def test_without_base_url_there_is_no_sitemap_and_a_bad_one_is_named(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n"})
    assert run_garden(root, "build", "--no-exec").returncode == 0
    assert not (root / "site" / "sitemap.xml").exists()
    assert meta(read_html(root / "site" / "a.html"), "og:url") is None
    (root / "garden.toml").write_text('title = "x"\nbase_url = "example.org"\n', encoding="utf-8")
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "garden: garden.toml:2: base_url: must be the site's web address, such as https://example.org/garden/")
