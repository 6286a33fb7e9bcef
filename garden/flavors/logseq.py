"""Logseq's file names: `pages/a___b.md` and `pages/a%2Fb.md` are the page `a/b`;
`journals/2021_04_16.md` is the daily note of that day."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import unquote

from garden.dates import daily_title

JOURNAL = re.compile(r"(\d{4})[_-](\d{2})[_-](\d{2})")


def logseq_title(relative: str) -> str:
    """The page title Logseq gives the file at `relative` (a posix path below the graph, `.md` included)."""
    folder, _, name = relative.removesuffix(".md").rpartition("/")
    if folder == "journals":
        day = JOURNAL.fullmatch(name)
        if day is not None:
            try:
                return daily_title(dt.date(*map(int, day.groups())))
            except ValueError:
                pass
    title = unquote(name.replace("___", "/"))
    if folder and folder not in ("pages", "journals"):
        title = f"{folder}/{title}"
    return unicodedata.normalize("NFC", title)
