"""Flavours of note folders (Roam, Obsidian, Logseq): which one a garden is, and what it skips."""

from __future__ import annotations

from pathlib import Path

FLAVORS = ("roam", "obsidian", "logseq")
# Folders of a vault or graph that hold no notes: app settings, history, build output, caches.
SKIPPED_FOLDERS = {".obsidian", "logseq", ".git", ".trash", "site", "node_modules", ".garden-cache"}


def detect_flavor(notes_dir: Path) -> str:
    """`obsidian` for a folder with `.obsidian/`, `logseq` for one with `logseq/` or `pages/` and
    `journals/`, else `roam`."""
    if (notes_dir / ".obsidian").is_dir():
        return "obsidian"
    if (notes_dir / "logseq").is_dir() or ((notes_dir / "pages").is_dir() and (notes_dir / "journals").is_dir()):
        return "logseq"
    return "roam"
