"""`garden new TITLE`: a note from the garden's template, never over an existing file."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from garden.authoring.filenames import title_problem
from garden.dates import daily_title

PLACEHOLDER = re.compile(r"\$\{(title|today)\}")
DEFAULT_TEMPLATE = """\
- Tags::
- Sources::
- Updates::
    - [[${today}]]: created note.
"""


class NewNoteError(Exception):
    """The note cannot be written: `reason`, about the file `path` when there is one."""

    def __init__(self, reason: str, path: Path | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path = path


@dataclass(frozen=True)
class Template:
    """The text a new note starts from; `${title}` and `${today}` (today's daily-note title) are filled in."""

    text: str = DEFAULT_TEMPLATE

    def fill(self, title: str, today: dt.date) -> str:
        values = {"title": title, "today": daily_title(today)}
        return PLACEHOLDER.sub(lambda match: values[match.group(1)], self.text)


def create_note(notes_dir: Path, title: str, template: Template, today: dt.date) -> Path:
    """Write `notes_dir/TITLE.md` (namespaces as folders) from `template`; the path written."""
    problem = title_problem(title)
    if problem:
        raise NewNoteError(f"cannot make a note titled {title!r}: {problem}")
    path = notes_dir.joinpath(*title.split("/")).with_name(title.split("/")[-1] + ".md")
    existing = _existing_case_insensitive(path)
    if existing is not None:
        raise NewNoteError("already exists; not overwritten", existing)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as note:
            note.write(template.fill(title, today))
    except FileExistsError:
        raise NewNoteError("already exists; not overwritten", path) from None
    return path


def _existing_case_insensitive(path: Path) -> Path | None:
    """A file at `path` but for letter case (one note on macOS and Windows, two on Linux)."""
    if not path.parent.is_dir():
        return None
    wanted = path.name.casefold()
    return next((other for other in path.parent.iterdir() if other.name.casefold() == wanted), None)
