"""Fence tokens -> CodeBlocks: every executable block of a note, read once, with its output fence."""

from __future__ import annotations

from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from garden.code.examples import has_examples, parse_examples
from garden.code.imports import imported_modules, spec_imports
from garden.code.names import global_names
from garden.code.options import OptionError, parse_options
from garden.model import EXECUTABLE_KINDS, Block, CodeBlock, Note, OptionProblem, Ref

USES_HINT = "expected links to notes, like [[Activation Function]], [[Neuron]]"


def link_reader(md: MarkdownIt):
    """Reads `[[A]], [[B|alias]]` with the garden's own link parser: the titles linked to.

    Raises ValueError when the text holds anything but links, commas and spaces.
    """

    def read(text: str) -> tuple[str, ...]:
        titles: list[str] = []
        for line in md.parseInline(text):
            for token in line.children or []:
                if token.type == "wikilink":
                    titles.append(token.meta["target"])
                elif token.type != "text" or token.content.strip(" ,"):
                    raise ValueError(USES_HINT)
        if not titles:
            raise ValueError(USES_HINT)
        return tuple(titles)

    return read


def code_block(kind: str, source: str, line: int, md: MarkdownIt) -> CodeBlock:
    """Read one executable block whose fence opens on note line `line`."""
    code_line = line + 1
    if kind != "python":
        return CodeBlock(kind, source, line, source, code_line, imports=spec_imports(source))
    try:
        parsed = parse_options(source, code_line, link_reader(md))
    except OptionError as error:
        return CodeBlock(kind, source, line, source, code_line,
                         option_error=OptionProblem(error.message, error.line))
    examples = parse_examples(parsed.code, parsed.body_line) if has_examples(parsed.code) else None
    sources = [parsed.code] if examples is None else [example.source for example in examples]
    reads, binds = global_names(sources)
    return CodeBlock(kind, source, line, parsed.code, parsed.body_line, parsed.options, examples=examples,
                     imports=imported_modules(sources), reads=reads, binds=binds)


def fence_line(block: Block, token: Token) -> int:
    """The note line of a fence token's opening line."""
    return block.line + (token.map[0] if token.map else 0)


def _fence_language(token: Token) -> str:
    return token.info.split(maxsplit=1)[0].lower() if token.info.strip() else ""


def collect_code(note: Note, md: MarkdownIt) -> None:
    """Fill `note.code` (each block paired with an `output` fence right after it), `orphan_outputs`
    and the `uses` refs, and attach each CodeBlock to its fence token as `meta["code"]`."""
    fences: list[Token] = []
    previous: CodeBlock | None = None
    for block in note.walk():
        for token in block.tokens:
            if token.type != "fence":
                continue
            language, line = _fence_language(token), fence_line(block, token)
            if language == "output":
                if previous is not None and previous.kind == "python" and previous.examples is None:
                    note.code[-1] = replace(previous, expected=token.content, expected_line=line)
                else:
                    note.orphan_outputs.append(line)
                previous = None
            elif language in EXECUTABLE_KINDS:
                previous = code_block(EXECUTABLE_KINDS[language], token.content, line, md)
                note.code.append(previous)
                fences.append(token)
                note.refs.extend(Ref(title, "uses", block) for title in previous.uses)
            else:
                previous = None
    for token, code in zip(fences, note.code):
        token.meta = {**(token.meta or {}), "code": code}
