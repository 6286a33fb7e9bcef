"""`garden init [DIR]`: a new garden with a welcome note that shows the syntax and runs a neuron."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from garden.config import CONFIG_FILE
from garden.dates import daily_title

GITIGNORE = "site/\n.garden-cache/\n"


class InitError(Exception):
    """The folder cannot become a new garden; the message says why."""


def garden_toml(title: str) -> str:
    """The settings file of a new garden: every setting shown, most commented out."""
    escaped = title.replace("\\", "\\\\").replace('"', '\\"')
    return f'''title = "{escaped}"
entry = "Welcome"                  # the page shown at the site's root
# timeout = 30                     # seconds a code block may run
# memory_mb = 2048                 # memory limit of each worker process
# base_url = "https://example.org/garden/"   # where the site is published
# note_template = "note-template.md"         # what `garden new` starts a note from
'''


def welcome_note(today: dt.date) -> str:
    """The first note: the syntax a garden reads, and a neuron that runs when the site builds."""
    return f'''- Tags:: [[garden]]
- Updates::
    - [[{daily_title(today)}]]: planted the garden.
- This is an outline: every `- ` line is a block, and indented blocks belong to the one above.
    - Link a concept with double brackets: [[Neuron]]. The page exists as soon as something links to it.
    - Tag with #ideas, or give a block attributes with `Key:: value`.
    - Math: $$z = \\sum_i w_i x_i + b$$
    - Write a new note with `garden new "Title"`; see it with `garden serve`.
- A [[Neuron]] computes $$a = \\sigma(z)$$; this block runs when the site builds, and its `[expect]` table is checked by `garden check`:
    - ```neuron
      inputs = [1.0, 0.5]
      weights = [0.8, -0.4]
      bias = 0.1
      activation = "sigmoid"
      [expect]
      z = 0.7
      a = 0.668187772168166
      ```
'''


def init_garden(folder: Path, today: dt.date) -> list[Path]:
    """Write a new garden into `folder` (created if needed); the files written."""
    if (folder / CONFIG_FILE).exists():
        raise InitError(f"{folder / CONFIG_FILE} exists: this folder already holds a garden")
    if (folder / "notes").exists():
        raise InitError(f"{folder / 'notes'} exists: this folder already holds notes")
    if folder.exists() and not folder.is_dir():
        raise InitError(f"{folder} is a file, not a folder")
    (folder / "notes").mkdir(parents=True)
    files = {folder / CONFIG_FILE: garden_toml(folder.resolve().name or "Garden"),
             folder / "notes" / "Welcome.md": welcome_note(today)}
    if not (folder / ".gitignore").exists():
        files[folder / ".gitignore"] = GITIGNORE
    for path, text in files.items():
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    return list(files)
