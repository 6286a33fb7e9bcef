"""Notes: loading `.md` files and parsing each into a titled outline with its references."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from garden.code.blocks import collect_code
from garden.diagnostics import Problem
from garden.model import Block, Note, Ref, Source
from garden.outline import parse_outline
from garden.syntax.balance import unclosed_delimiters
from garden.syntax.scan import nested_targets


def read_sources(notes_dir: Path, display_root: Path) -> tuple[list[Source], list[Problem]]:
    """Read every `.md` file below `notes_dir`; undecodable files become problems."""
    sources: list[Source] = []
    problems: list[Problem] = []
    for path in sorted(notes_dir.rglob("*.md")):
        if not path.is_file():
            continue
        try:
            path.as_posix().encode("utf-8")
        except UnicodeEncodeError:
            shown = path.as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            problems.append(Problem(shown, None, "file name is not valid UTF-8; note skipped"))
            continue
        try:
            display = path.relative_to(display_root).as_posix()
        except ValueError:
            display = path.as_posix()
        relative = path.relative_to(notes_dir).as_posix()
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(display, None, f"not valid UTF-8 at byte offset {error.start}; note skipped"))
            continue
        sources.append(Source(path, display, relative, text.removeprefix("\ufeff").replace("\r\n", "\n")))
    return sources, problems


FRONT_MATTER_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _front_matter(source: Source) -> tuple[dict, str, int, list[Problem]]:
    """Split YAML front matter off; returns (data, body, first body line, problems).

    The header opens with a first line `---` and closes on the next line that is exactly `---`
    (trailing spaces allowed). A header that is not a YAML mapping is a warning; the note builds.
    """
    text = source.text
    opening = FRONT_MATTER_FENCE.match(text)
    if opening is None:
        return {}, text, 1, []
    closing = FRONT_MATTER_FENCE.search(text, opening.end() + 1)
    if closing is None:
        return {}, text, 1, [Problem(source.display, 1, "front matter starts with `---` but never ends")]
    header = text[opening.end() + 1:closing.start()]
    body = text[closing.end() + 1:]
    first_line = text.count("\n", 0, closing.end()) + 2
    try:
        data = yaml.load(header, Loader=YAML_LOADER) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        reason = ", ".join(filter(None, [getattr(error, "context", None), getattr(error, "problem", None)]))
        message = f"front matter is not valid YAML: {reason or error}"
        return {}, body, first_line, [Problem(source.display, line, message)]
    if not isinstance(data, dict):
        return {}, body, first_line, [Problem(source.display, 2, "front matter must be a mapping of keys to values")]
    return data, body, first_line, []


def _as_list(value: object) -> list[str]:
    """Front matter `aliases`/`tags`: a YAML list or a comma-separated string, as titles."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [unicodedata.normalize("NFC", str(item).strip()) for item in items if str(item).strip()]


def _refs_of(block: Block, tokens: list[Token], attribute: str | None = None) -> Iterator[Ref]:
    """References in a token stream; those after `Key::` record the attribute they belong to."""
    for token in tokens:
        if token.children:
            yield from _refs_of(block, token.children)
            continue
        target = token.meta.get("target") if token.meta else None
        if not target:
            continue
        if token.type == "attribute":
            attribute = target
            yield Ref(target, "attribute", block)
            continue
        yield Ref(target, token.meta["kind"], block, token.meta.get("anchor"), attribute)
        for inner in nested_targets(target):
            yield Ref(inner, token.meta["kind"], block, None, attribute)


def parse_note(source: Source, md: MarkdownIt) -> tuple[Note, list[Problem]]:
    """Parse one source into a Note; problems point at lines of the file."""
    data, body, first_line, problems = _front_matter(source)
    title = unicodedata.normalize("NFC", str(data.get("title") or source.relative.removesuffix(".md")))
    blocks, outline_problems = parse_outline(body, first_line)
    problems += [Problem(source.display, line, message) for line, message in outline_problems]
    note = Note(title, source, blocks, _as_list(data.get("aliases")), _as_list(data.get("tags")))
    for block in note.walk():
        block.tokens = md.parse(block.text)
        note.refs.extend(_refs_of(block, block.tokens))
        for offset, opener in unclosed_delimiters(block.text):
            problems.append(Problem(source.display, block.line + offset, f"`{opener}` is never closed"))
    collect_code(note, md)
    problems += [Problem(source.display, line, "expected-output block has no python block right before it")
                 for line in note.orphan_outputs]
    if not blocks:
        problems.append(Problem(source.display, None, "note is empty"))
    return note, problems
