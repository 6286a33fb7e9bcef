"""Small scanners shared by the Roam syntax rules."""

from __future__ import annotations


def find_closing(src: str, start: int, opener: str, closer: str, limit: int) -> int | None:
    """Index of the `closer` matching the `opener` at `start`, honouring nesting.

    Returns None when the opener is never closed before `limit`.
    """
    depth = 0
    pos = start
    width = len(opener)
    while pos < limit:
        if src.startswith(opener, pos):
            depth += 1
            pos += width
        elif src.startswith(closer, pos):
            depth -= 1
            if depth == 0:
                return pos
            pos += len(closer)
        else:
            pos += 1
    return None


def split_top_level(text: str, separator: str) -> tuple[str, str] | None:
    """Split `text` at the first `separator` outside `[[…]]`, or None if there is none."""
    depth = 0
    pos = 0
    while pos < len(text):
        if text.startswith("[[", pos):
            depth += 1
            pos += 2
        elif text.startswith("]]", pos):
            depth -= 1
            pos += 2
        elif depth == 0 and text.startswith(separator, pos):
            return text[:pos], text[pos + len(separator):]
        else:
            pos += 1
    return None


def strip_brackets(title: str) -> str:
    """Display form of a title that holds nested links: `[[a]] b` -> `a b`."""
    return title.replace("[[", "").replace("]]", "")


def nested_targets(title: str) -> list[str]:
    """Titles of the links nested inside a page title (`[[a]] b` -> ["a"])."""
    found: list[str] = []
    pos = title.find("[[")
    while pos != -1:
        end = find_closing(title, pos, "[[", "]]", len(title))
        if end is None:
            break
        inner = title[pos + 2:end]
        found.append(inner)
        found.extend(nested_targets(inner))
        pos = title.find("[[", end + 2)
    return found
