"""`>>>` examples inside a `python` or `pycon` code block body."""

from __future__ import annotations

import doctest
import re
import warnings
from dataclasses import dataclass, field, replace
from itertools import takewhile

PROMPT = re.compile(r"^[ ]*>>>", re.MULTILINE)
MAY_VARY = re.compile(r"#\s*may vary\s*$", re.MULTILINE | re.IGNORECASE)
DOCTEST_ERROR = re.compile(r"^line (\d+) of the \w+ for block (.*)$", re.DOTALL)
FLAG_NAMES = {flag: name for name, flag in doctest.OPTIONFLAGS_BY_NAME.items()}
PARSER = doctest.DocTestParser()


@dataclass(frozen=True)
class Example:
    """One example: its source without prompts, the output it expects, and how to check it.

    `line` is the 1-based line of the `>>>` within the block body (add the note offset);
    `options` holds `# doctest:` directives by name, e.g. `{"SKIP": True}`; `exc_msg` is
    the `Type: message` part of an expected traceback, as doctest reads it.
    `syntax_error` is set when the example cannot run: a SyntaxError in the source or
    a malformed prompt or directive; `error_line` is then its 1-based line in the body.
    """

    source: str
    want: str
    line: int
    options: dict[str, bool] = field(default_factory=dict)
    exc_msg: str | None = None
    syntax_error: str | None = None
    error_line: int | None = None

    @property
    def skip(self) -> bool:
        """True for `# doctest: +SKIP`: neither run nor compared."""
        return self.options.get("SKIP", False)

    @property
    def may_vary(self) -> bool:
        """True for a trailing `# may vary` comment: run, but output not compared."""
        return MAY_VARY.search(self.source) is not None


def has_examples(body: str) -> bool:
    """Whether a code block body is written as `>>>` examples."""
    return PROMPT.search(body.expandtabs()) is not None


def parse_examples(body: str) -> list[Example]:
    """The examples in a code block body, in order; never raises on malformed examples."""
    lines = body.expandtabs().splitlines(keepends=True)
    starts = [number for number, text in enumerate(lines) if PROMPT.match(text)]
    chunks = ("".join(lines[start:end]) for start, end in zip(starts, starts[1:] + [len(lines)]))
    examples = (parse_chunk(chunk, start + 1) for chunk, start in zip(chunks, starts))
    return [example for example in examples if example is not None]


def parse_chunk(chunk: str, line: int) -> Example | None:
    """The example that starts `chunk` (on body line `line`), or None if it is only a comment."""
    try:
        parsed = [part for part in PARSER.parse(chunk, "block") if isinstance(part, doctest.Example)]
    except ValueError as error:
        return malformed(chunk, line, str(error))
    if not parsed:
        return None
    found = parsed[0]
    options = {FLAG_NAMES[flag]: value for flag, value in found.options.items()}
    example = Example(found.source, found.want, line + found.lineno, options, found.exc_msg)
    problem = compile_problem(found.source)
    if problem is None:
        return example
    message, offset = problem
    return replace(example, syntax_error=message, error_line=example.line + offset - 1)


def compile_problem(source: str) -> tuple[str, int] | None:
    """Why `source` does not compile as one interactive statement, and on which of its lines."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<example>", "single")
        except SyntaxError as error:
            return f"{type(error).__name__}: {error.msg}", error.lineno or 1
        except ValueError as error:  # e.g. a null byte, on Python 3.11
            return f"{type(error).__name__}: {error}", 1
    return None


def malformed(chunk: str, line: int, message: str) -> Example:
    """An example doctest refused to read, carrying doctest's reason as its error."""
    match = DOCTEST_ERROR.match(message)
    offset, reason = (int(match.group(1)), match.group(2)) if match else (1, message)
    lines = chunk.splitlines()
    source = [lines[0].lstrip()[3:].removeprefix(" ")]
    rest = lines[1:]
    while rest and rest[0].lstrip().startswith("..."):
        source.append(rest.pop(0).lstrip()[3:].removeprefix(" "))
    want = "".join(f"{text}\n" for text in takewhile(str.strip, rest))
    # doctest counts some directive errors from line 0, so clamp to the prompt line.
    return Example("\n".join(source) + "\n", want, line,
                   syntax_error=f"malformed example: {reason}", error_line=line + max(offset, 1) - 1)
