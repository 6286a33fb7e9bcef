"""`garden.toml` -> Config: the garden's name, entry page, folders, flavour, execution limits and where
code runs, cache size, search and publishing rules."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from garden.flavors import FLAVORS, detect_flavor
from garden.publish import PublishRules

CONFIG_FILE = "garden.toml"
KNOWN_KEYS = {"title", "entry", "notes", "out", "timeout", "memory_mb", "cache_mb", "raw_outputs", "flavor",
              "base_url", "note_template", "publish", "search", "executor", "scheduler"}
PUBLISH_KEYS = {"only_tags", "hide_tags"}  # of the `[publish]` table
EXECUTORS = ("local", "dask")


class ConfigError(Exception):
    """garden.toml is missing something or holds a bad value; the message names file and line."""


@dataclass(frozen=True)
class Config:
    """Settings of one garden; paths are absolute."""

    root: Path
    notes_dir: Path
    out_dir: Path
    title: str = "Garden"
    entry: str | None = None
    timeout: float = 30.0
    memory_mb: int = 2048
    cache_mb: int = 256
    raw_outputs: bool = False
    flavor_setting: str | None = None  # garden.toml `flavor`; None: detected from the notes folder
    base_url: str | None = None  # where the site is published, ending in `/`: absolute URLs, sitemap.xml
    note_template: Path | None = None  # the file `garden new` starts a note from
    only_tags: tuple[str, ...] = ()  # `[publish]`: publish only pages carrying one of these tags
    hide_tags: tuple[str, ...] = ()  # `[publish]`: hide blocks and pages carrying one of these tags

    search: bool = True  # a Pagefind index of the pages and a search field in every page's header
    executor: str = "local"  # what runs the code: worker processes here, or dask.distributed
    scheduler: str | None = None  # the dask scheduler's address; None: a cluster on this machine

    @property
    def publish(self) -> PublishRules:
        """What the site shows of the notes (`[publish]`; the entry page is always published)."""
        return PublishRules(self.only_tags, self.hide_tags, self.entry)

    @property
    def flavor(self) -> str:
        """How the notes are written: `roam`, `obsidian` or `logseq` (set, else detected)."""
        return self.flavor_setting or detect_flavor(self.notes_dir)

    @property
    def cache_dir(self) -> Path:
        """Where executed results are cached (inside the garden, gitignored)."""
        return self.root / ".garden-cache"


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding garden.toml, else `start` itself."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    return start


def _line_of(text: str, key: str) -> int | None:
    """The line setting `key` (`table.key` for a key of a table: its line below the `[table]` header, or
    a dotted `table.key =` line; else the table's own line); None when it cannot be found."""
    table, _, name = key.rpartition(".")
    start = 0
    if table:
        header = re.search(rf"^[ \t]*\[[ \t]*{re.escape(table)}[ \t]*\]", text, re.MULTILINE)
        start = header.end() if header else len(text)
    match = (re.compile(rf"^[ \t]*{re.escape(name)}[ \t]*=", re.MULTILINE).search(text, start)
             or re.search(rf"^[ \t]*{re.escape(key)}[ \t]*=", text, re.MULTILINE)
             or re.search(rf"^[ \t]*\[[ \t]*{re.escape(key)}[ \t]*\]", text, re.MULTILINE))
    if match is None:
        return _line_of(text, table) if table else None
    return text.count("\n", 0, match.start()) + 1


def load_config(root: Path) -> Config:
    """Read `root/garden.toml` (optional: defaults apply without it)."""
    path = root / CONFIG_FILE
    data: dict = {}
    text = ""
    if path.is_file():
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ConfigError(f"{CONFIG_FILE}: not valid UTF-8 at byte offset {error.start}") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            line = re.search(r"line (\d+)", str(error))
            raise ConfigError(f"{CONFIG_FILE}:{line.group(1) if line else 1}: {error}") from None

    def fail(key: str, message: str) -> ConfigError:
        return ConfigError(f"{CONFIG_FILE}:{_line_of(text, key) or 1}: {key}: {message}")

    for key in data:
        if key not in KNOWN_KEYS:
            raise fail(key, f"unknown setting; known settings are {', '.join(sorted(KNOWN_KEYS))}")
    for key in ("title", "entry", "notes", "out", "flavor", "base_url", "note_template"):
        if key in data and not isinstance(data[key], str):
            raise fail(key, "must be a string")
    timeout = data.get("timeout", 30.0)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise fail("timeout", "must be a positive number of seconds")
    memory = data.get("memory_mb", 2048)
    if isinstance(memory, bool) or not isinstance(memory, int) or memory < 64:
        raise fail("memory_mb", "must be a whole number of megabytes, at least 64")
    cache_mb = data.get("cache_mb", 256)
    if isinstance(cache_mb, bool) or not isinstance(cache_mb, int) or cache_mb <= 0:
        raise fail("cache_mb", "must be a positive whole number of megabytes")
    raw_outputs = data.get("raw_outputs", False)
    if not isinstance(raw_outputs, bool):
        raise fail("raw_outputs", "must be true or false")
    search = data.get("search", True)
    if not isinstance(search, bool):
        raise fail("search", "must be true or false")
    if data.get("flavor", "roam") not in FLAVORS:
        raise fail("flavor", f"must be one of {', '.join(FLAVORS)}")
    base_url = data.get("base_url")
    if base_url is not None and not re.fullmatch(r"https?://[^\s/?#]+(?:/[^\s?#]*)?", base_url):
        raise fail("base_url", "must be the site's web address, such as https://example.org/garden/")
    note_template = root / data["note_template"] if "note_template" in data else None
    if note_template is not None and not note_template.is_file():
        raise fail("note_template", f"no such file: {data['note_template']} (a path from the garden's folder)")
    only_tags, hide_tags = _publish_tags(data.get("publish", {}), fail)
    executor, scheduler = _executor(data, text, fail)
    notes = data.get("notes", "notes" if (root / "notes").is_dir() else ".")
    return Config(
        root=root,
        notes_dir=(root / notes).resolve(),
        out_dir=(root / data.get("out", "site")).resolve(),
        title=data.get("title", root.name or "Garden"),
        entry=data.get("entry"),
        timeout=float(timeout),
        memory_mb=memory,
        cache_mb=cache_mb,
        raw_outputs=raw_outputs,
        flavor_setting=data.get("flavor"),
        base_url=base_url.rstrip("/") + "/" if base_url else None,
        note_template=note_template,
        only_tags=only_tags,
        hide_tags=hide_tags,
        search=search,
        executor=executor,
        scheduler=scheduler,
    )


def _executor(data: dict, text: str, fail: Callable[[str, str], ConfigError]) -> tuple[str, str | None]:
    """(executor, scheduler): what runs the code, and the dask scheduler's address."""
    executor = data.get("executor", "local")
    if executor not in EXECUTORS:
        raise fail("executor", f"must be one of {', '.join(map(repr, EXECUTORS))}")
    scheduler = data.get("scheduler")
    if scheduler is not None and executor != "dask":
        raise fail("scheduler", 'needs executor = "dask" (it is the address of a dask scheduler)')
    if scheduler is not None and not (isinstance(scheduler, str) and re.fullmatch(r"[a-z]+://\S+", scheduler)):
        raise fail("scheduler", "must be a dask scheduler's address, such as \"tcp://host:8786\"")
    if executor == "dask" and not _installed("distributed"):
        raise ConfigError(f"{CONFIG_FILE}:{_line_of(text, 'executor')}: executor = \"dask\" needs "
                          f"pip install 'garden[dask]'")
    return executor, scheduler


def _installed(module: str) -> bool:
    """Whether `module` can be imported (without importing it)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # ValueError: in sys.modules without a spec, or set to None there
        return False


def _tag_names(value: object) -> tuple[str, ...] | None:
    """A list of tag names as garden.toml gives them (`"public"`, `"#public"` or `"[[public]]"`), as
    titles; None when it is not a list of such names."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        return None
    names = tuple(name.strip().removeprefix("#").removeprefix("[[").removesuffix("]]").strip() for name in value)
    return names if all(names) else None


def _publish_tags(table: object, fail: Callable[[str, str], ConfigError]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(only_tags, hide_tags) of the `[publish]` table."""
    if not isinstance(table, dict):
        raise fail("publish", "must be a table, such as [publish] with only_tags = [\"public\"]")
    for key in table:
        if key not in PUBLISH_KEYS:
            raise fail(f"publish.{key}", f"unknown setting; known settings are {', '.join(sorted(PUBLISH_KEYS))}")
    tags: dict[str, tuple[str, ...] | None] = {}
    for key in sorted(PUBLISH_KEYS):
        tags[key] = _tag_names(table.get(key, []))
        if tags[key] is None:
            raise fail(f"publish.{key}", "must be a list of tag names, such as [\"public\"]")
    if "only_tags" in table and not tags["only_tags"]:
        raise fail("publish.only_tags", "names no tag; leave it out to publish every page")
    both = sorted(set(tags["only_tags"]) & set(tags["hide_tags"]))
    if both:
        raise fail("publish.hide_tags", f"{both[0]!r} is in only_tags too; a tag either publishes or hides")
    return tags["only_tags"], tags["hide_tags"]
