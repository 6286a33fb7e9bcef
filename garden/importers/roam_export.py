"""Reading Roam Research's JSON export (or the .zip Roam downloads) into pages of blocks, every
field checked: anything not shaped like the export is an `ExportError` naming where."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_EXPORT_BYTES = 1 << 30
VIEW_TYPES = {":bullet", ":numbered", ":document"}

class ExportError(Exception):
    """The export cannot be read: not JSON, or not shaped like Roam's JSON export."""


@dataclass
class RoamBlock:
    """One block of the export, its text as written in Roam."""

    text: str
    uid: str | None
    heading: int | None
    view: str | None
    children: list[RoamBlock] = field(default_factory=list)

    def walk(self) -> Iterator[RoamBlock]:
        pending = [self]
        while pending:
            block = pending.pop()
            yield block
            pending.extend(reversed(block.children))


@dataclass
class RoamPage:
    """One page of the export."""

    title: str
    children: list[RoamBlock]
    created: int | None = None
    edited: int | None = None

    def walk(self) -> Iterator[RoamBlock]:
        for block in self.children:
            yield from block.walk()


def _clean(text: str) -> str:
    """`text` as writable UTF-8: lone surrogates (JSON allows `\\ud800`) become U+FFFD."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _load_json(path: Path) -> Any:
    try:
        if path.stat().st_size > MAX_EXPORT_BYTES:
            raise ExportError(f"is over {MAX_EXPORT_BYTES >> 30} GB")
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [info for info in archive.infolist() if info.filename.endswith(".json")]
                if len(members) != 1:
                    raise ExportError(f"is a zip archive with {len(members)} .json files; expected Roam's one")
                if members[0].file_size > MAX_EXPORT_BYTES:
                    raise ExportError(f"holds a .json file over {MAX_EXPORT_BYTES >> 30} GB")
                data = archive.read(members[0])
        else:
            data = path.read_bytes()
    except (OSError, zipfile.BadZipFile) as error:
        raise ExportError(f"cannot be read ({getattr(error, 'strerror', None) or error})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ExportError(f"is not JSON: not valid UTF-8 at byte offset {error.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(f"is not JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise ExportError("is not JSON garden can read: nested too deeply") from None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _optional(item: dict, key: str, kinds: tuple[type, ...], where: str, expected: str) -> Any:
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
        raise ExportError(f"{where}: {key!r} is {_kind(value)}, expected {expected}")
    return value


def _time(item: dict, key: str, where: str) -> int | None:
    """A time in milliseconds since 1970, or None where it is missing or out of range."""
    value = _optional(item, key, (int, float), where, "milliseconds since 1970")
    if value is None:
        return None
    try:
        timestamp(int(value))  # a date Python can show
    except (ValueError, OverflowError, OSError):
        return None
    return int(value)


def _blocks(children: Any, where: str) -> list[RoamBlock]:
    """The blocks of a `children` list, read without recursion (Roam outlines can nest deep)."""
    roots: list[RoamBlock] = []
    pending: list[tuple[Any, str, list[RoamBlock]]] = [(children, where, roots)]
    while pending:
        items, at, into = pending.pop()
        if items is None:
            continue
        if not isinstance(items, list):
            raise ExportError(f"{at}: 'children' is {_kind(items)}, expected a list of blocks")
        for index, item in enumerate(items):
            here = f"{at}.children[{index}]"
            if not isinstance(item, dict):
                raise ExportError(f"{here}: a block is {_kind(item)}, expected an object")
            text = _optional(item, "string", (str,), here, "text") or ""
            uid = _optional(item, "uid", (str,), here, "text")
            heading = _optional(item, "heading", (int,), here, "a number 1-3")
            view = _optional(item, ":children/view-type", (str,), here, "text")
            block = RoamBlock(_clean(text).replace("\r\n", "\n").replace("\r", "\n"), uid or None,
                              heading if heading in (1, 2, 3) else None, view if view in VIEW_TYPES else None)
            into.append(block)
            pending.append((item.get("children"), here, block.children))
    return roots


def read_export(path: Path) -> list[RoamPage]:
    """The pages of a Roam JSON export (or of the zip Roam downloads); ExportError says what is wrong."""
    data = _load_json(path)
    if not isinstance(data, list):
        raise ExportError(f"is {_kind(data)}, expected Roam's JSON export: a list of pages")
    pages: list[RoamPage] = []
    for index, item in enumerate(data):
        where = f"page {index + 1}"
        if not isinstance(item, dict):
            raise ExportError(f"{where} is {_kind(item)}, expected an object with a title")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ExportError(f"{where} has no title" if title in (None, "") or isinstance(title, str)
                              else f"{where}: 'title' is {_kind(title)}, expected text")
        where = f"page {index + 1} ({title!r})"
        pages.append(RoamPage(unicodedata.normalize("NFC", _clean(title)), _blocks(item.get("children"), where),
                              _time(item, "create-time", where), _time(item, "edit-time", where)))
    return pages

def timestamp(milliseconds: int) -> str:
    moment = dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
