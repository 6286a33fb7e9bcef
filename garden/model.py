"""The document model: what the parse stage makes of a note, and every later stage only reads.

Code blocks are plain frozen data (str, int, float, bool and tuples of them) that pickle and
compare by value: their `#|` options, `>>>` examples, `uses` targets and expected outputs are
all read once, by the parse stage (`garden.code`), and never parsed again.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it.token import Token

EXECUTABLE_KINDS = {"python": "python", "pycon": "python", "neuron": "neuron", "network": "network"}
# Data sets of network blocks that a package ships: name -> the module they come from (an optional
# extra), which a block using one imports and whose version its cached result is keyed by.
DATASET_MODULES = {"digits": "sklearn", "iris": "sklearn"}
TAG_ATTRIBUTES = {"tags", "tag"}  # attributes whose values tag the block's page, as `Tags:: [[ML]]`


@dataclass(frozen=True)
class Source:
    """A note file as read from disk."""

    path: Path
    display: str
    relative: str
    text: str
    title: str | None = None  # the title its file name gives, where the flavour reads names its own way

    @property
    def file_title(self) -> str:
        """The note's title unless its front matter sets one: its path below the notes folder."""
        return self.title or unicodedata.normalize("NFC", self.relative.removesuffix(".md"))


@dataclass(eq=False, slots=True)
class Block:
    """One outline block: its text (without the bullet or `^id`), source line and children."""

    line: int
    text: str
    uid: str | None = None
    children: list[Block] = field(default_factory=list)
    parent: Block | None = field(default=None, repr=False)
    tokens: list[Token] = field(default_factory=list, repr=False)
    raw_html: bool = False  # the block's text holds raw HTML, which must be sanitised when shown
    ordered: bool = False  # a numbered item, shown in an ordered list with the numbered items next to it
    table: bool = False  # holds Roam's {{[[table]]}}: its children show as a table
    order: int = 0  # its place among its note's blocks, in document order (footnotes after the outline)

    @property
    def anchor(self) -> str:
        """The HTML id of this block on its page."""
        return self.uid or f"L{self.line}"

    def walk(self) -> Iterator[Block]:
        """This block and all its descendants, in document order (a loop, not recursion: outlines nest deep)."""
        pending = [self]
        while pending:
            block = pending.pop()
            yield block
            pending.extend(reversed(block.children))

    def ancestors(self) -> list[Block]:
        """Parent blocks from the outermost down to the direct parent."""
        chain: list[Block] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


@dataclass(frozen=True, slots=True)
class Ref:
    """A reference from a block to a page: a link, tag, attribute key, embed, query or use."""

    target: str
    kind: str
    block: Block
    anchor: str | None = None
    attribute: str | None = None

    @property
    def in_tags_attribute(self) -> bool:
        """Whether this is a link in the value of a `Tags::` attribute."""
        return (self.attribute or "").casefold() in TAG_ATTRIBUTES

    @property
    def is_tag(self) -> bool:
        """Whether this tags its page: a `#tag`, or a link in the value of a `Tags::` attribute."""
        return self.kind == "tag" or self.in_tags_attribute


@dataclass(frozen=True)
class FileLink:
    """A link to, or embed of, a file that is not a note (an attachment), as written in a block.

    `path` is where a Markdown link points below the notes folder (None for `![[name]]`, and for a
    path that leaves the notes folder); `name` is the path as written, which Obsidian also looks
    up anywhere in the vault.
    """

    path: str | None
    name: str
    block: Block

    @property
    def key(self) -> tuple[str | None, str]:
        """What a token of the block names the file by (`token.meta["file"]`)."""
        return self.path, self.name


Directives = tuple[tuple[str, bool], ...]  # doctest option names, each switched on (True) or off


@dataclass(frozen=True)
class CodeOptions:
    """A python block's `#| key: value` options (defaults where a key is absent)."""

    exec: bool = True
    timeout: float | None = None  # seconds; None means the garden's default
    raises: str | None = None  # exception class name the block must raise
    echo: bool = True
    rtol: float | None = None
    atol: float | None = None
    doctest: Directives = ()  # `#| doctest: +ELLIPSIS -TOLERANCE`: for every check of the block
    uses: tuple[str, ...] = ()  # titles of the notes the block's note builds on


@dataclass(frozen=True)
class OptionProblem:
    """A malformed `#|` option line: the block does not run, and this is its error."""

    message: str
    line: int


@dataclass(frozen=True)
class Example:
    """One `>>>` example: source without prompts, the output it expects, and how to check it.

    `line` is the note line of its `>>>`; `directives` are its `# doctest:` comments;
    `exc_msg` is the `Type: message` of an expected traceback, as doctest reads it.
    `syntax_error` is set when the example cannot run (a SyntaxError, a malformed prompt or
    directive), `error_line` then being the note line at fault.
    """

    source: str
    want: str
    line: int
    directives: Directives = ()
    exc_msg: str | None = None
    may_vary: bool = False
    syntax_error: str | None = None
    error_line: int | None = None


@dataclass(frozen=True)
class CodeBlock:
    """A fenced block that runs at build time (python, neuron or network), parsed once.

    `source` is the body as written; `code` is what runs (a python block's body after its
    option lines), starting on note line `body_line`. `examples` is None unless the block is
    written as `>>>` examples. `expected` is the body of an `output` fence right after it.
    """

    kind: str
    source: str
    line: int
    code: str
    body_line: int
    options: CodeOptions = CodeOptions()
    option_error: OptionProblem | None = None
    examples: tuple[Example, ...] | None = None
    imports: tuple[str, ...] = ()  # top-level modules the code imports
    reads: tuple[str, ...] = ()  # global names the code reads (some may come from the notes it uses)
    binds: tuple[str, ...] = ()  # names the code binds at its top level
    expected: str | None = None
    expected_line: int | None = None

    @property
    def code_line(self) -> int:
        """The note line where the body starts (right after the fence)."""
        return self.line + 1

    @property
    def uses(self) -> tuple[str, ...]:
        """Titles of the notes this block's note builds on."""
        return self.options.uses

    def skips(self, example: Example) -> bool:
        """Whether `+SKIP` is in force for `example` (block directives, then the example's own)."""
        skip = False
        for name, on in (*self.options.doctest, *example.directives):
            if name == "SKIP":
                skip = on
        return skip

    @property
    def check_lines(self) -> list[int]:
        """Where the block's checks are written: each `>>>`, else its `output` fence, else the block."""
        if self.examples is not None:
            return [example.line for example in self.examples]
        return [self.expected_line or self.line]


@dataclass(eq=False)
class Note:
    """A parsed note: title, front matter, outline of blocks and outgoing references."""

    title: str
    source: Source
    blocks: list[Block]
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    refs: list[Ref] = field(default_factory=list)
    files: list[FileLink] = field(default_factory=list)
    footnotes: list[Block] = field(default_factory=list)  # `[^label]: …` definitions, shown after the outline
    code: list[CodeBlock] = field(default_factory=list)
    orphan_outputs: list[int] = field(default_factory=list)
    failure: str | None = None  # why garden could not parse the note; its page says so instead
    dates: dict[str, dt.datetime] = field(default_factory=dict)  # front matter `created`, `date`, `updated`…, UTC

    @property
    def display(self) -> str:
        """The note's path as shown in messages, e.g. `notes/Neuron.md`."""
        return self.source.display

    def walk(self) -> Iterator[Block]:
        """Every block of the note, in document order."""
        for block in self.blocks:
            yield from block.walk()

    def check_lines(self) -> list[int]:
        """Every check of the note by line, in order (what the pytest plugin collects)."""
        return sorted(self.orphan_outputs + [line for code in self.code for line in code.check_lines])


def code_of(token: Any) -> CodeBlock | None:
    """The parsed code block behind a fence token, as the parse stage attached it."""
    return token.meta.get("code") if token.meta else None
