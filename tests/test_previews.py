"""Link previews as the build writes them: `previews/<page>.js`, one per page, small, and only
markup that cannot run or link anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import load_graph, make_garden, parse_html, read_html, run_garden
from hostile import hostile_garden

PREVIEW = re.compile(r'gardenPreview\(("[^"]*"), (\{.*\})\);\n\Z', re.DOTALL)
UNWANTED = re.compile(r"<script|<iframe|<style|<svg|<img|<a[\s>]|\son\w+\s*=|\sid=|\shref=|\ssrc=|javascript:",
                      re.IGNORECASE)
MAX_TEXT = 1000  # "about 1 KB of text" at most


def preview(site: Path, url: str) -> tuple[str, dict]:
    """(key, data) of the preview of the page at `url`."""
    match = PREVIEW.match((site / "previews" / url.removesuffix(".html")).with_suffix(".js").read_text("utf-8"))
    assert match, url
    return json.loads(match.group(1)), json.loads(match.group(2))


def text(html: str) -> str:
    """The text a preview shows, a space between blocks."""
    return " ".join(parse_html(html.replace("</div>", " </div>")).text().split())


def markup(html: str) -> str:
    """Tags and attributes only: the text (escaped, so it may say anything) taken out."""
    return re.sub(r">[^<]*<", "><", html)


def shown_html(data: dict) -> list[str]:
    return [data["html"], *data.get("blocks", {}).values()]


def test_every_page_has_a_preview_with_its_title(shipped_site):
    nodes = load_graph(shipped_site)["nodes"]
    assert len(list((shipped_site / "previews").rglob("*.js"))) == len(nodes)
    for node in nodes:
        key, data = preview(shipped_site, node["url"])
        assert key == node["url"].removesuffix(".html") and data["title"] == node["title"]


def test_a_ghost_preview_says_how_many_pages_link_there(shipped_site):
    graph = load_graph(shipped_site)
    for node in (node for node in graph["nodes"] if node["ghost"]):
        linking = {link["source"] for link in graph["links"] if link["target"] == node["title"]} - {node["title"]}
        plural = "" if len(linking) == 1 else "s"
        assert text(preview(shipped_site, node["url"])[1]["html"]) == f"No note yet · linked from {len(linking)} page{plural}"


def test_a_note_preview_is_its_first_prose_small_and_inert(shipped_site):
    for node in (node for node in load_graph(shipped_site)["nodes"] if not node["ghost"]):
        data = preview(shipped_site, node["url"])[1]
        page = read_html(shipped_site / node["url"])
        content = page.find("section", "content").text()
        blocks = parse_html(data["html"]).find_all("div", "preview-block")
        assert 1 <= len(blocks) <= 4, node["title"]
        assert all(block.text() in content for block in blocks), "the note's own blocks, as its page shows them"
        assert "::" not in data["html"] and not blocks[0].text().startswith("Tags"), "attributes are no summary"
        for html in shown_html(data):
            assert len(text(html)) <= MAX_TEXT and not UNWANTED.search(markup(html)), (node["title"], html)


def test_linked_blocks_and_sections_have_their_own_preview(tmp_path):
    notes = {
        "A.md": "- intro\n- ## Setup\n- step **one**\n- step two\n- ## Other\n- more\n"
                "- the key claim ^claim\n    - its detail [[B]]\n",
        "B.md": "- see [[A#Setup]] and ((claim))\n",
    }
    root = make_garden(tmp_path, notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    blocks = preview(root / "site", "a.html")[1]["blocks"]
    assert set(blocks) == {"claim", "setup"}, "blocks with ids and the sections links go to"
    assert text(blocks["claim"]) == "the key claim its detail B"
    assert text(blocks["setup"]) == "Setup step one step two" and "<strong>one</strong>" in blocks["setup"]
    page = read_html(root / "site" / "b.html")
    assert {a.get("href") for a in page.find("section", "content").find_all("a")} >= {"a.html#setup", "a.html#claim"}


def test_a_long_note_is_cut_to_size(tmp_path):
    words = " ".join(f"word{index}" for index in range(2000))
    root = make_garden(tmp_path, {"Long.md": f"- {words}\n", "Many.md": "".join(f"- block {i}\n" for i in range(50))})
    assert run_garden(root, "build", "--no-exec").returncode == 0
    long = text(preview(root / "site", "long.html")[1]["html"])
    assert long.startswith("word0 word1") and long.endswith("…") and len(long) <= MAX_TEXT
    many = parse_html(preview(root / "site", "many.html")[1]["html"]).find_all("div", "preview-block")
    assert [block.text() for block in many] == ["block 0", "block 1", "block 2", "block 3"]


def test_previews_of_hostile_notes_hold_no_markup_that_could_run(tmp_path):
    root = hostile_garden(tmp_path)
    assert run_garden(root, "build").returncode == 0
    data = preview(root / "site", "payloads.html")[1]
    assert "window.pwned" in json.dumps(data), "the payloads are there, as text"
    for path in (root / "site" / "previews").rglob("*.js"):
        _, data = preview(root / "site", path.relative_to(root / "site" / "previews").with_suffix(".html").as_posix())
        assert all(not UNWANTED.search(markup(html)) for html in shown_html(data)), path.name
