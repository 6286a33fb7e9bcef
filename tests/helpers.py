"""Shared test helpers: running the CLI, a tiny HTML tree, a link checker and a note-source reader.

Everything here is independent of garden's internals: the tests only use the `garden` command
(through `garden.cli.main`, or as a process) and read what it wrote.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from garden.cli import main as garden_main

REPO = Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- running garden

def run_garden(cwd: Path, *args: str, stderr: TextIO | None = None) -> subprocess.CompletedProcess:
    """`garden ARGS` in `cwd`, run in this process through `garden.cli.main`.

    Returns what the command would have returned as a process: its exit code and everything it
    printed. A usage error (argparse's SystemExit) becomes its exit code; an uncaught exception is
    printed as a traceback on stderr with exit code 1, as the interpreter would. Given `stderr`, the
    command writes its stderr there (a terminal, say) and the result's stderr is empty.
    """
    stdout, stderr = io.StringIO(), stderr or io.StringIO()
    previous = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                returncode = garden_main(list(args))
            except SystemExit as exit_:
                returncode = _exit_code(exit_.code)
            except Exception:  # noqa: BLE001 -- reported like an uncaught exception in `python -m garden`
                traceback.print_exc()
                returncode = 1
    finally:
        os.chdir(previous)
    printed = stderr.getvalue() if isinstance(stderr, io.StringIO) else ""
    return subprocess.CompletedProcess(["garden", *args], returncode, stdout.getvalue(), printed)


def _exit_code(code: object) -> int:
    """The exit status of a process that raised SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def run_garden_process(cwd: Path, *args: str, timeout: float = 120,
                       env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m garden ARGS` in `cwd`, in a fresh interpreter importing garden from this checkout
    (with the environment variables `env_extra` set too)."""
    return subprocess.run([sys.executable, "-m", "garden", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=garden_environment(env_extra))


def garden_environment(env_extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment variables (with `env_extra`), for a Python that imports garden from
    this checkout first."""
    env = dict(os.environ) | (env_extra or {})
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def process_alive(pid: int) -> bool:
    """Whether process `pid` runs (ended but not yet reaped counts as ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def make_garden(root: Path, notes: dict[str, str | bytes], toml: str | bytes | None = None) -> Path:
    """Write a garden: `notes` maps a path under notes/ to its content (text or raw bytes)."""
    (root / "notes").mkdir(parents=True, exist_ok=True)
    for name, content in notes.items():
        path = root / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if toml is not None:
        if isinstance(toml, bytes):
            (root / "garden.toml").write_bytes(toml)
        else:
            (root / "garden.toml").write_text(toml, encoding="utf-8")
    return root


def tree_digest(folder: Path) -> str:
    """A hash of every path (files and folders) below `folder` and every file's bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(os.fsencode(path.relative_to(folder)) + b"\0")
        if path.is_file():
            digest.update(b"F" + path.read_bytes())
        else:
            digest.update(b"D")
    return digest.hexdigest()


def load_graph(site: Path) -> dict:
    return json.loads((site / "graph.json").read_text(encoding="utf-8"))


def _element_kinds(path: Path) -> set[tuple]:
    """Each element of a page as its tag and classes, within the nearest ancestor that has classes."""
    kinds = set()
    for element in read_html(path).iter():
        context = next((a for a in element.ancestors() if a.classes), None)
        kinds.add((element.tag, frozenset(element.classes),
                   (context.tag, frozenset(context.classes)) if context else None))
    return kinds


def pages_of_every_kind(site: Path) -> list[str]:
    """A few pages of `site` (paths relative to it) that together hold every kind of element its
    pages hold (see `_element_kinds`): what the site draws alike is looked at once, not on every page."""
    kinds = {path.relative_to(site).as_posix(): _element_kinds(path) for path in sorted(site.rglob("*.html"))}
    left, chosen = set().union(*kinds.values()), []
    while left:
        best = max(kinds, key=lambda page: len(kinds[page] & left))
        chosen.append(best)
        left -= kinds.pop(best)
    return chosen


SUMMARY = re.compile(r"^Built (\d+) pages \((\d+) notes, (\d+) ghost pages, (\d+) daily notes?\) "
                     r"into (.+)/ in \d+\.\d\ds(?:, (\d+) warnings?)?; "
                     r"(?P<rendered>\d+) rendered, (?P<changed>\d+) files? changed; "
                     r"code blocks: (?P<ran>\d+) ran, (?P<cached>\d+) from cache, (?P<failed>\d+) failed$")


# --------------------------------------------------------------------------- a tiny HTML tree

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str | None]
    parent: Element | None = None
    children: list = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def iter(self):
        """This element and every element below it, in document order."""
        stack = [self]
        while stack:
            element = stack.pop()
            yield element
            stack.extend(child for child in reversed(element.children) if isinstance(child, Element))

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [el for el in self.iter() if el is not self and (tag is None or el.tag == tag)
                and (cls is None or cls in el.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        found = self.find_all(tag, cls)
        return found[0] if found else None

    def elements(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        """Direct element children, optionally filtered."""
        return [c for c in self.children if isinstance(c, Element) and (tag is None or c.tag == tag)
                and (cls is None or cls in c.classes)]

    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text() for c in self.children)

    def text(self) -> str:
        """Text content with whitespace collapsed."""
        return " ".join(self.raw_text().split())

    def ancestors(self) -> list[Element]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def read_html(path: Path) -> Element:
    """The page at `path` as a tree. Many tests read the same built pages, so a page is parsed
    again only once its file changed: the tree is shared, to be read and never changed."""
    stat = path.stat()
    return _parsed_file(str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _parsed_file(path: str, inode: int, modified_ns: int, size: int) -> Element:
    return parse_html(Path(path).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- link checking

URL_ATTRIBUTES = ("href", "src")


def check_links(site: Path) -> list[str]:
    """Problems with the site's links: absolute URLs, targets that do not exist, missing fragments."""
    problems: list[str] = []
    trees: dict[Path, Element] = {}

    def tree(path: Path) -> Element:
        if path not in trees:
            trees[path] = read_html(path)
        return trees[path]

    @functools.cache
    def ids(path: Path) -> set[str]:
        return {el.get("id") for el in tree(path).iter() if el.get("id") is not None}

    is_file = functools.cache(Path.is_file)
    root = site.resolve()

    @functools.cache
    def inside_site(path: Path) -> bool:
        return path.resolve().is_relative_to(root)

    html_files = sorted(site.rglob("*.html"))
    assert html_files, f"no HTML files in {site}"
    for page in html_files:
        where = page.relative_to(site).as_posix()
        for element in tree(page).iter():
            for name in URL_ATTRIBUTES:
                url = element.get(name)
                if url is None:
                    continue
                parts = urlsplit(url)
                if parts.scheme or parts.netloc or url.startswith("/"):
                    problems.append(f"{where}: <{element.tag} {name}={url!r}> is not a relative URL")
                    continue
                if parts.query:
                    problems.append(f"{where}: <{element.tag} {name}={url!r}> has a query string")
                target = page if not parts.path else (page.parent / unquote(parts.path))
                if not is_file(target):
                    problems.append(f"{where}: <{element.tag} {name}={url!r}> points at missing {target}")
                    continue
                if not inside_site(target):
                    problems.append(f"{where}: <{element.tag} {name}={url!r}> leaves the site")
                    continue
                if parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids(target):
                    problems.append(f"{where}: <{element.tag} {name}={url!r}>: no id "
                                    f"{unquote(parts.fragment)!r} in {target.relative_to(site)}")
    return problems


def absolute_urls(site: Path) -> list[str]:
    """Every href/src in the site's HTML that names a scheme or host (http:, https:, //host)."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for element in read_html(page).iter():
            for name in URL_ATTRIBUTES:
                url = element.get(name)
                if url is not None and (re.match(r"\s*[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.strip().startswith("//")):
                    found.append(f"{page.relative_to(site)}: {name}={url!r}")
    return found


# --------------------------------------------------------------------------- reading note sources

@dataclass(eq=False)
class SourceBlock:
    """One `- ` bullet of a note file as written (all shipped notes use one line per bullet)."""

    line: int
    depth: int
    raw: str
    parent: SourceBlock | None = None
    children: list[SourceBlock] = field(default_factory=list)

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def ancestors(self) -> list[SourceBlock]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]


def source_outline(path: Path, indent: int = 4) -> list[SourceBlock]:
    """All bullets of a note in document order, with their continuation lines (code fences);
    fails on lines this simple reader does not know."""
    blocks: list[SourceBlock] = []
    stack: list[SourceBlock] = []
    in_fence = False
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        match = re.match(r"^( *)- ?(.*)$", line)
        if in_fence or match is None:
            assert blocks and line.startswith(" " * (blocks[-1].depth * indent + 2)), \
                f"{path.name}:{number}: not a bullet or a continuation line: {line!r}"
            blocks[-1].raw += "\n" + line[blocks[-1].depth * indent + 2:]
            in_fence ^= line.strip().startswith("```")
            continue
        in_fence = match.group(2).startswith("```")
        spaces = len(match.group(1))
        assert spaces % indent == 0, f"{path.name}:{number}: odd indentation"
        depth = spaces // indent
        while stack and stack[-1].depth >= depth:
            stack.pop()
        assert len(stack) == depth, f"{path.name}:{number}: indentation skips a level"
        block = SourceBlock(number, depth, match.group(2), stack[-1] if stack else None)
        if block.parent:
            block.parent.children.append(block)
        blocks.append(block)
        stack.append(block)
    return blocks


def visible_text(raw: str) -> str:
    """Roughly what a reader sees of a block's source: Roam markup stripped, whitespace collapsed.

    `[[X]]` -> X, `#[[X]]` -> #X, `Key::` -> `Key:`, `{{word-count}}` and TODO/DONE checkboxes
    dropped, `$$`, `**`, `__`, `^^` and a trailing ` ^block-id` removed.
    """
    prose, code = _split_code(raw)
    text = re.sub(r"(?:^|\s)\^[\w-]+\s*$", "", prose)
    text = re.sub(r"\{\{\s*word-count\s*\}\}", "", text)
    text = re.sub(r"\{\{\s*\[\[(?:TODO|DONE)\]\]\s*\}\}", "", text)
    text = text.replace("[[", "").replace("]]", "").replace("::", ":")
    text = re.sub(r"\$\$|\*\*|__|\^\^", "", text)
    return " ".join((text + " " + code).split())


def _split_code(raw: str) -> tuple[str, str]:
    """(the prose of a block, the contents of its code fences), fence lines themselves dropped."""
    prose, code, inside = [], [], False
    for line in raw.split("\n"):
        if line.strip().startswith("```"):
            inside = not inside
        else:
            (code if inside else prose).append(line)
    return "\n".join(prose), "\n".join(code)


def word_count_of(blocks) -> int:
    """Words (runs of non-space characters) in the visible text of `blocks`."""
    return sum(len(visible_text(block.raw).split()) for block in blocks)


# --------------------------------------------------------------------------- the browser tests

def luminance(css_color: str) -> float:
    """Relative luminance (WCAG) of an opaque `rgb(r, g, b)` colour."""
    match = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", css_color)
    assert match, css_color
    assert match.group(4) is None or float(match.group(4)) == 1, f"background is not opaque: {css_color}"

    def channel(value: str) -> float:
        c = int(value) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(match.group(i)) for i in (1, 2, 3))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """The WCAG contrast ratio of two opaque colours."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def page_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of `page`, collected as they happen."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


# --------------------------------------------------------------------------- serving a folder

@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served by http.server on 127.0.0.1:(free port); yields its URL."""
    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
