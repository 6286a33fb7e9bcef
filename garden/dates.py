"""Roam daily-note titles such as `April 16th, 2021`."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ("January February March April May June July August September October November December").split()
DAILY_TITLE = re.compile(rf"^({'|'.join(MONTHS)}) (\d{{1,2}})(?:st|nd|rd|th), (\d{{4}})$")


def daily_note_date(title: str) -> dt.date | None:
    """The date a daily-note title names, or None for any other title."""
    match = DAILY_TITLE.match(title)
    if match is None:
        return None
    month, day, year = match.groups()
    try:
        return dt.date(int(year), MONTHS.index(month) + 1, int(day))
    except ValueError:
        return None


def daily_title(date: dt.date) -> str:
    """The daily-note title of a date: `April 16th, 2021`."""
    suffix = "th" if 10 <= date.day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(date.day % 10, "th")
    return f"{MONTHS[date.month - 1]} {date.day}{suffix}, {date.year}"
