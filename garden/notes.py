"""Notes: loading `.md` files and parsing each into a titled outline with its references."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from garden.check.examples import has_examples
from garden.diagnostics import Problem
from garden.outline import Block, parse_outline
from garden.run.options import OptionError, parse_options
from garden.syntax.balance import unclosed_delimiters
from garden.syntax.scan import nested_targets


@dataclass(frozen=True)
class Source:
    """A note file as read from disk."""

    path: Path
    display: str
    relative: str
    text: str


@dataclass(frozen=True)
class Ref:
    """A reference from a block to a page: a link, tag, attribute key, embed or query."""

    target: str
    kind: str
    block: Block
    anchor: str | None = None
    attribute: str | None = None


EXECUTABLE_KINDS = {"python": "python", "pycon": "python", "neuron": "neuron", "network": "network"}


@dataclass(frozen=True)
class CodeBlock:
    """A fenced block that runs at build time: python, neuron or network."""

    kind: str
    source: str
    line: int
    expected: str | None = None
    expected_line: int | None = None
    uses: tuple[str, ...] = ()

    @property
    def code_line(self) -> int:
        """The note line where the code itself starts (after the fence)."""
        return self.line + 1


@dataclass(eq=False)
class Note:
    """A parsed note: title, front matter, outline of blocks and outgoing references."""

    title: str
    source: Source
    blocks: list[Block]
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    code: list[CodeBlock] = field(default_factory=list)
    orphan_outputs: list[int] = field(default_factory=list)

    @property
    def display(self) -> str:
        """The note's path as shown in messages, e.g. `notes/Neuron.md`."""
        return self.source.display

    def walk(self) -> Iterator[Block]:
        """Every block of the note, in document order."""
        for block in self.blocks:
            yield from block.walk()


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


def _front_matter(source: Source) -> tuple[dict, str, int, list[Problem]]:
    """Split YAML front matter off; returns (data, body, first body line, problems)."""
    text = source.text
    if not text.startswith("---\n"):
        return {}, text, 1, []
    end = text.find("\n---", 3)
    if end == -1:
        return {}, text, 1, [Problem(source.display, 1, "front matter starts with `---` but never ends")]
    header = text[4:end]
    body_start = text.find("\n", end + 4)
    body = "" if body_start == -1 else text[body_start + 1:]
    first_line = text.count("\n", 0, body_start) + 2 if body_start != -1 else 1
    try:
        data = yaml.safe_load(header) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        return {}, body, first_line, [Problem(source.display, line, f"front matter is not valid YAML: {error}")]
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


def uses_of(source: str) -> tuple[str, ...]:
    """Titles a python block builds on, from its option line `#| uses: [[A]], [[B]]`."""
    try:
        return parse_options(source).uses
    except OptionError:
        return ()  # the engine reports the malformed option at its line


def fence_line(block: Block, token: Token) -> int:
    """The note line of a fence token's opening line."""
    return block.line + (token.map[0] if token.map else 0)


def _collect_code(note: Note) -> None:
    """The note's executable blocks, each paired with an `output` fence right after it."""
    previous: CodeBlock | None = None
    for block in note.walk():
        for token in block.tokens:
            if token.type != "fence":
                continue
            language = token.info.split(maxsplit=1)[0].lower() if token.info.strip() else ""
            line = fence_line(block, token)
            if language == "output":
                if previous is not None and previous.kind == "python" and not has_examples(previous.source):
                    note.code[-1] = replace(previous, expected=token.content, expected_line=line)
                else:
                    note.orphan_outputs.append(line)
                previous = None
            elif language in EXECUTABLE_KINDS:
                kind = EXECUTABLE_KINDS[language]
                uses = uses_of(token.content) if kind == "python" else ()
                previous = CodeBlock(kind, token.content, line, uses=uses)
                note.code.append(previous)
                note.refs.extend(Ref(title, "uses", block) for title in uses)
            else:
                previous = None


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
    _collect_code(note)
    problems += [Problem(source.display, line, "expected-output block has no python block right before it")
                 for line in note.orphan_outputs]
    if not blocks:
        problems.append(Problem(source.display, None, "note is empty"))
    return note, problems
