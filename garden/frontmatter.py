"""YAML front matter: `title`, `aliases`, `tags` and dates read safely, every problem a warning with its line.

The header opens with a first line `---` and closes on the next line that is exactly `---`
(trailing spaces allowed). YAML is read with libyaml's C loader when available, without
anchors and aliases (`&a` / `*a`, the way a few bytes expand to gigabytes) and within a size
budget; a header that breaks a rule is dropped with a warning and the note still builds.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from garden.dates import daily_note_date
from garden.diagnostics import Problem
from garden.model import Source

FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
MAX_HEADER_CHARS = 64 * 1024
MAX_NESTING = 32  # deeper YAML overflows libyaml's and the constructor's stacks
PLAIN_TITLE = re.compile(r"^title:[ \t]*(\S.*?)[ \t]*$", re.MULTILINE)
BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DATE_KEYS = ("created", "date", "updated", "modified", "edited")  # when a note was written or changed


@dataclass
class FrontMatter:
    """What the header says, the body after it, the body's first line, and the problems found."""

    body: str
    first_line: int
    title: str | None = None
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    dates: dict[str, dt.datetime] = field(default_factory=dict)  # DATE_KEYS given, as UTC times
    problems: list[Problem] = field(default_factory=list)


class _Loader(BASE_LOADER):
    """The safe loader, noting keys given twice in a mapping (YAML keeps the last)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[int, str]] = []

    def construct_mapping(self, node: Any, deep: bool = False) -> dict:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                continue  # `? [a]`: a list or mapping as key, which the base loader refuses
            key = key_node.value
            if key in seen:
                self.duplicates.append((key_node.start_mark.line, str(key)))
            seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date or time; one that looks like a date but is none (`2021-13-45`) stays text."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError:
            return self.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


def _has_aliases(header: str) -> int | None:
    """The header line (0-based) of the first alias (`*name`), if there is one."""
    if "*" not in header:
        return None
    for event in yaml.parse(header, Loader=BASE_LOADER):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line
    return None


def _nesting(header: str) -> int:
    """An upper bound of how deep the header's YAML nests: indentation levels plus open brackets."""
    indents: list[int] = []
    deepest = flow = 0
    for line in header.split("\n"):
        stripped = line.lstrip(" -")
        if stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
        for char in line:
            flow += (char in "[{") - (char in "]}")
            deepest = max(deepest, len(indents) + flow)
    return deepest


def _load(header: str) -> tuple[Any, list[tuple[int, str]]]:
    loader = _Loader(header)
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()


def _titles(value: object) -> list[str]:
    """`aliases`/`tags`: a YAML list or a comma-separated string, as titles."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [unicodedata.normalize("NFC", str(item).strip()) for item in items if str(item).strip()]


def _yaml_problem(display: str, header: str, error: yaml.YAMLError) -> Problem:
    """One line naming the header line YAML stopped at.

    A character YAML refuses has no mark, and libyaml counts its position in bytes: the line is
    where that character first occurs.
    """
    if isinstance(error, yaml.reader.ReaderError):
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return Problem(display, header.count("\n", 0, max(header.find(chr(code)), 0)) + 2,
                       f"front matter is not valid YAML: {error.reason} (U+{code:04X})")
    mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
    reason = ", ".join(filter(None, [getattr(error, "context", None), getattr(error, "problem", None)]))
    return Problem(display, mark.line + 2 if mark is not None else 1,
                   f"front matter is not valid YAML: {' '.join((reason or str(error)).split())}")


def read_front_matter(source: Source) -> FrontMatter:
    """Split the front matter off `source` and read it."""
    text, display = source.text, source.display
    opening = FENCE.match(text)
    if opening is None:
        return FrontMatter(text, 1)
    closing = FENCE.search(text, opening.end() + 1)
    if closing is None:
        return FrontMatter(text, 1, problems=[Problem(display, 1, "front matter starts with `---` but never ends")])
    header = text[opening.end() + 1:closing.start()]
    matter = FrontMatter(text[closing.end() + 1:], text.count("\n", 0, closing.end()) + 2)
    if len(header) > MAX_HEADER_CHARS:
        matter.problems.append(Problem(display, 2, f"front matter is over {MAX_HEADER_CHARS // 1024} KB; ignored"))
        return matter
    if _nesting(header) > MAX_NESTING:
        matter.problems.append(Problem(display, 2, f"front matter nests deeper than {MAX_NESTING} levels; ignored"))
        return matter
    try:
        alias_line = _has_aliases(header)
        if alias_line is not None:
            matter.problems.append(Problem(display, alias_line + 2, "front matter uses a YAML alias (*name), "
                                                                     "which garden does not expand; ignored"))
            return matter
        data, duplicates = _load(header)
    except yaml.YAMLError as error:
        problem = _yaml_problem(display, header, error)
        matter.title = _plain_title(header)
        if matter.title is not None:
            problem = Problem(problem.path, problem.line, f"{problem.message}; the title is the text after `title:`")
        matter.problems.append(problem)
        return matter
    matter.problems += [Problem(display, line + 2, f"front matter gives {key!r} twice; the last one counts")
                        for line, key in duplicates]
    if data is None:
        return matter
    if not isinstance(data, dict):
        matter.problems.append(Problem(display, 2, "front matter must be a mapping of keys to values"))
        return matter
    title = data.get("title")
    if isinstance(title, (list, dict)):  # `title: [[Page]]`, as Roam exports write it
        title = _plain_title(header)
    elif title is not None and not isinstance(title, str):
        matter.problems.append(Problem(display, _key_line(header, "title"), f"title should be text, not "
                                                                             f"{type(title).__name__}; using {str(title)!r}"))
    matter.title = None if title in (None, "") else unicodedata.normalize("NFC", str(title))
    matter.aliases, matter.tags = _titles(data.get("aliases")), _titles(data.get("tags"))
    for key in DATE_KEYS:
        if data.get(key) in (None, ""):
            continue
        moment = _moment(data[key])
        if moment is None:
            matter.problems.append(Problem(display, _key_line(header, key), f"{key} should be a date such as "
                                                                            f"2021-04-16, not {str(data[key])!r}; ignored"))
        else:
            matter.dates[key] = moment
    return matter


def _moment(value: object) -> dt.datetime | None:
    """A front matter date as a UTC time: a YAML date or time, ISO 8601 text or a daily-note title
    (`April 16th, 2021`); a date is its midnight, a time without a zone is taken as UTC."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            value = daily_note_date(text)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.UTC)
    return None


def _plain_title(header: str) -> str | None:
    """The text after `title:` taken as it is: the title of a header that is not YAML, such as Roam's
    `title: [[CLM]] - Claim text`."""
    match = PLAIN_TITLE.search(header)
    return unicodedata.normalize("NFC", match.group(1)) if match else None


def _key_line(header: str, key: str) -> int:
    """The note line where a top-level key is set (the header starts on line 2)."""
    match = re.search(rf"^{re.escape(key)}\s*:", header, re.MULTILINE)
    return header.count("\n", 0, match.start()) + 2 if match else 2
