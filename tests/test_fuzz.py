"""Fuzzing: any note text gives pages and one-line warnings, never an exception.

The notes come from `fuzz_grammar`: every construct and its near-misses, odd Unicode, control
characters, CRLF and lone CR. The test run uses the "ci" profile, a small derandomised budget;
`GARDEN_FUZZ=long python -m pytest tests/test_fuzz.py` runs thousands of random examples (README,
Development). Timing is not asserted here: bench/hostile.py measures how build time grows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_grammar import INLINE, TITLE, note
from garden.build.products import graph_json
from garden.cli import main as garden_main
from garden.code.imports import imported_modules
from garden.config import load_config
from garden.diagnostics import Problem
from garden.graph import link_notes
from garden.notes import parse_note
from garden.render.pages import SiteRenderer
from garden.render.view import GardenView
from garden.sources import read_sources
from garden.syntax import make_parser
from garden.urls import UrlRegistry

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "notes").glob("*.md"))
SLOW_EXAMPLES = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, database=None,
                          suppress_health_check=SLOW_EXAMPLES)
settings.register_profile("long", max_examples=5000, deadline=None, suppress_health_check=SLOW_EXAMPLES)
if settings.get_current_profile_name() == "default":  # `--hypothesis-profile` chose none
    settings.load_profile(os.environ.get("GARDEN_FUZZ", "ci"))

# A fence in an unknown language makes Pygments load its plugin lexers; where IPython is installed
# that imports jedi, which raises the recursion limit, and Hypothesis warns that it cannot reset it.
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

NAMES = st.sampled_from(["Note.md", "note two.md", "A/B.md", "index.md", "con.md", "Über.md", "U\u0308ber.md",
                         "April 16th, 2021.md", "x\u202e.md", "#tag.md", "[[a]].md", "a b/c d/e.md"])
WARNING = re.compile(r"(?:notes/[^\n]+\.md(?::\d+)?|page (?:'[^\n]*'|\"[^\n]*\")|garden\.toml): [^\n]+")
BROKEN = re.compile(r"could not be (?:parsed|rendered) \(")


def write_garden(root: Path, notes: dict[str, str]) -> None:
    """A garden folder with these notes (path under notes/ -> text, written as UTF-8 bytes)."""
    (root / "garden.toml").write_text('title = "Fuzz"\n', encoding="utf-8")
    for name, text in notes.items():
        path = root / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def parse_and_render(root: Path) -> list[Problem]:
    """The load, parse, link and render stages on the garden at `root`, without the build's guards.

    An exception in any stage propagates with its traceback; returns every problem found.
    """
    config = load_config(root)
    sources, problems = read_sources(config.notes_dir, root)
    md = make_parser()
    notes = []
    for source in sources:
        parsed, found = parse_note(source, md)
        notes.append(parsed)
        problems += found
        for problem in found:
            lines = source.text.count("\n") + 1
            assert problem.line is None or 1 <= problem.line <= lines, f"{problem} points outside the note"
    garden = link_notes(notes)
    view = GardenView(garden)
    renderer = SiteRenderer(view, config)
    for page in garden.pages.values():
        renderer.page_html(page)
    renderer.all_pages_html()
    renderer.daily_notes_html()
    graph = graph_json(*view.graph())
    assert graph == json.dumps(json.loads(graph), ensure_ascii=False, indent=1), "graph.json as json.dumps writes it"
    return problems + garden.problems + sorted(renderer.problems, key=str)


def assert_stages_cope(root: Path) -> None:
    """The stages give one-line warnings, and no Python warnings (which would print among them)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        problems = parse_and_render(root)
    assert [f"{warning.category.__name__}: {warning.message}" for warning in caught] == []
    for problem in problems:
        assert WARNING.fullmatch(str(problem)), f"not a one-line warning: {str(problem)!r}"


@given(st.lists(note(), min_size=1, max_size=3))
def test_notes_parse_and_render(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_garden(Path(tmp), {f"N{index}.md": text for index, text in enumerate(texts)})
        assert_stages_cope(Path(tmp))


@st.composite
def damaged_shipped_note(draw: st.DrawFn) -> str:
    """A shipped note with slices deleted, repeated or replaced by construct pieces and near-misses."""
    text = draw(st.sampled_from(SHIPPED)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 5))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 200)))
        piece = draw(st.one_of(st.just(""), INLINE, st.just(text[start:end] * 3), st.just("\n    - ")))
        text = text[:start] + piece + text[end:]
    return text


@given(damaged_shipped_note())
def test_damaged_shipped_notes_parse_and_render(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        write_garden(Path(tmp), {"Damaged.md": text})
        assert_stages_cope(Path(tmp))


def run_build(root: Path) -> tuple[int, str, str]:
    """`garden build --no-exec` in `root`, in this process: (exit code, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        patch.delenv("GARDEN_DEBUG", raising=False)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = garden_main(["build", "--no-exec"])
    return code, stdout.getvalue(), stderr.getvalue()


@given(st.dictionaries(NAMES, note(), min_size=1, max_size=4), st.lists(TITLE, max_size=2))
@settings(max_examples=max(10, settings().max_examples // 3))
def test_build_gives_every_note_a_page(notes: dict[str, str], entries: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_garden(root, notes)
        code, stdout, stderr = run_build(root)
        assert code in (0, 1), stderr
        assert not BROKEN.search(stderr), stderr
        for line in stderr.splitlines():
            assert WARNING.fullmatch(line), f"not a warning: {line!r}"
        assert stdout.startswith("Built "), stdout
        nodes = json.loads((root / "site" / "graph.json").read_text(encoding="utf-8"))["nodes"]
        assert sum(not node["ghost"] for node in nodes) == len(notes)
        for node in nodes:
            assert (root / "site" / node["url"]).is_file(), node


# --------------------------------------------------------------------------- found by fuzzing

@pytest.mark.parametrize("header, warning", [
    ("title: ok\ntags: [a]\nbad: c\x01d", "4: front matter is not valid YAML: control characters are not allowed (U+0001); "
                                         "the title is the text after `title:`"),
    ("? [a]\n: b", "2: front matter is not valid YAML: while constructing a mapping, found unhashable key"),
])
def test_front_matter_found_by_fuzzing_is_one_warning(tmp_path: Path, header: str, warning: str) -> None:
    write_garden(tmp_path, {"Note.md": f"---\n{header}\n---\n- x\n"})
    code, _, stderr = run_build(tmp_path)
    assert code == 0
    assert stderr == f"notes/Note.md:{warning}\n"


def test_note_text_in_a_warning_stays_on_its_line(tmp_path: Path) -> None:
    write_garden(tmp_path, {"Note.md": "- {{[[embed]]: [[a\rb\x1b[2J]]}}\n"})
    code, _, stderr = run_build(tmp_path)
    assert code == 0
    assert stderr == "notes/Note.md:1: embed {{[[embed]]: [[a\\nb\\x1b[2J]]}} points at nothing\n"


def test_titles_sharing_a_url_are_numbered_in_turn() -> None:
    registry = UrlRegistry()
    titles = ["x", "X!", "x-2", "x?", "Straße", "strasse", "STRASSE", "index", "x-3", "x."]
    assert [registry.claim(title) for title in titles] == [
        "x.html", "x-2.html", "x-2-2.html", "x-3.html", "straße.html", "strasse-2.html", "strasse-3.html",
        "index-2.html", "x-3-2.html", "x-4.html"]
    assert [registry.claim(f"y{'!' * n}") for n in range(1000)][-1] == "y-1000.html"


def test_reading_a_blocks_imports_warns_about_nothing() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert imported_modules(['import re\npattern = "\\%d"', "x is 1"]) == ("re",)
    assert caught == []
