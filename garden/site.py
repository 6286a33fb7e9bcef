"""Loading a whole garden at once (read, parse and link every note), for `garden check` and the pytest plugin;
builds go through `garden.build.builder`."""

from __future__ import annotations

import os
from pathlib import Path

from garden.config import Config
from garden.diagnostics import Problem
from garden.graph import Garden, link_notes
from garden.model import Note
from garden.notes import parse_source
from garden.progress import progress
from garden.publish import EVERYTHING, PublishRules
from garden.sources import garden_files, read_sources
from garden.syntax import make_parser


def load_garden(config: Config, rules: PublishRules = EVERYTHING) -> tuple[Garden, list[Problem]]:
    """Read, parse and link every note of the garden; with publishing `rules`, the Garden of what they publish."""
    skip = (config.out_dir, config.cache_dir)
    sources, problems = read_sources(config.notes_dir, config.root, skip, config.flavor)
    md = make_parser(config.flavor)
    notes: list[Note] = []
    with progress("reading notes", len(sources), "note") as bar:
        for source in sources:
            note, note_problems = parse_source(source, md)
            if note is not None:
                notes.append(note)
            problems.extend(note_problems)
            bar.update()
    inside = config.notes_dir.resolve()
    files = [relative for where, relative in garden_files(config.notes_dir, skip)
             if os.path.splitext(relative)[1] != ".md" and Path(where).resolve().is_relative_to(inside)]
    garden = link_notes(notes, config.flavor, files, rules)
    return garden, problems + garden.problems
