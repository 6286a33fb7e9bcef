"""`garden import roam`: a Roam Research JSON export written as garden notes, one note per page.

Roam's JSON export is a list of pages (`title`, `uid`, `children`, `create-time`, `edit-time`);
a page's `children` are blocks (`string`, `uid`, `children`, `heading`, `:children/view-type`,
`text-align`, `props`, `refs`, times). Each page with blocks becomes `notes/TITLE.md`:

- blocks as `- ` outlines nested by 4 spaces; a block's further lines are indented under its
  bullet, with a leading `- `/`* `/`+ ` escaped (`\\- `) so the line stays in its block, and a
  code fence the block leaves open (Roam writes "```lang\\ncode```") closed on a line of its own,
  so that it does not swallow the block's children;
- `heading` 1-3 as a `#`/`##`/`###` prefix (garden renders `<h1>`-`<h3>`);
- ` ^uid` on exactly the blocks that some block references as `((uid))` or embeds, as garden's
  own parser reads the blocks (refs in code are not refs); a uid garden cannot read as a block id
  (one without a letter) is renamed `roam-UID`, and the references to it with it;
- namespaced titles `a/b/c` as `a/b/c.md`, so garden derives the same title from the path; a title
  that cannot be a file path as it is (`:?*"<>|\\`, control characters, leading dots, trailing
  dots or spaces, device names such as `con`, over 120 bytes a segment, a path taken by another
  page up to case) gets a safe path and `title:` front matter with the real title;
- the page's `create-time`/`edit-time` as `created:`/`edited:` front matter (garden ignores keys
  it does not know).

The children of a block in a numbered view (`:numbered`) are written as `1. `, `2. `… lines, which
garden shows as an ordered list; a page's own numbered view, and document views (`:document`), are
written as plain bullets. `text-align` and `props` have no garden equivalent and are
dropped. Pages without blocks are not written: garden shows them as ghost pages wherever they are
linked. Nothing is ever overwritten: a page whose file exists, or whose title an existing note
already has, is reported and left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from garden.frontmatter import read_front_matter
from garden.outline import BLOCK_ID, FENCE
from garden.sources import read_sources
from garden.syntax import make_parser
from garden.syntax.blockrefs import BLOCK_REF

INDENT = "    "
GARDEN_ID = re.compile(r"[\w-]*[^\W\d_][\w-]*")  # what garden's outline reads as a ` ^id`
BULLET_LIKE = re.compile(r"^([ \t]*)([-*+])(?=[ \t]|$)")  # a line garden's outline would read as a new block
NUMBER_LIKE = re.compile(r"^([ \t]*\d{1,9})([.)] )")  # …or as a numbered one
UNSAFE_CHARS = re.compile(r'[<>:"|?*\\\x00-\x1f\x7f]')
DEVICE_NAMES = re.compile(r"(?:con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(?:\..*)?", re.IGNORECASE)
MAX_SEGMENT_BYTES = 120  # of a file or folder name, `.md` not counted; file systems allow 255
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


@dataclass
class ImportReport:
    """What an import did: the files written, the pages left out and why, and counts."""

    written: list[Path] = field(default_factory=list)
    conflicts: list[tuple[Path, str]] = field(default_factory=list)  # (existing file, what it holds)
    failed: list[tuple[Path, str]] = field(default_factory=list)  # (file, OS error)
    empty: int = 0
    duplicates: list[str] = field(default_factory=list)  # titles the export gives twice
    blocks: int = 0
    ids: int = 0
    dangling: int = 0  # block ids referenced as `((uid))` or embedded that no block of the export has


# --------------------------------------------------------------------------- reading the export

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
        _timestamp(int(value))  # a date Python can show
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


# --------------------------------------------------------------------------- where each page goes

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


class _Placer:
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


# --------------------------------------------------------------------------- writing a note

def _yaml_string(value: str) -> str:
    """`value` as one double-quoted YAML scalar on one line (escapes for anything unusual)."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")


def _timestamp(milliseconds: int) -> str:
    moment = dt.datetime.fromtimestamp(milliseconds / 1000, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _closes(line: str, fence: str) -> bool:
    """Whether `line` closes `fence`, as garden's outline reads fences."""
    marker = FENCE.match(line)
    return (marker is not None and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence)
            and not line.strip(" `~"))


def _close_fence(lines: list[str], fence: str, opened: int) -> None:
    """Close a fence left open at the end of a block, as Roam writes code: "```lang\ncode```".

    The closing run ending the last line goes on a line of its own; a one-line "```code```"
    becomes a three-line fence; any other open fence gets a closing line.
    """
    last = lines[-1].rstrip()
    run = len(last) - len(last.rstrip(fence[0]))
    if opened < len(lines) - 1 and run >= len(fence) and last.strip(fence[0] + " "):
        lines[-1:] = [last[:-run], fence]
    elif opened == len(lines) - 1 and run >= len(fence) and len(last.strip()) > 2 * len(fence):
        indent = last[: len(last) - len(last.lstrip())]
        lines[-1:] = [indent + fence, last.strip()[len(fence):-run], indent + fence]
    else:
        lines.append(fence)


def _block_text(block: RoamBlock, renamed: dict[str, str]) -> str:
    """The block's text as garden will read it back as one block (without its ` ^id`).

    Lines are checked as garden's outline reads them: outside code fences, a line that would
    start a new block is escaped; a fence the block leaves open (it would swallow the block's
    children) is closed; a trailing `^word` that garden would take for the block's id is escaped.
    """
    text = block.text
    if renamed and "((" in text:
        text = BLOCK_REF.sub(lambda m: f"(({renamed.get(m.group(1), m.group(1))}))", text)
    if block.heading:
        text = "#" * block.heading + " " + text
    lines = text.rstrip().split("\n")
    fence, opened = None, 0
    for number, line in enumerate(lines):
        expanded = line.replace("\t", "    ")
        if fence is None:
            if number:
                lines[number] = NUMBER_LIKE.sub(r"\1\\\2", BULLET_LIKE.sub(r"\1\\\2", line))
            marker = FENCE.match(expanded)
            if marker is not None:
                fence, opened = marker.group(1), number
        elif _closes(expanded, fence):
            fence = None
    if fence is not None:
        _close_fence(lines, fence, opened)
    text = "\n".join(lines).rstrip()
    own_id = BLOCK_ID.search(text)  # text that garden would take for a block id: escape its caret
    if own_id is not None:
        caret = own_id.start(1) - 1
        text = text[:caret] + "\\" + text[caret:]
    return text


def _bullet(text: str, depth: int, block_id: str | None, marker: str = "-") -> list[str]:
    """The lines of one block at `depth`: `- text` (or `1. text`), further lines under it, the id last."""
    lines = text.split("\n")
    if block_id is not None:
        if FENCE.match(lines[-1]):
            lines.append(f"^{block_id}")  # `` ``` ^id `` would not close the fence
        else:
            lines[-1] = f"{lines[-1]} ^{block_id}".lstrip(" ")
    indent = INDENT * depth
    first = f"{indent}{marker} {lines[0]}" if lines[0] or marker != "-" else f"{indent}-"
    return [first, *(f"{indent}  {line}" if line.strip() else "" for line in lines[1:])]


def _referenced(texts: list[str], md: MarkdownIt) -> set[str]:
    """The block ids that these block texts reference or embed, as garden's parser reads them."""
    found: set[str] = set()
    for text in texts:
        if "((" not in text:
            continue
        pending = md.parse(text, {})
        while pending:
            token = pending.pop()
            if token.children:
                pending.extend(token.children)
            if token.type in ("blockref", "blockref_alias", "embed") and token.meta and "block" in token.meta:
                found.add(token.meta["block"])
    return found


def _renamed_ids(pages: list[RoamPage]) -> dict[str, str]:
    """uid -> block id for each uid garden could not read as an id (one without a letter)."""
    uids = {block.uid for page in pages for block in page.walk() if block.uid}
    renamed: dict[str, str] = {}
    for uid in sorted(uids):
        if not GARDEN_ID.fullmatch(uid) and BLOCK_REF.fullmatch(f"(({uid}))"):
            new = f"roam-{uid}"
            while new in uids or new in renamed.values():
                new += "-x"
            renamed[uid] = new
    return renamed


def _note_text(page: RoamPage, path: str, texts: dict[int, str], ids: dict[int, str]) -> str:
    header = []
    if path.removesuffix(".md") != page.title:
        header.append(f"title: {_yaml_string(page.title)}")
    if page.created is not None:
        header.append(f"created: {_timestamp(page.created)}")
    if page.edited is not None:
        header.append(f"edited: {_timestamp(page.edited)}")
    lines = ["---", *header, "---"] if header else []
    pending = [(block, 0, "-") for block in reversed(page.children)]
    while pending:
        block, depth, marker = pending.pop()
        lines.extend(_bullet(texts[id(block)], depth, ids.get(id(block)), marker))
        numbered = block.view == ":numbered"
        pending.extend((child, depth + 1, f"{number}." if numbered else "-")
                       for number, child in reversed(list(enumerate(block.children, start=1))))
    return "\n".join(lines) + "\n"


def _existing_titles(notes_dir: Path) -> dict[str, str]:
    """Title -> relative path of every note already in the notes folder."""
    if not notes_dir.is_dir():
        return {}
    sources, _ = read_sources(notes_dir, notes_dir)
    return {read_front_matter(source).title or source.file_title: source.relative for source in sources}


def _write_new(path: Path, text: str, notes_dir: Path) -> None:
    """Write a file that must not exist yet; FileExistsError if it does (never overwritten)."""
    if not path.parent.resolve().is_relative_to(notes_dir.resolve()):  # a folder linking out of notes/
        raise OSError(0, "its folder is a link out of the notes folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as file:
        try:
            file.write(text)
        except BaseException:
            file.close()
            os.unlink(path)
            raise


def import_roam(export: Path, notes_dir: Path) -> ImportReport:
    """Write each page of the export with blocks as a note below `notes_dir`; never overwrite a file.

    ExportError (before anything is written) when the export is not Roam's JSON export.
    """
    pages = read_export(export)
    report = ImportReport()
    seen: set[str] = set()
    kept: list[RoamPage] = []
    for page in pages:
        key = unicodedata.normalize("NFC", page.title)
        if key in seen:
            report.duplicates.append(page.title)
        elif not page.children:
            report.empty += 1
        else:
            kept.append(page)
        seen.add(key)
    renamed = _renamed_ids(kept)
    texts = {id(block): _block_text(block, renamed) for page in kept for block in page.walk()}
    referenced = _referenced(list(texts.values()), make_parser())
    known: set[str] = set()
    ids: dict[int, str] = {}
    for page in kept:
        for block in page.walk():
            if block.uid:
                block_id = renamed.get(block.uid, block.uid)
                known.add(block_id)
                if block_id in referenced and GARDEN_ID.fullmatch(block_id):
                    ids[id(block)] = block_id
    report.dangling = len(referenced - known)
    existing = _existing_titles(notes_dir)
    placer = _Placer(notes_dir)
    for page in kept:
        if page.title in existing:
            report.conflicts.append((notes_dir / existing[page.title], f"already holds the page {page.title!r}"))
            continue
        relative = placer.place(page.title)
        target = notes_dir / relative
        try:
            _write_new(target, _note_text(page, relative, texts, ids), notes_dir)
        except FileExistsError:
            report.conflicts.append((target, f"exists; the page {page.title!r} would be written there"))
            continue
        except OSError as error:
            report.failed.append((target, error.strerror or str(error)))
            continue
        report.written.append(target)
        blocks = list(page.walk())
        report.blocks += len(blocks)
        report.ids += sum(id(block) in ids for block in blocks)
    return report
