"""Whether a note title can be a file name on Linux, macOS and Windows alike."""

from __future__ import annotations

import re

FORBIDDEN_CHARACTERS = '<>:"\\|?*'
WINDOWS_DEVICES = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)
MAX_NAME_BYTES = 255 - len(".md")


def title_problem(title: str) -> str | None:
    """Why `title` (a `/` separates namespaces, which become folders) cannot name a note file; None if it can."""
    if not title.strip():
        return "a title needs at least one visible character"
    for part in title.split("/"):
        problem = _part_problem(part)
        if problem:
            return problem
    return None


def _part_problem(part: str) -> str | None:
    if not part:
        return "an empty part between slashes (a `/` separates a namespace from the page title)"
    if part in (".", ".."):
        return f"{part!r} cannot be a file or folder name"
    bad = sorted({character for character in part if character in FORBIDDEN_CHARACTERS or ord(character) < 32})
    if bad:
        shown = " ".join(repr(character) for character in bad)
        return f"{shown} cannot be part of a file name on Windows or macOS"
    if part != part.rstrip(" ."):
        return f"{part!r} ends in a space or dot, which Windows drops from file names"
    if part != part.lstrip(" "):
        return f"{part!r} starts with a space"
    if part.startswith("."):
        return f"{part!r} starts with a dot: hidden files and folders are not read as notes"
    if WINDOWS_DEVICES.fullmatch(part):
        return f"{part!r} is a device name on Windows and cannot be a file name there"
    if len(part.encode("utf-8")) > MAX_NAME_BYTES:
        return f"a part of the title is over {MAX_NAME_BYTES} bytes, too long for a file name"
    return None
