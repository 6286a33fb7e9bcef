"""Where each imported page goes: a file path garden titles as the page, or a safe one (the title
then goes into front matter), never one another page or note already has up to case."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

UNSAFE_CHARS = re.compile(r'[<>:"|?*\\\x00-\x1f\x7f]')
DEVICE_NAMES = re.compile(r"(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?", re.IGNORECASE)
MAX_SEGMENT_BYTES = 120  # of a file or folder name, `.md` not counted; file systems allow 255

def _safe_segment(segment: str) -> str:
    """A file or folder name that works on Linux, macOS and Windows, as close to `segment` as may be."""
    name = UNSAFE_CHARS.sub("_", segment)
    name = re.sub(r"^\.+", lambda m: "_" * len(m.group()), name)
    name = re.sub(r"[.\s]+$", lambda m: "_" * len(m.group()), name)
    if DEVICE_NAMES.fullmatch(name):
        name = "_" + name
    encoded = name.encode("utf-8")
    if len(encoded) > MAX_SEGMENT_BYTES:
        digest = hashlib.sha1(segment.encode("utf-8")).hexdigest()[:8]
        name = encoded[:MAX_SEGMENT_BYTES - 9].decode("utf-8", "ignore").rstrip(". ") + "-" + digest
    return name or "_"


class Placer:
    """Hands out one relative `.md` path per title: files and folders distinct even up to case."""

    def __init__(self, notes_dir: Path) -> None:
        self.files: dict[str, str] = {}  # casefolded path -> path, of every file below notes/
        self.folders: dict[str, str] = {}  # casefolded path -> path as first spelled
        if notes_dir.is_dir():
            for path in notes_dir.rglob("*"):
                relative = path.relative_to(notes_dir).as_posix()
                (self.folders if path.is_dir() else self.files)[self._key(relative)] = relative

    @staticmethod
    def _key(relative: str) -> str:
        return unicodedata.normalize("NFC", relative).casefold()

    def place(self, title: str) -> str:
        """A new path for `title`, the natural one where it is safe and free."""
        segments = [_safe_segment(part) for part in title.split("/") if part.strip()] or ["_"]
        folders: list[str] = []
        for segment in segments[:-1]:
            prefix = "/".join([*folders, segment])
            if self._key(prefix) in self.files:  # a file has the folder's name: keep the page out of it
                segments = [_safe_segment("_".join(segments))]
                break
            folders.append(self.folders.get(self._key(prefix), prefix).rsplit("/", 1)[-1])
        stem = "/".join([*folders, segments[-1]])
        path = stem + ".md"
        if self._key(path) in self.files or self._key(path) in self.folders:
            digest = hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
            path = f"{stem}-{digest}.md"
            number = 2
            while self._key(path) in self.files or self._key(path) in self.folders:
                path, number = f"{stem}-{digest}-{number}.md", number + 1
        self.claim(path)
        return path

    def claim(self, path: str) -> None:
        self.files[self._key(path)] = path
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            self.folders.setdefault(self._key(folder), folder)


