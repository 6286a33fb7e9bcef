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

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from garden.frontmatter import read_front_matter
from garden.importers.roam_export import RoamBlock, RoamPage, read_export, timestamp
from garden.importers.roam_paths import Placer
from garden.outline import BLOCK_ID, FENCE
from garden.sources import read_sources
from garden.syntax import make_parser
from garden.syntax.blockrefs import BLOCK_REF

INDENT = "    "
GARDEN_ID = re.compile(r"[\w-]*[^\W\d_][\w-]*")  # what garden's outline reads as a ` ^id`
BULLET_LIKE = re.compile(r"^([ \t]*)([-*+])(?=[ \t]|$)")  # a line garden's outline would read as a new block
NUMBER_LIKE = re.compile(r"^([ \t]*\d{1,9})([.)] )")  # …or as a numbered one


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


# --------------------------------------------------------------------------- writing a note

def _yaml_string(value: str) -> str:
    """`value` as one double-quoted YAML scalar on one line (escapes for anything unusual)."""
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=float("inf")).rstrip("\n")



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
        header.append(f"created: {timestamp(page.created)}")
    if page.edited is not None:
        header.append(f"edited: {timestamp(page.edited)}")
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
    placer = Placer(notes_dir)
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
