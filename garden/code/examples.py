"""`>>>` examples inside a `python` or `pycon` block body, read with doctest's own parser."""

from __future__ import annotations

import doctest
import re
import warnings
from itertools import takewhile

from garden.code.directives import NAMES
from garden.model import Example

PROMPT = re.compile(r"^[ ]*>>>", re.MULTILINE)
MAY_VARY = re.compile(r"#\s*may vary\s*$", re.MULTILINE | re.IGNORECASE)
DOCTEST_ERROR = re.compile(r"^line (\d+) of the \w+ for block (.*)$", re.DOTALL)
PARSER = doctest.DocTestParser()


def has_examples(body: str) -> bool:
    """Whether a code block body is written as `>>>` examples."""
    return PROMPT.search(body.expandtabs()) is not None


def parse_examples(body: str, first_line: int) -> tuple[Example, ...]:
    """The examples in a block body that starts on note line `first_line`, in order.

    Never raises: a malformed example carries doctest's reason as its `syntax_error`.
    """
    lines = body.expandtabs().splitlines(keepends=True)
    starts = [number for number, text in enumerate(lines) if PROMPT.match(text)]
    chunks = ("".join(lines[start:end]) for start, end in zip(starts, starts[1:] + [len(lines)]))
    examples = (_parse_chunk(chunk, first_line + start) for chunk, start in zip(chunks, starts))
    return tuple(example for example in examples if example is not None)


def _parse_chunk(chunk: str, line: int) -> Example | None:
    """The example that starts `chunk` (on note line `line`), or None if it is only a comment."""
    try:
        parsed = [part for part in PARSER.parse(chunk, "block") if isinstance(part, doctest.Example)]
    except ValueError as error:
        return _malformed(chunk, line, str(error))
    if not parsed:
        return None
    found = parsed[0]
    directives = tuple((NAMES[flag], value) for flag, value in found.options.items())
    at = line + found.lineno
    may_vary = MAY_VARY.search(found.source) is not None
    problem = _compile_problem(found.source)
    if problem is None:
        return Example(found.source, found.want, at, directives, found.exc_msg, may_vary)
    message, offset = problem
    return Example(found.source, found.want, at, directives, found.exc_msg, may_vary,
                   syntax_error=message, error_line=at + offset - 1)


def _compile_problem(source: str) -> tuple[str, int] | None:
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


def _malformed(chunk: str, line: int, message: str) -> Example:
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
