"""pytest plugin: every note of a garden is a test file, every example in it a test item.

Active where a garden is: a `garden.toml` in pytest's rootdir, or `--garden DIR`. Node ids name
the note and line (`notes/Neuron.md::line-12`); items of one note run in order on one engine
run, and with pytest-xdist they stay in one worker (`--dist load` becomes `loadfile`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from garden.check.outcomes import Outcome, note_outcomes
from garden.config import CONFIG_FILE, Config, ConfigError, load_config
from garden.execution import run_notes
from garden.graph import Garden
from garden.model import Note
from garden.site import load_garden


class GardenState:
    """The garden under test, loaded once, and outcomes of the notes run so far."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.garden: Garden = load_garden(config)[0]
        self.notes = {page.note.source.path.resolve(): page.note
                      for page in self.garden.pages.values() if page.note is not None}
        self.outcomes: dict[str, dict[int, Outcome]] = {}
        self.distributed = False

    def outcomes_for(self, note: Note, items: list[pytest.Item]) -> dict[int, Outcome]:
        """Outcomes of `note`, running it together with every other note this process still needs
        (under pytest-xdist a worker sees every item but runs only its share: just `note` then)."""
        if note.display not in self.outcomes:
            pending = {item.note.display: item.note for item in items
                       if isinstance(item, ExampleItem) and item.note.display not in self.outcomes
                       and not self.distributed}
            pending[note.display] = note
            report = run_notes(self.garden, list(pending.values()), self.config)
            for each in pending.values():
                self.outcomes[each.display] = {outcome.line: outcome
                                               for outcome in note_outcomes(each, report.results)}
        return self.outcomes[note.display]


STATE = pytest.StashKey[GardenState | None]()


class ExampleFailure(Exception):
    """A failed check, reported with its location, message and diff."""


class NoteFile(pytest.File):
    """A note: collects one item per check written in it."""

    def collect(self):
        state = self.config.stash[STATE]
        note = state.notes.get(self.path.resolve()) if state else None
        if note is None:
            return
        for line in note.check_lines():
            yield ExampleItem.from_parent(self, name=f"line-{line}", note=note, line=line)


class ExampleItem(pytest.Item):
    """One check: a `>>>` example, an expected output, an `[expect]` table or a plain block."""

    def __init__(self, *, note: Note, line: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.note = note
        self.line = line

    def runtest(self) -> None:
        state = self.config.stash[STATE]
        outcome = state.outcomes_for(self.note, self.session.items)[self.line]
        if outcome.status == "skipped":
            pytest.skip(outcome.message)
        if outcome.status == "failed":
            raise ExampleFailure(outcome)

    def repr_failure(self, excinfo, style=None) -> str:
        if isinstance(excinfo.value, ExampleFailure):
            outcome: Outcome = excinfo.value.args[0]
            return f"{outcome.location}: {outcome.message}" + (f"\n{outcome.diff.rstrip()}" if outcome.diff else "")
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, self.line - 1, f"{self.note.display}:{self.line}"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("garden", "checking a garden's examples")
    group.addoption("--garden", metavar="DIR", type=Path,
                    help="check the examples of the garden in DIR (default: the rootdir if it has garden.toml)")


def _garden_root(config: pytest.Config) -> Path | None:
    chosen = config.getoption("--garden")
    if chosen is not None:
        return chosen.resolve()
    return config.rootpath if (config.rootpath / CONFIG_FILE).is_file() else None


def _keep_notes_together(config: pytest.Config) -> None:
    """Under pytest-xdist, hand out whole files (a note's items together) rather than single items."""
    if getattr(config.option, "dist", "no") == "load":
        config.option.dist = "loadfile"


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    root = _garden_root(config)
    state = None
    if root is not None:
        try:
            state = GardenState(load_config(root))
        except ConfigError as error:
            raise pytest.UsageError(f"garden: {error}") from None
        state.distributed = hasattr(config, "workerinput")
        if config.getoption("--garden") is not None:
            config.args.append(str(state.config.notes_dir))
        _keep_notes_together(config)
    config.stash[STATE] = state


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> NoteFile | None:
    state = parent.config.stash.get(STATE, None)
    if state is None or file_path.suffix != ".md" or state.config.notes_dir not in file_path.resolve().parents:
        return None
    return NoteFile.from_parent(parent, path=file_path)
