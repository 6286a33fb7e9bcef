"""Renders fixture notes inside a tiny garden, for the syntax fixture tests."""

from __future__ import annotations

from pathlib import Path

from garden.graph import link_notes
from garden.notes import Note, Source, parse_note
from garden.render.context import RenderContext
from garden.render.rules import install_rules
from garden.render.view import GardenView
from garden.syntax import make_parser

NEIGHBOURS = {
    "Page": "- ## Intro\n- Some text about the page.\n",
    "Other": "- Known block with [[Page]] ^known\n    - its child\n",
}


def _note(title: str, text: str) -> tuple[Note, list]:
    source = Source(Path(f"/garden/notes/{title}.md"), f"notes/{title}.md", f"{title}.md", text)
    return parse_note(source, make_parser())


def render_fixture(text: str) -> tuple[str, list[str], list[str]]:
    """(HTML of the fixture note's first block, its references, problems found)."""
    fixture, problems = _note("Fixture", text)
    notes = [fixture] + [_note(title, body)[0] for title, body in NEIGHBOURS.items()]
    garden = link_notes(notes)
    page = garden.pages["Fixture"]
    ctx = RenderContext(GardenView(garden), install_rules(make_parser()), page.url)
    html = ctx.render_block(fixture.blocks[0], page).strip()
    refs = [f"{ref.kind} {ref.target}" for ref in fixture.refs]
    messages = [str(problem) for problem in [*problems, *sorted(ctx.view.log.problems, key=str)]]
    return html, refs, messages
