"""Starting a garden and adding notes: `garden init`, `garden new`, `garden --version`."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import SUMMARY, make_garden, read_html, run_garden, tree_digest

import garden
from garden.dates import daily_title

TODAY = daily_title(dt.date.today())


def test_init_plants_a_garden_that_builds_runs_and_checks(tmp_path):
    proc = run_garden(tmp_path, "init", "mine")
    assert proc.returncode == 0, proc.stderr
    root = tmp_path / "mine"
    assert sorted(path.relative_to(root).as_posix() for path in root.rglob("*")) == [
        ".gitignore", "garden.toml", "notes", "notes/Welcome.md"]
    assert (root / ".gitignore").read_text().split() == ["site/", ".garden-cache/"]
    build = run_garden(root, "build")
    assert build.returncode == 0, build.stderr
    summary = SUMMARY.match(build.stdout.strip())
    assert summary and summary["ran"] == "1" and summary["failed"] == "0", build.stdout
    index = read_html(root / "site" / "index.html")
    assert index.find(cls="page-title").text() == "Welcome", "the welcome note is the entry page"
    assert "0.668" in index.text(), "the neuron's output is on the page"
    assert f"{TODAY}" in index.text(), "the welcome note links today's daily note"
    check = run_garden(root, "check")
    assert check.returncode == 0 and "1 passed" in check.stdout, check.stdout + check.stderr


@pytest.mark.parametrize("existing", ["garden.toml", "notes/"])
def test_init_refuses_a_folder_that_holds_a_garden(tmp_path, existing):
    (tmp_path / "notes").mkdir()
    if existing == "garden.toml":
        (tmp_path / "garden.toml").write_text('title = "Mine"\n')
    before = tree_digest(tmp_path)
    proc = run_garden(tmp_path, "init")
    assert proc.returncode == 2
    assert "already holds" in proc.stderr and "nothing written" in proc.stderr
    assert tree_digest(tmp_path) == before


def test_init_keeps_an_existing_gitignore(tmp_path):
    (tmp_path / ".gitignore").write_text("*.pyc\n")
    assert run_garden(tmp_path, "init").returncode == 0
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n"


@pytest.fixture
def planted(tmp_path):
    assert run_garden(tmp_path, "init").returncode == 0
    return tmp_path


def test_new_writes_a_note_that_links_today(planted):
    proc = run_garden(planted, "new", "Deep Learning")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Wrote notes/Deep Learning.md"
    text = (planted / "notes" / "Deep Learning.md").read_text()
    assert text.splitlines() == ["- Tags::", "- Sources::", "- Updates::", f"    - [[{TODAY}]]: created note."]
    assert run_garden(planted, "build").returncode == 0
    daily = read_html(next((planted / "site").glob(f"{TODAY.split()[0].lower()}-*.html")))
    assert "Deep Learning" in daily.find(cls="references").text(), "today's daily page shows the new note"


def test_new_makes_folders_for_namespaces(planted):
    assert run_garden(planted, "new", "ML/Optimizers/Adam").returncode == 0
    assert (planted / "notes" / "ML" / "Optimizers" / "Adam.md").is_file()


@pytest.mark.parametrize("title", ["Welcome", "welcome", "WELCOME"])
def test_new_never_overwrites(planted, title):
    before = tree_digest(planted)
    proc = run_garden(planted, "new", title)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "garden: notes/Welcome.md: already exists; not overwritten"
    assert tree_digest(planted) == before


@pytest.mark.parametrize(("title", "why"), [
    ("a:b", "':' cannot be part of a file name"),
    ("Why?", "'?' cannot be part of a file name"),
    ('say "hi"', "'\"' cannot be part of a file name"),
    ("back\\slash", "'\\\\' cannot be part of a file name"),
    ("tab\there", "'\\t' cannot be part of a file name"),
    ("CON", "device name on Windows"),
    ("ML/aux.md", "device name on Windows"),
    ("ends.", "ends in a space or dot"),
    (".hidden", "starts with a dot"),
    ("a//b", "an empty part between slashes"),
    ("/a", "an empty part between slashes"),
    ("..", "'..' cannot be a file or folder name"),
    ("   ", "at least one visible character"),
    ("x" * 300, "too long for a file name"),
])
def test_new_refuses_titles_that_cannot_be_file_names_everywhere(planted, title, why):
    before = tree_digest(planted)
    proc = run_garden(planted, "new", title)
    assert proc.returncode == 2
    assert proc.stderr.startswith("garden: cannot make a note titled ") and why in proc.stderr, proc.stderr
    assert tree_digest(planted) == before


def test_new_uses_the_gardens_template(planted):
    (planted / "note-template.md").write_text("- Summary:: ${title} in one line\n- Seen:: [[${today}]]\n- $$x$$ costs $5\n")
    with (planted / "garden.toml").open("a") as toml:
        toml.write('note_template = "note-template.md"\n')
    assert run_garden(planted, "new", "Adam").returncode == 0
    assert (planted / "notes" / "Adam.md").read_text() == (
        f"- Summary:: Adam in one line\n- Seen:: [[{TODAY}]]\n- $$x$$ costs $5\n")


def test_a_missing_template_is_named_with_its_garden_toml_line(tmp_path):
    make_garden(tmp_path, {"A.md": "- a\n"}, toml='title = "T"\nnote_template = "nope.md"\n')
    proc = run_garden(tmp_path, "new", "B")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("garden: garden.toml:2: note_template: no such file: nope.md "
                                   "(a path from the garden's folder)")
    assert not (tmp_path / "notes" / "B.md").exists()


def test_version(tmp_path):
    proc = run_garden(tmp_path, "--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"garden {garden.__version__}"
