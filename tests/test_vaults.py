"""Obsidian vaults and Logseq graphs built where they are: no notes/ folder, the flavour detected.

The vault and graph are small ones written here; the tests read the site garden wrote (HTML, the
link checker, graph.json) and what it printed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import Element, check_links, load_graph, read_html, run_garden

VAULT = {
    ".obsidian/app.json": "{}",
    ".obsidian/Settings Note.md": "- not a note [[Nowhere From Settings]]\n",
    ".trash/Deleted.md": "- deleted\n",
    "Home.md": (
        "# Home\n"
        "\n"
        "Read [[Neuron]] and [[neuron#Weights]], the block [[Neuron#^bias-block]], then [[Topics/Layer]].\n"
        "\n"
        "A plain [Markdown link](Topics/Loss%20Function.md) and one to a heading "
        "[weights](Topics/Neuron.md#Weights).\n"
        "\n"
        "Which Index? [[Index]]\n"
        "\n"
        "![[diagram.png|120x80]] ![[talk.mp3]] ![[demo.mp4]] ![[paper.pdf]] ![[missing.png]]\n"
        "\n"
        "![[Layer]]\n"
        "\n"
        "![[Neuron#Weights]]\n"
        "\n"
        "![[Neuron#^bias-block]]\n"
        "\n"
        "[Slides](files/slides%20v2.pdf), ![photo](files/photo.jpg) and ![gone](files/gone.jpg).\n"
        "\n"
        "Jump to [the end](#the-end).\n"
        "\n"
        "## The End\n"
        "\n"
        "`![[Not an embed]]`\n"
        "\n"
        "Back to [[#Home]]; the paper again: [[deep/paper.pdf|the paper]]. Still to write: [[Perceptron]].\n"
    ),
    "Topics/Neuron.md": (
        "# Neuron\n"
        "\n"
        "A unit of a [[Layer]].\n"
        "\n"
        "## Weights\n"
        "\n"
        "Each input has a weight.\n"
        "\n"
        "The bias shifts the sum. ^bias-block\n"
        "\n"
        "## Activation\n"
        "\n"
        "Not part of the weights section.\n"
    ),
    "Topics/Layer.md": "Neurons side by side. See [Home](../Home.md).\n",
    "Topics/Reading.md": (
        "# Reading\n"
        "\n"
        "A ==highlighted== idea %%a private aside about [[Secret Page]]%% with a footnote.[^1]\n"
        "\n"
        "> [!note] Remember\n"
        "> the [[Layer]] comes first\n"
        "\n"
        "> [!tip]- Folded\n"
        "> hidden until opened\n"
        "\n"
        "- [ ] read [[Neuron]]\n"
        "- [x] read #ml/basics, issue #2024\n"
        "\n"
        "%%\n"
        "a whole hidden paragraph\n"
        "%%\n"
        "\n"
        "[^1]: Footnotes go [[Home]].\n"
    ),
    "Topics/Loss Function.md": "How wrong the network is.\n",
    "Index.md": "The top index.\n",
    "Archive/Old/Index.md": "An older index.\n",
    "attachments/diagram.png": b"\x89PNG fake",
    "attachments/talk.mp3": b"ID3 fake",
    "demo.mp4": b"fake mp4",
    "attachments/deep/paper.pdf": b"%PDF fake",
    "Topics/files/slides v2.pdf": b"%PDF slides",
    "Topics/files/photo.jpg": b"JFIF fake",
    "unused.png": b"not linked from anywhere",
}

GRAPH = {
    "logseq/config.edn": "{}",
    "logseq/custom.md": "- not a note\n",
    "pages/contents.md": "- Start at [[Machine Learning/Neuron]] and [[machine learning/layer]]\n"
                         "- The day: [[Apr 16th, 2021]] is not a title; [[April 16th, 2021]] is\n",
    "pages/Machine Learning___Neuron.md": "- A neuron\n    - ![diagram](../assets/neuron.png){:height 120, :width 240}\n"
                                          "    - ![lost](../assets/lost.png)\n",
    "pages/Machine Learning%2FLayer.md": "- A layer of [[Machine Learning/Neuron]]s\n",
    "journals/2021_04_16.md": "- Read about [[Machine Learning/Layer]] today\n"
                              "- A quotable block\n  id:: 6512a1b2-0000-4c3d-9e8f-0123456789ab\n  collapsed:: true\n"
                              "- #+BEGIN_NOTE\n  keep [[Machine Learning/Neuron]] in mind\n  #+END_NOTE\n"
                              "- type:: [[Reading]]\n  status:: done\n",
    "pages/quotes.md": "title:: Quotes\n\n- ((6512a1b2-0000-4c3d-9e8f-0123456789ab))\n",
    "assets/neuron.png": b"\x89PNG neuron",
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory):
    root = write_tree(tmp_path_factory.mktemp("garden") / "vault", VAULT)
    (root.parent / "outside.png").write_bytes(b"outside the vault")
    (root / "escape.png").symlink_to(root.parent / "outside.png")
    (root / "Outsider.md").write_text("![[outside.png]], ![x](../outside.png) and ![[escape.png]]\n",
                                      encoding="utf-8")
    result = run_garden(root, "build")
    return root, result


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory):
    root = write_tree(tmp_path_factory.mktemp("garden") / "graph", GRAPH)
    result = run_garden(root, "build")
    return root, result


def visible_text_outside_code(element: Element) -> str:
    """The page's text as a reader sees it, without what is inside `<code>`, `<pre>` and `<script>`."""
    if element.tag in ("code", "pre", "script", "style"):
        return ""
    return "".join(child if isinstance(child, str) else visible_text_outside_code(child)
                   for child in element.children)


@pytest.fixture(params=["vault", "graph"])
def built(request: pytest.FixtureRequest):
    """The Obsidian vault, then the Logseq graph, as built."""
    return request.getfixturevalue(request.param)


def test_no_ghost_page_for_an_existing_note(built) -> None:
    root, result = built
    assert result.returncode == 0, result.stderr
    nodes = load_graph(root / "site")["nodes"]
    notes = {node["title"].casefold() for node in nodes if not node["ghost"]}
    stems = {path.stem.casefold() for path in root.rglob("*.md")
             if not any(part.startswith(".") or part in ("logseq", "site") for part in path.relative_to(root).parts)}
    ghosts = [node["title"] for node in nodes if node["ghost"]]
    assert ghosts and not [title for title in ghosts if title.casefold() in notes | stems]


RAW_SYNTAX = re.compile(r"!\[\[|%%|\{\{\[\[|==|\[!note\]|\[!tip\]|id::|collapsed::|#\+BEGIN|\[\^1\]")


def test_no_raw_syntax_in_visible_text(built) -> None:
    root, _ = built
    for page in sorted((root / "site").rglob("*.html")):
        found = RAW_SYNTAX.search(visible_text_outside_code(read_html(page)))
        assert found is None, (page.name, found and found.group())
    assert not list((root / "site").rglob("secret-page.html")), "a link in a comment is no reference"


def test_every_href_and_src_resolves(built) -> None:
    root, _ = built
    assert check_links(root / "site") == []


def test_vault_links_resolve_as_obsidian_does(vault) -> None:
    root, _ = vault
    site = root / "site"
    links = {(link["source"], link["target"], link["kind"]) for link in load_graph(site)["links"]}
    assert ("Home", "Topics/Neuron", "link") in links
    assert ("Home", "Topics/Loss Function", "link") in links  # a Markdown link counts as a reference
    assert ("Home", "Index", "link") in links  # the ambiguous name goes to the one nearest the top
    assert ("Topics/Layer", "Home", "link") in links
    assert ("Home", "Topics/Layer", "embed") in links
    layer = read_html(site / "topics" / "layer.html")
    referrers = {a.text() for a in layer.find_all("a") if "references" in {c for p in a.ancestors()
                                                                               for c in p.classes}}
    assert "Home" in referrers


def test_vault_tags_are_obsidian_tags(vault) -> None:
    root, _ = vault
    titles = {node["title"]: node["ghost"] for node in load_graph(root / "site")["nodes"]}
    assert "2024" not in titles, "in Obsidian a number alone is no tag"
    assert titles["ml/basics"] is True and titles["ml"] is True, "a nested tag tags its parent too"


def test_vault_embed_syntax_in_code_stays(vault) -> None:
    root, _ = vault
    home = read_html(root / "site" / "home.html")
    assert "![[Not an embed]]" in " ".join(code.text() for code in home.find_all("code"))


def test_vault_embeds(vault) -> None:
    root, _ = vault
    home = read_html(root / "site" / "home.html")
    image = next(img for img in home.find_all("img") if "diagram" in (img.get("src") or ""))
    assert (image.get("width"), image.get("height")) == ("120", "80")
    assert [audio.get("src") for audio in home.find_all("audio")] == ["_files/attachments/talk.mp3"]
    assert [video.get("src") for video in home.find_all("video")] == ["_files/demo.mp4"]
    to_paper = [a.text() for a in home.find_all("a") if a.get("href") == "_files/attachments/deep/paper.pdf"]
    assert to_paper == ["paper.pdf", "the paper"]
    assert {a.get("href") for a in home.find_all("a") if a.text() == "Home"} >= {"home.html#home"}
    embeds = {embed.find("a", "embed-source").text(): embed for embed in home.find_all("span", "embed")}
    assert "Neurons side by side" in embeds["Layer"].text()
    section = embeds["Neuron » Weights"].text()
    assert "Each input has a weight" in section and "Not part of the weights section" not in section
    assert embeds["Neuron » ^bias-block"].text().endswith("The bias shifts the sum.")


def test_vault_attachments_are_copied_when_referenced(vault) -> None:
    root, _ = vault
    copied = {path.relative_to(root / "site" / "_files").as_posix() for path in (root / "site" / "_files").rglob("*")
              if path.is_file()}
    assert copied == {"attachments/diagram.png", "attachments/talk.mp3", "demo.mp4", "attachments/deep/paper.pdf",
                      "topics/files/slides-v2.pdf", "topics/files/photo.jpg"}
    assert (root / "site" / "_files" / "demo.mp4").read_bytes() == VAULT["demo.mp4"]
    assert not [path for path in (root / "site").rglob("*") if path.is_file()
                and path.read_bytes() in (b"outside the vault", VAULT["unused.png"])]


def test_vault_warnings_name_file_and_line(vault) -> None:
    _, result = vault
    warnings = result.stderr.splitlines()
    assert any(re.fullmatch(r"Home\.md:7: link 'Index' matches 2 notes \(Index\.md, Archive/Old/Index\.md\).*", w)
               for w in warnings), warnings
    assert "Home.md:9: attachment 'missing.png' is not in the garden; it is shown as text" in warnings
    assert "Home.md:17: attachment 'files/gone.jpg' is not in the garden; it is shown as text" in warnings
    assert "Outsider.md:1: attachment 'outside.png' is not in the garden; it is shown as text" in warnings
    assert "Outsider.md:1: attachment '../outside.png' is outside the notes folder; it is shown as text" in warnings
    assert "Outsider.md:1: attachment 'escape.png' is not in the garden; it is shown as text" in warnings
    assert not [w for w in warnings if "Settings Note" in w or "Deleted" in w]


def test_vault_rebuild_does_not_read_its_own_site(vault) -> None:
    root, first = vault
    (root / "site" / "Stray.md").write_text("- a note in the site folder\n", encoding="utf-8")
    again = run_garden(root, "build")
    assert again.returncode == 0, again.stderr
    assert first.stdout.split(" pages")[0] == again.stdout.split(" pages")[0]


def test_flavor_setting_overrides_detection(vault, tmp_path: Path) -> None:
    root = write_tree(tmp_path / "vault", {".obsidian/app.json": "{}", "A.md": "See [[B]]\n", "Sub/B.md": "b\n"})
    (root / "garden.toml").write_text('title = "Vault"\nflavor = "roam"\n', encoding="utf-8")
    assert run_garden(root, "build").returncode == 0
    nodes = {node["title"]: node["ghost"] for node in load_graph(root / "site")["nodes"]}
    assert nodes == {"A": False, "Sub/B": False, "B": True}  # Roam links by title only


def test_bad_flavor_names_garden_toml_and_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"A.md": "a\n", "garden.toml": 'title = "x"\nflavor = "notion"\n'})
    result = run_garden(tmp_path, "build")
    assert result.returncode == 2
    assert result.stderr.strip() == "garden: garden.toml:2: flavor: must be one of roam, obsidian, logseq"


def test_logseq_graph(graph) -> None:
    root, result = graph
    assert result.returncode == 0, result.stderr
    site = root / "site"
    nodes = {node["title"]: node["ghost"] for node in load_graph(site)["nodes"]}
    assert {title for title, ghost in nodes.items() if not ghost} == {
        "contents", "Machine Learning/Neuron", "Machine Learning/Layer", "April 16th, 2021", "Quotes"}
    assert nodes["Apr 16th, 2021"] is True
    assert "(5 notes, 5 ghost pages, 1 daily note)" in result.stdout, "ghosts: Apr 16th, Reading, type, status, title"
    quotes = read_html(site / "quotes.html").find("span", "block-ref")
    assert quotes.text().startswith("A quotable block")
    assert (site / "_files" / "assets" / "neuron.png").read_bytes() == GRAPH["assets/neuron.png"]
    neuron = read_html(site / "machine-learning" / "neuron.html")
    assert [(img.get("src"), img.get("width"), img.get("height")) for img in neuron.find_all("img")] == [
        ("../_files/assets/neuron.png", "240", "120")]
    assert "{:" not in neuron.text()
    assert result.stderr.splitlines() == [("pages/Machine Learning___Neuron.md:3: attachment '../assets/lost.png' "
                                           "is not in the garden; it is shown as text")]


def test_obsidian_ghosts_ignore_case_and_the_upper_note_keeps_a_shared_title(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "vault", {
        ".obsidian/app.json": "{}",
        "a.md": "see #HUB\n",
        "b.md": "---\ntags: [hub]\n---\ntext\n",
        "c.md": "links [[Hub]] and [[top of mind]]\n",
        "top-of-mind.md": "---\ntitle: top of mind\n---\nthe current one\n",
        "archive/top-of-mind-old.md": "---\ntitle: top of mind\n---\nthe old one\n",
    })
    result = run_garden(root, "build", "--no-exec")
    assert result.returncode == 0, result.stderr
    ghosts = [node["title"] for node in load_graph(root / "site")["nodes"] if node["ghost"]]
    assert [title for title in ghosts if title.casefold() == "hub"] == ["HUB"]
    link = next(a for a in read_html(root / "site" / "c.html").find_all("a", "wikilink") if a.text() == "top of mind")
    assert read_html(root / "site" / link.get("href")).find("section", "content").text() == "the current one"
    assert "archive/top-of-mind-old.md: title 'top of mind' is also used by top-of-mind.md" in result.stderr
