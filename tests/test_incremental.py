"""Incremental builds: after any sequence of edits, the site an incremental build leaves is byte for
byte the site a cold build of the same notes makes; unchanged files are not touched, and a build
that stops half way leaves the previous site."""

from __future__ import annotations

import difflib
import os
import random
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jinja2
import pytest

from garden.build.assembly import SiteAssembly
from garden.build.builder import Builder
from garden.build.options import BuildOptions, BuildResult
from garden.build.parsing import NoteParser
from garden.build import rebuild as rebuild_module
from garden.build import scan as scan_module
from garden.build.scan import Scanner
from garden.build.sealed import MAGIC
from garden.config import load_config
from garden.render.graph_layout import NoteGraph
from garden.serve.rebuild import rebuild
from helpers import SUMMARY, garden_environment, make_garden, run_garden, run_garden_process, tree_digest
from serve_helpers import serving, wait_until

WORDS = "gradient loss neuron layer weight bias signal model data network training error batch".split()
TAGS = ["concept", "method", "open question"]
HIDDEN = "private"  # garden.toml's `[publish] hide_tags`, while the walk's settings have it
DAYS = ["April 1st, 2021", "April 2nd, 2021", "May 5th, 2021"]
NOTES = 6
LIB = "- Definitions ^lib1\n    ```python\n    def double(x):\n        return 2 * x\n    ```\n"
USER = ("- Uses [[Lib]] ^use1\n    ```python\n    #| uses: [[Lib]]\n    print(double(21))\n    ```\n"
        "- Expected\n    ```output\n    42\n    ```\n")
NO_EXEC = BuildOptions(execute=False)
QUICK = BuildOptions(execute=False, whole_later=True)  # as `garden serve` builds first after an edit
FLAVORS = ("roam", "obsidian", "logseq")  # the random walk of each seed reads its notes as one of them
LONG_RUNS = int(os.environ.get("GARDEN_INCREMENTAL_RUNS", "1"))  # seeds of the random walk (the test run: one)


# --------------------------------------------------------------------------- a random garden and its edits

class RandomGarden:
    """A small garden of linked notes (links, ghosts, tags, attributes, block ids, references and
    embeds, headings, daily notes, aliases, code that uses other code, blocks and pages hidden by
    publishing rules) and edits of every kind, read as `flavor` reads notes."""

    def __init__(self, root: Path, rng: random.Random, flavor: str = "roam") -> None:
        self.root, self.rng = root, rng
        self.notes = root / "notes"
        self.count = 0
        self.toml = {"title": "Random garden", "entry": "Note 0", "flavor": flavor}
        self.hide = rng.random() < 0.5  # publishing rules: every note is linked anew while they hide something
        files = {f"Note {index}.md": self._note_text() for index in range(NOTES)}
        files.update({"Lib.md": LIB, "User.md": USER, f"{DAYS[0]}.md": "- a day with [[Note 1]]\n",
                      "Aliased.md": "---\naliases: [Nickname]\n---\n- known as [[Nickname]] too\n",
                      "Shows code.md": "- {{embed: ((use1))}}\n- and ((lib1))\n",
                      "Secret.md": f"- Tags:: [[{HIDDEN}]]\n- links [[Note 2]] and [[Note 3#Part]]\n"})
        make_garden(root, files)
        self._write_toml()

    def titles(self) -> list[str]:
        return sorted(path.relative_to(self.notes).as_posix()[:-3] for path in self.notes.rglob("*.md"))

    def _note_text(self) -> str:
        rng, self.count = self.rng, self.count + 1
        lines = [f"- Tags:: [[{rng.choice(TAGS)}]]"]
        for block in range(rng.randint(2, 4)):
            lines.append("- " + self._sentence() + (f" ^b{self.count}x{block}" if rng.random() < 0.5 else ""))
            if rng.random() < 0.4:
                lines.append("    - " + self._sentence())
        extras = [f"- {{{{embed: ((b{rng.randrange(1, NOTES)}x0))}}}}",
                  f"- {{{{[[embed]]: [[Note {rng.randrange(NOTES)}]]}}}}", f"- ![[Note {rng.randrange(NOTES)}#Part]]",
                  "- ## Part\n    - under the heading",
                  f"- see [[Note {rng.randrange(NOTES)}#Part]] and [[Note {rng.randrange(NOTES)}#^b3x0]]",
                  "- Counted {{word-count}}\n    - one two three", f"- quote ((b{rng.randrange(1, NOTES)}x1))",
                  f"- Updates:: [[{rng.choice(DAYS)}]]"]
        lines += rng.sample(extras, 2)
        return "\n".join(lines) + "\n"

    def _sentence(self) -> str:
        rng = self.rng
        parts = [rng.choice(WORDS) for _ in range(rng.randint(2, 6))]
        for chance, make in ((0.6, lambda: f"[[Note {rng.randrange(NOTES + 2)}]]"),
                             (0.2, lambda: f"[[Ghost {rng.randrange(4)}]]"), (0.3, lambda: f"#[[{rng.choice(TAGS)}]]"),
                             (0.25, lambda: f"[[{rng.choice(DAYS)}]]"), (0.1, lambda: f"#{HIDDEN}"),
                             (0.15, lambda: f"(({rng.choice(['lib1', 'b2x0', 'b5x1', 'b9x0'])}))")):
            if rng.random() < chance:
                parts.insert(rng.randrange(len(parts) + 1), make())
        return " ".join(parts)

    def _write_toml(self) -> None:
        text = "".join(f'{key} = "{value}"\n' for key, value in self.toml.items())
        (self.root / "garden.toml").write_text(text + (f'[publish]\nhide_tags = ["{HIDDEN}"]\n' if self.hide else ""))

    def _pick(self, pattern: str = "") -> Path:
        """A note whose text matches `pattern`; any note when none does (earlier edits may have removed it)."""
        paths = sorted(self.notes.rglob("*.md"))
        return self.rng.choice([path for path in paths if re.search(pattern, path.read_text())] or paths)

    def _rewrite(self, path: Path, change) -> str:
        path.write_text(change(path.read_text()))
        return path.name

    # each edit returns what it did, for the assertion message

    def _in_a_block(self, text: str, change) -> str:
        """`text` with `change` applied to one of its lines (not the first: the Tags:: line)."""
        lines = text.split("\n")
        number = self.rng.randrange(1, len(lines) - 1) if len(lines) > 2 else 0
        lines[number] = change(lines[number])
        return "\n".join(lines)

    def prose(self) -> str:
        word = self.rng.choice(WORDS)
        return "prose " + self._rewrite(self._pick(word), lambda text: text.replace(word, self.rng.choice(WORDS) + "s", 1))

    def first_block(self) -> str:
        """The first prose block, which the page's preview, meta description and feed summary show."""
        return "first prose block of " + self._rewrite(self._pick("^- Tags::"), lambda text: text.replace(
            "\n- ", f"\n- {self.rng.choice(WORDS)} ", 1))

    def add_link(self) -> str:
        target = self.rng.choice([*self.titles(), "Ghost 9", DAYS[2], "Nickname"])
        return f"link to {target} in " + self._rewrite(self._pick(), lambda text: self._in_a_block(
            text, lambda line: line + f" [[{target}]]"))

    def add_child(self) -> str:
        return "new last block in " + self._rewrite(self._pick(), lambda text: text + f"    - {self._sentence()}\n")

    def heading(self) -> str:
        def change(text: str) -> str:
            if "## Part" in text:
                return text.replace("## Part", "## Piece")
            return text.replace("## Piece", "## Part") if "## Piece" in text else text + "- ## Part\n    - below it\n"
        return "heading in " + self._rewrite(self._pick("## P"), change)

    def move_id(self) -> str:
        path = self._pick(r" \^b\d+x\d+")
        found = re.search(r" \^(b\d+x\d+)", path.read_text())
        found = found.group(1) if found else "b2x0"
        self._rewrite(path, lambda text: text.replace(f" ^{found}", "", 1))
        self._rewrite(self._pick(), lambda text: self._in_a_block(text, lambda line: line + f" ^{found}"
                                                                   if "^" not in line and line.startswith("- ") else line))
        return f"move ^{found} from {path.name}"

    def tag(self) -> str:
        tag = self.rng.choice(TAGS)
        return f"front matter tag {tag} on " + self._rewrite(self._pick("^- "), lambda text: f"---\ntags: [{tag}]\n---\n" + text)

    def hide_or_show(self) -> str:
        """A tag edit that changes what is published, and so the graph: a page or a block tagged with the
        hidden tag, or no longer."""
        path = self._pick()
        text = path.read_text()
        if HIDDEN in text:
            path.write_text(text.replace(f"[[{HIDDEN}]]", "[[concept]]").replace(f"#{HIDDEN}", "#method"))
            return f"untag {path.name}"
        if self.rng.random() < 0.5:
            path.write_text(re.sub(r"^(- Tags:: )\[\[[^\]]*\]\]", rf"\1[[{HIDDEN}]]", text, count=1, flags=re.M))
            return f"hide the page {path.name}"
        path.write_text(self._in_a_block(text, lambda line: line + f" #{HIDDEN}"))
        return f"hide a block of {path.name}"

    def dated(self) -> str:
        """A date the feed reads: a daily note in `Updates::`, or front matter `updated`."""
        path = self._pick("^- ")
        if self.rng.random() < 0.5:
            return f"Updates:: {self.rng.choice(DAYS)} in " + self._rewrite(path, lambda text: text + (
                f"- Updates:: [[{self.rng.choice(DAYS)}]]\n"))
        date = f"updated: 2021-06-{self.rng.randrange(1, 28):02}"
        if "updated:" in path.read_text():
            return f"{date} on " + self._rewrite(path, lambda text: re.sub(r"updated: \S+", date, text))
        return f"{date} on " + self._rewrite(path, lambda text: f"---\n{date}\n" + (
            text.removeprefix("---\n") if text.startswith("---\n") else "---\n" + text))

    def expected(self) -> str:
        number = self.rng.randrange(40, 44)
        path = self.notes / "User.md"
        path.write_text(re.sub(r"```output\n    \d+", f"```output\n    {number}", path.read_text() if path.exists()
                               else USER))
        return f"expected output {number}"

    def remove_link(self) -> str:
        path = self._pick(r"\n- [^\n]*\[\[")
        return "unlink " + self._rewrite(path, lambda text: re.sub(r"(\n- [^\n]*?)\[\[[^\]]*\]\]", r"\1", text, count=1))

    def add_block(self) -> str:
        return "new first block in " + self._rewrite(self._pick(), lambda text: f"- {self._sentence()}\n" + text)

    def rename(self) -> str:
        path = self._pick()
        new = path.with_name(f"Renamed {self.rng.randrange(100)}.md")
        if not new.exists():
            path.rename(new)
        return f"rename {path.name} to {new.name}"

    def delete(self) -> str:
        path = self._pick()
        path.unlink()
        return f"delete {path.name}"

    def new_note(self) -> str:
        path = self.notes / f"Note {self.rng.choice([3, 5, NOTES, NOTES + 1])}.md"
        path.write_text(self._note_text())
        return f"write {path.name}"

    def code(self) -> str:
        number = self.rng.randrange(2, 9)
        (self.notes / "Lib.md").write_text(LIB.replace("2 *", f"{number} *"))
        return f"code: double is {number} *"

    def settings(self) -> str:
        change = self.rng.choice(["title", "entry", "base_url", "publish"])
        if change == "publish":
            self.hide = not self.hide
            self._write_toml()
            return f"garden.toml hide_tags {'on' if self.hide else 'off'}"
        self.toml[change] = {"title": f"Garden {self.rng.randrange(100)}", "entry": f"Note {self.rng.randrange(8)}",
                             "base_url": "https://example.org/garden/"}[change]
        self._write_toml()
        return f"garden.toml {change} = {self.toml[change]}"

    KINDS = ("prose", "first_block", "add_link", "remove_link", "rename", "delete", "new_note", "code", "settings",
             "add_block", "add_child", "heading", "move_id", "tag", "hide_or_show", "dated", "expected")


# --------------------------------------------------------------------------- comparing sites

def site_files(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def differences(got: dict[str, bytes], expected: dict[str, bytes]) -> str:
    """The first differences between two sites, readably."""
    lines = [f"only in the incremental site: {sorted(got.keys() - expected.keys())}",
             f"only in the cold site: {sorted(expected.keys() - got.keys())}"]
    for path in sorted(got.keys() & expected.keys()):
        if got[path] != expected[path]:
            diff = difflib.unified_diff(expected[path].decode(errors="replace").splitlines(),
                                        got[path].decode(errors="replace").splitlines(), "cold", "incremental", lineterm="")
            lines += [f"{path} differs:", *list(diff)[:30]]
            break
    return "\n".join(lines)


def cold_build(root: Path, scratch: Path, execute: bool) -> tuple[dict[str, bytes], BuildResult]:
    """A build of `root`'s notes, settings and templates from nothing in a fresh folder (the code
    results are copied over, so that no code runs again)."""
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / ".garden-cache").mkdir(parents=True)
    shutil.copytree(root / "notes", scratch / "notes")
    shutil.copy(root / "garden.toml", scratch / "garden.toml")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", scratch / "templates")
    for entry in (root / ".garden-cache").glob("*.json"):
        shutil.copy(entry, scratch / ".garden-cache")
    result = Builder(load_config(scratch)).build(BuildOptions(execute=execute))
    return site_files(scratch / "site"), result


def warnings_of(result: BuildResult) -> list[str]:
    return [str(problem) for problem in [*result.problems, *result.failures]]


@pytest.mark.parametrize("seed", range(LONG_RUNS))
def test_incremental_builds_after_random_edits_equal_cold_builds(tmp_path, seed):
    """The issue's done-when: every kind of edit, in a random order, each followed by an incremental
    build (as `garden serve` builds, with one Builder: the files in place, leaving those about the
    whole garden to the next build, which follows at once or, every other time, after the state
    was saved, as the build of a new process; then the search index;
    and every third as a new `garden build` process would, after which every other time the server
    starts again: a new Builder, loaded ahead as `garden serve` does) and a cold build; the two sites are the
    same, file for file and byte for byte: pages, previews, graph view, feed, search index and the
    rest. Built --no-exec: the code's results are the point of the tests of each dependency below,
    not of this one."""
    rng = random.Random(seed)
    root = tmp_path / "garden"
    garden = RandomGarden(root, rng, FLAVORS[seed % len(FLAVORS)])
    builder = Builder(load_config(root))
    builder.build(NO_EXEC)
    kinds = list(RandomGarden.KINDS)
    rng.shuffle(kinds)
    for step, kind in enumerate(kinds):
        done = getattr(garden, kind)()
        if step % 3 == 2:
            proc = run_garden(root, "build", "--no-exec")
            assert proc.returncode == 0, (done, proc.stderr)
            incremental_warnings = proc.stderr.splitlines()
            if step % 6 == 2:
                builder = Builder(load_config(root))
                assert rebuild(builder, NO_EXEC).result.rendered == 0, "nothing to do"
                builder.warm()
        else:
            builder.config = load_config(root)
            rebuild(builder, QUICK)
            if step % 2:
                incremental_warnings = warnings_of(rebuild(builder, NO_EXEC).result)
            else:
                builder.save()
                incremental_warnings = warnings_of(rebuild(Builder(load_config(root)), NO_EXEC).result)
            builder.index_search()
        expected, cold = cold_build(root, tmp_path / "cold", execute=False)
        got = site_files(root / "site")
        assert got == expected, f"step {step}, after {done}:\n{differences(got, expected)}"
        assert incremental_warnings == warnings_of(cold), f"step {step}, after {done}"


# --------------------------------------------------------------------------- each thing a page depends on

def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


CODE = "- code ^c1\n    ```python\n    print(1)\n    ```\n- what it prints\n    ```output\n    1\n    ```\n"
DEPENDENCIES = {  # what changes: (the garden's files, the change, whether its code runs)
    "a heading a link goes to": ({"A.md": "- see [[B#Part]]\n", "B.md": "- ## Part\n    - x\n"},
                                 lambda notes: replace_in(notes / "B.md", "## Part", "## Piece"), False),
    "the block an id is on": ({"A.md": "- quote ((x1))\n", "B.md": "- first ^x1\n- second\n"},
                              lambda notes: (notes / "B.md").write_text("- first\n- second ^x1\n"), False),
    "which of two blocks has an id": ({"A.md": "- quote ((x1))\n", "B.md": "- earlier\n", "C.md": "- first ^x1\n"},
                                      lambda notes: replace_in(notes / "B.md", "earlier", "earlier ^x1"), False),
    "how many blocks refer to a page": ({"A.md": "- [[B]] and [[B]]\n", "B.md": "- b\n"},
                                        lambda notes: replace_in(notes / "A.md", " and ", "\n- "), False),
    "an attachment's place in the site": ({"A.md": "- ![a](x%20y.svg)\n", "B.md": "- ![b](x-y.svg)\n",
                                           "x y.svg": "<svg/>", "x-y.svg": "<svg></svg>"},
                                          lambda notes: replace_in(notes / "A.md", "![a](x%20y.svg)", "none"), False),
    "front matter tags": ({"A.md": "---\ntags: [t1]\n---\n- a\n", "B.md": "- #t1 #t2\n"},
                          lambda notes: replace_in(notes / "A.md", "t1", "t2"), False),
    "the children of an embedded block": ({"A.md": "- {{embed: ((x1))}}\n", "B.md": "- parent ^x1\n    - child\n"},
                                          lambda notes: replace_in(notes / "B.md", "child\n", "child\n    - another\n"),
                                          False),
    "the words a word count counts": ({"A.md": "- ((w1))\n", "B.md": "- {{word-count}} ^w1\n    - one two\n"},
                                      lambda notes: replace_in(notes / "B.md", "one two", "one two three"), False),
    "whether an embed would show itself": ({"A.md": "- P ^p\n    - H {{embed: ((p))}} ^h\n", "Q.md": "- ((h))\n"},
                                           lambda notes: replace_in(notes / "A.md", "    - H", "- H"), False),
    "a backlink's breadcrumb": ({"A.md": "- parent\n    - child of [[B]]\n", "B.md": "- b\n"},
                                lambda notes: replace_in(notes / "A.md", "parent", "mother"), False),
    "an alias": ({"A.md": "- see [[Nick]]\n", "B.md": "- b\n"},
                 lambda notes: (notes / "B.md").write_text("---\naliases: [Nick]\n---\n- b\n"), False),
    "a title two notes share": ({"A.md": "- [[Same]] and [[x/Same]]\n", "x/Same.md": "---\ntitle: Same\n---\n- one\n"},
                                lambda notes: (notes / "Same.md").write_text("- the upper one\n"), False),
    "an attachment": ({"A.md": "- ![pic](pic.svg) and [[doc.txt]]\n", "pic.svg": "<svg/>", "doc.txt": "text"},
                      lambda notes: ((notes / "pic.svg").write_text("<svg></svg>"), (notes / "doc.txt").unlink()), False),
    "the expected output after an embedded code block": ({"A.md": "- {{embed: ((c1))}}\n", "B.md": CODE},
                                                         lambda notes: replace_in(notes / "B.md", "    1\n", "    2\n"),
                                                         True),
    "the result of embedded code": ({"A.md": "- {{embed: ((c1))}}\n", "B.md": CODE},
                                    lambda notes: replace_in(notes / "B.md", "print(1)", "print(2)"), True),
    "where code sits": ({"A.md": "- {{embed: ((c1))}}\n", "B.md": CODE},
                        lambda notes: (notes / "B.md").write_text("- a new first block\n" + CODE), True),
    "the garden's templates": ({"A.md": "- a\n"}, lambda notes: (notes.parent / "templates").mkdir()
                               or (notes.parent / "templates" / "not_found.html").write_text("gone"), False),
}


@pytest.mark.parametrize("what", DEPENDENCIES)
def test_a_page_is_made_again_when_something_it_shows_changes(tmp_path, what):
    files, change, execute = DEPENDENCIES[what]
    root = make_garden(tmp_path / "garden", files, 'title = "Dependencies"\nsearch = false\n')
    builder = Builder(load_config(root))
    builder.build(BuildOptions(execute=execute))
    change(root / "notes")
    builder.build(BuildOptions(execute=execute))
    got, (expected, _) = site_files(root / "site"), cold_build(root, tmp_path / "cold", execute)
    assert got == expected, differences(got, expected)


# --------------------------------------------------------------------------- what an incremental build touches

def stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {path.relative_to(site).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
            for path in site.rglob("*") if path.is_file()}


LINKED = {"A.md": "- links to [[B]]\n- prose of A\n", "B.md": "- b, drawn as ![a picture](pic.svg)\n",
          "C.md": "- c with #tag\n", "pic.svg": "<svg/>"}
INDEX = "pagefind/"  # the search index's files: new ones each time it is made again


def outside_index(paths: list[str]) -> list[str]:
    return sorted(path for path in paths if not path.startswith(INDEX))


def test_a_rebuild_without_changes_renders_and_writes_nothing(tmp_path):
    root = make_garden(tmp_path, LINKED, 'title = "Same"\n')
    first = run_garden(root, "build")
    before = stamps(root / "site")
    again = run_garden(root, "build")
    assert again.returncode == 0 and again.stderr == first.stderr
    summary = SUMMARY.match(again.stdout.strip())
    assert summary and (summary["rendered"], summary["changed"]) == ("0", "0"), again.stdout
    assert stamps(root / "site") == before, "every file is the one the first build wrote"


def test_an_edit_renders_and_writes_only_the_files_that_show_it(tmp_path):
    root = make_garden(tmp_path, LINKED, 'title = "Edits"\n')
    builder = Builder(load_config(root))
    everything = builder.build(NO_EXEC)
    assert everything.rendered == len(list((root / "site").rglob("*.html")))
    before = stamps(root / "site")
    (root / "notes" / "A.md").write_text("- links to [[B]]\n- other prose of A\n")
    prose = builder.build(NO_EXEC)
    assert prose.rendered == 1 and outside_index(prose.removed) == []
    assert outside_index(prose.changed) == ["a.html", "feed.xml", "previews/a.js"], "its page, preview, feed entry"
    assert any(path.startswith(INDEX) for path in prose.changed), "an indexed page changed: a new search index"
    after = stamps(root / "site")
    assert {path: after[path] for path in outside_index(after) if path not in prose.changed} == \
        {path: before[path] for path in outside_index(before) if path not in prose.changed}, "the rest is kept"
    (root / "notes" / "A.md").write_text("- links to [[B]] and [[D]]\n- other prose of A\n")
    link = builder.build(NO_EXEC)
    assert outside_index(link.changed) == ["a.html", "all-pages.html", "b.html", "d.html", "feed.xml", "graph.json",
                                           "index.html", "previews/a.js", "previews/d.js"]
    index = {path: stamp for path, stamp in stamps(root / "site").items() if path.startswith(INDEX)}
    (root / "notes" / "pic.svg").write_text("<svg></svg>")
    picture = builder.build(NO_EXEC)
    assert (picture.changed, picture.rendered) == (["_files/pic.svg"], 0)
    assert {path: stamp for path, stamp in stamps(root / "site").items() if path.startswith(INDEX)} == index, \
        "no indexed page changed: the search index is kept as it was"
    (root / "notes" / "C.md").unlink()
    deleted = builder.build(NO_EXEC)
    assert outside_index(deleted.removed) == ["c.html", "previews/c.js", "previews/tag.js", "tag.html"]
    assert "graph.html" in deleted.changed, "the graph view lost a note"


def test_a_build_that_fails_half_way_leaves_the_previous_site(tmp_path, monkeypatch):
    import garden.emit

    root = make_garden(tmp_path, {f"N{index}.md": f"- note {index} links [[N{index + 1}]]\n" for index in range(6)},
                       'title = "Failing"\nsearch = false\n')
    builder = Builder(load_config(root))
    builder.build(NO_EXEC)
    before = tree_digest(root / "site")
    for index in (1, 2, 4):
        (root / "notes" / f"N{index}.md").write_text(f"- note {index} changed, links [[N{index + 1}]]\n")
    write = garden.emit.SiteWriter.write
    written = []

    def disk_full_after_one_file(self, relative, content):
        if written:
            raise OSError(28, "No space left on device")
        written.append(relative)
        return write(self, relative, content)

    monkeypatch.setattr(garden.emit.SiteWriter, "write", disk_full_after_one_file)
    with pytest.raises(OSError):
        builder.build(NO_EXEC)
    assert written and tree_digest(root / "site") == before, "the old site, not one file of it written to"
    assert sorted(path.name for path in root.iterdir()) == [".garden-cache", "garden.toml", "notes", "site"]
    monkeypatch.setattr(garden.emit.SiteWriter, "write", write)
    builder.build(NO_EXEC)
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0]
    proc = run_garden(root, "build", "--no-exec")
    assert SUMMARY.match(proc.stdout.strip())["rendered"] == "0"


def test_a_warning_from_linking_names_the_line_its_block_moved_to(tmp_path):
    """Prose edits put the changed notes' blocks into the last linked garden instead of linking
    every note again; a note with a warning from linking is linked again, so the warning's line is
    the block's line now."""
    root = make_garden(tmp_path, {"A.md": "- first ^dup\n", "B.md": "- intro\n- second [[A]] ^dup\n"},
                       'title = "Moved"\n')
    builder = Builder(load_config(root))
    assert "notes/B.md:2: block id ^dup is also used on 'A'" in warnings_of(rebuild(builder, NO_EXEC).result)
    (root / "notes" / "B.md").write_text("- intro\n  that goes on\n- second [[A]] ^dup\n")  # links as before
    assert "notes/B.md:3: block id ^dup is also used on 'A'" in warnings_of(rebuild(builder, NO_EXEC).result)
    (root / "notes" / "A.md").write_text("- first, in new words ^dup\n")
    assert "notes/B.md:3: block id ^dup is also used on 'A'" in warnings_of(rebuild(builder, NO_EXEC).result)
    assert "in new words" in (root / "site" / "a.html").read_text()


def test_a_link_elsewhere_redraws_the_local_graphs_two_links_away(tmp_path):
    """A link edit asks again only the local graphs within two links of a note whose links changed
    (`NoteGraph.near_changes`): T's graph shows X, two links away, sized by how many notes link to X;
    a link to X from a note far from T changes T's page."""
    notes = {"T.md": "- to [[Y]]\n", "Y.md": "- to [[X]]\n", "X.md": "- end\n", "Z.md": "- far [[W]]\n",
             "W.md": "- also far\n"}
    root = make_garden(tmp_path, notes, 'title = "Rings"\nsearch = false\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    (root / "notes" / "Z.md").write_text("- far [[W]] and [[X]]\n")
    rebuild(builder, NO_EXEC)
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0]


LINK_EDITS = [  # A's new text, and what of it only the pages of other notes show
    ("- to [[Nick]]\n", "a link to B by its alias"),
    ("- to [[Nick]]\n- again [[Nick]]\n", "B's backlinks, and nothing else of B: one more block of A"),
    ("---\ntags: []\n---\n- to [[Nick]] and [[T]]\n", "a link to T"),
    ("---\ntags: [T]\n---\n- to [[Nick]] and [[T]]\n", "the pages T tags, and nothing else of T"),
    ("- to [[B]] and [[Ghost two]]\n", "a new ghost page, which takes the URL of the ghost page C links to"),
    ("- to [[B]] and [[Ghost two]], holding ^x1\n", "the block ^x1 that C quotes, now A's (the upper note keeps "
                                                    "an id two notes use)"),
    ("- to [[B#Part]], holding ^x1\n", "the headings of B linked to (B's preview lists them)"),
    ("- no links\n", "every link of A gone"),
]


def test_a_link_edit_asks_again_only_about_the_pages_it_names_and_the_site_is_a_cold_builds(tmp_path):
    """When the notes that changed keep their titles, aliases and file links, a live build asks again only
    the questions about the pages, tags and block ids their links name before or after (`LinkChanges`):
    each edit of A below changes what pages of other notes show, and the site stays a cold build's."""
    notes = {"A.md": "- no links\n", "B.md": "---\naliases: [Nick]\n---\n- ## Part\n    - under it\n",
             "C.md": "- links [[Ghost-two]] and quotes ((x1))\n", "D.md": "- holds ^x1\n", "T.md": "- a tag\n"}
    root = make_garden(tmp_path, notes, 'title = "Link edits"\nsearch = false\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for text, shown_elsewhere in LINK_EDITS:
        (root / "notes" / "A.md").write_text(text)
        result = rebuild(builder, NO_EXEC).result
        assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0], shown_elsewhere
        assert result.rendered < 10, "not every page"


LINKS_TO_PAGES_THERE_ARE = [  # A's new text: each edit links only to pages there are, so no page comes or goes
    "- to [[B]] ^a1\n",
    "- to [[B]] ^a1\n    - and under it to [[B]] and [[C]]\n",
    "- Rel:: [[B]] ^a1\n- {{embed: [[C]]}}\n",
    "- to [[Nick]] and [[Ghost-two]] ^a1\n",
    "- to [[B#Part]] and [[Ghost-two]] ^a1\n",
    "- to [[C]] ^a1\n",
    "- no links ^a1\n",
]


def test_link_edits_to_pages_there_are_leave_a_cold_builds_site(tmp_path):
    """A link edit that keeps every page (its links go to notes, or to a ghost page another note
    links to, by titles and aliases links used already) changes links, backlinks, the graph and
    what quotes its blocks: after each such edit of A, and after undoing them, the site is a cold build's."""
    notes = {"A.md": "- no links ^a1\n", "B.md": "---\naliases: [Nick]\n---\n- ## Part\n    - under it\n",
             "C.md": "- links [[Ghost-two]] and [[Nick]], quotes ((a1))\n", "D.md": "- to [[B]] and [[C]]\n"}
    root = make_garden(tmp_path, notes, 'title = "Kept pages"\nsearch = false\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for text in [*LINKS_TO_PAGES_THERE_ARE, *reversed(LINKS_TO_PAGES_THERE_ARE)]:
        (root / "notes" / "A.md").write_text(text)
        rebuild(builder, NO_EXEC)
        assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0], text
    (root / "notes" / "A.md").write_text("- to [[C]] and [[D]] ^a1\n")  # two notes at once
    (root / "notes" / "D.md").write_text("- to [[A]] and [[Ghost-two]]\n")
    rebuild(builder, NO_EXEC)
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0], "A and D"


FLAVOURED_NOTES = {
    "A.md": "- to [[Hub]]\n", "C.md": "- to [[hub]] and [[Solo]]\n", "D.md": "- to [[Solo]] and [[Same]]\n",
    "Deep.md": "- at the top\n", "folder/Deep.md": "- in a folder\n", "x/Same.md": "- one\n", "y/Same.md": "- two\n",
    "Inner/Leaf.md": "- a leaf, to [[c]]\n",
}
FLAVOURED_EDITS = [  # of A, which comes first: the ghost page Hub is spelled as A spells it, while A links to it
    "- to [[Solo]] and [[c]]\n",  # Hub spelled as C spells it, from now on
    "- to [[c]]\n",  # a target another note names, without case in Obsidian and Logseq
    "- to [[c]] and [[Solo]]\n",  # a ghost page spelled one way, that C and D link to
    "- to [[Deep]] and [[Solo]]\n",  # a title no note named: in Obsidian it matches two files
    "- to [[Leaf]]\n",  # named by no note: Obsidian finds Inner/Leaf.md by its file name
    "- to [[Same]]\n",  # D names it too; in Obsidian two notes match it, and A is warned of it as well
    "- to [[Hub]]\n",  # spelled as A spells it again
]


@pytest.mark.parametrize("flavor", ["obsidian", "logseq"])
def test_link_edits_in_obsidian_and_logseq_leave_a_cold_builds_site_and_warnings(tmp_path, monkeypatch, flavor):
    """Obsidian and Logseq resolve a link by file name or without case, and spell a ghost page as
    the first link to it does: link edits that keep every page are put in the last garden
    (`relink_links`, counted here to show the path is taken) where that changes nothing else, and
    after each the site and the warnings are a cold build's."""
    root = make_garden(tmp_path, FLAVOURED_NOTES, f'title = "Flavoured"\nsearch = false\nflavor = "{flavor}"\n')
    made = []
    original = rebuild_module.relink_links
    monkeypatch.setattr(rebuild_module, "relink_links", lambda *args: made.append(original(*args)) or made[-1])
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for text in FLAVOURED_EDITS:
        (root / "notes" / "A.md").write_text(text)
        result = rebuild(builder, NO_EXEC).result
        cold, cold_result = cold_build(root, tmp_path / "cold", execute=False)
        assert site_files(root / "site") == cold, differences(site_files(root / "site"), cold)
        assert warnings_of(result) == warnings_of(cold_result), text
    assert sum(relinked is not None for relinked in made) >= 2


def test_link_edits_keep_each_local_graph_a_cold_builds(tmp_path, monkeypatch):
    """Link edits among thirty notes, each to notes there are: the graph of the notes is made from
    the last one with the changed links put in (`NoteGraph.relinked`, counted here to show the path
    is taken), and the local graphs it redraws near the change leave every page a cold build's."""
    rng = random.Random(3)
    titles = [f"N{number}" for number in range(30)]

    def text(title: str) -> str:
        return "".join(f"- to [[{target}]]\n" for target in rng.sample(titles, rng.randint(1, 4)) if target != title)

    root = make_garden(tmp_path, {f"{title}.md": text(title) for title in titles}, 'title = "Rings"\nsearch = false\n')
    made = []
    original = NoteGraph.relinked.__func__
    monkeypatch.setattr(NoteGraph, "relinked", classmethod(
        lambda cls, before, change: made.append(original(cls, before, change)) or made[-1]))
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for edit in range(10):
        title = rng.choice(titles)
        (root / "notes" / f"{title}.md").write_text(text(title) or "- alone\n")
        rebuild(builder, NO_EXEC)
        assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0], (edit, title)
    assert sum(graph is not None for graph in made) >= 5


def test_a_note_that_becomes_a_ghost_page_and_a_note_again_leaves_each_local_graph_a_cold_builds(tmp_path):
    """A note deleted while a link to it stays is a ghost page, which local graphs do not draw:
    its links stay in the garden, but every graph it was in, up to two links away, loses it (and
    gains it back when its note comes again)."""
    notes = {"A.md": "- to [[B]]\n", "B.md": "- to [[C]]\n", "C.md": "- the far end\n", "D.md": "- to [[A]]\n"}
    root = make_garden(tmp_path, notes, 'title = "Far end"\nsearch = false\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for step in ("deleted", "written again"):
        if step == "deleted":
            (root / "notes" / "C.md").unlink()
        else:
            (root / "notes" / "C.md").write_text(notes["C.md"])
        rebuild(builder, NO_EXEC)
        cold = cold_build(root, tmp_path / "cold", execute=False)[0]
        assert site_files(root / "site") == cold, (step, differences(site_files(root / "site"), cold))


WHOLE_GARDEN_FILES = ("all-pages.html", "index.html", "daily-notes.html", "graph.html", "graph.json", "feed.xml",
                      "sitemap.xml")


def test_a_quick_build_leaves_the_whole_garden_files_to_the_next_build(tmp_path):
    """`garden serve` builds an edit's pages first (`whole_later`): the pages the edit shows on
    are a cold build's at once, the files about the whole garden (all pages, the home page that
    lists them, daily notes, graph, feed, sitemap) stay as they were, and say so
    (`BuildResult.outdated`). The next build makes them, even with nothing changed since, and also
    after more quick builds, or in another process that reads the saved state."""
    notes = {"A.md": "- no links yet\n", "B.md": "- b\n", "C.md": "- c, to [[B]]\n",
             "2024-01-02.md": "- a day, to [[C]]\n"}
    root = make_garden(tmp_path, notes, 'title = "Later"\nsearch = false\nbase_url = "https://example.org/"\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)

    def quick(note: str, text: str) -> tuple[dict[str, bytes], dict[str, bytes], BuildResult]:
        before = site_files(root / "site")
        (root / "notes" / note).write_text(text)
        (root / "notes" / "E.md").write_text(f"- new, to [[{note[:-3]}]]\n")
        result = rebuild(builder, QUICK).result
        return before, site_files(root / "site"), result

    before, got, result = quick("A.md", "- now to [[B]] and [[Ghost]]\n")
    expected = cold_build(root, tmp_path / "cold", execute=False)[0]
    assert [got[path] for path in ("a.html", "b.html", "e.html", "ghost.html")] == [
        expected[path] for path in ("a.html", "b.html", "e.html", "ghost.html")]
    left = {path for path in WHOLE_GARDEN_FILES if got[path] != expected[path]}
    assert left == {"all-pages.html", "index.html", "graph.html", "graph.json", "sitemap.xml"}
    assert all(got[path] == before[path] for path in left) and result.outdated >= len(left)
    settled = rebuild(builder, NO_EXEC).result  # nothing changed since: it makes what was left
    assert site_files(root / "site") == expected and settled.outdated == 0
    assert left <= set(settled.changed)

    quick("2024-01-02.md", "- a day, to [[A]]\n")
    quick("B.md", "- b, to [[2024-01-02]]\n")
    builder.save()
    assert Builder(load_config(root)).build(NO_EXEC).rendered > 0, "the saved state says files are outdated"
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0]


def test_a_link_edit_moves_a_ghost_page_that_links_name_in_other_spellings(tmp_path):
    """Obsidian's links name a ghost page in any case (the first spelling met titles it): A's new
    ghost page takes the URL of the one C and D link to, and D's link, spelt otherwise, follows."""
    notes = {"A.md": "- no links\n", "C.md": "- [[Ghost-two]]\n", "D.md": "- [[GHOST-TWO]]\n"}
    root = make_garden(tmp_path, notes, 'title = "Spellings"\nsearch = false\nflavor = "obsidian"\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    (root / "notes" / "A.md").write_text("- [[Ghost two]]\n")
    rebuild(builder, NO_EXEC)
    site = site_files(root / "site")
    assert b'href="ghost-two-2.html"' in site["d.html"]
    assert site == cold_build(root, tmp_path / "cold", execute=False)[0]


def test_a_link_edit_after_a_build_that_failed_is_compared_with_the_last_site_built(tmp_path, monkeypatch):
    """A build that links A's new link to B and then fails leaves its garden in memory, not its site:
    the next link edit (C's) is not a change from that garden alone, and B still shows A's new backlink."""
    import garden.emit

    notes = {"A.md": "- a, to [[B]]\n", "B.md": "- b\n", "C.md": "- c\n", "D.md": "- d\n"}
    root = make_garden(tmp_path, notes, 'title = "Failed"\nsearch = false\n')
    builder = Builder(load_config(root))
    builder.build(NO_EXEC)
    (root / "notes" / "A.md").write_text("- a, to [[B]]\n- and again to [[B]]\n")
    def disk_full(*_) -> None:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(garden.emit.SiteWriter, "write", disk_full)
        with pytest.raises(OSError):
            builder.build(NO_EXEC)
    (root / "notes" / "C.md").write_text("- c, to [[D]]\n")
    builder.build(NO_EXEC)
    assert b"and again to" in site_files(root / "site")["b.html"]
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0]


def test_a_server_started_on_a_built_garden_loads_it_ahead_and_builds_edits_as_a_cold_build(tmp_path):
    """`garden serve` on a garden built before finds nothing to do, then loads the notes, links them
    and works out what views read of the links (`Builder.warm`); the edits after build on that:
    a heading others link to keeps its anchor, the local graphs, the feed and the backlinks hold."""
    notes = {"A.md": "- see [[B#Part]] and [[C]]\n",
             "B.md": "- ## Part\n    - under it\n- Updates:: [[April 1st, 2021]]\n",
             "C.md": "- back to [[A]]\n", "April 1st, 2021.md": "- a day\n"}
    root = make_garden(tmp_path, notes, 'title = "Warm"\nsearch = false\n')
    assert run_garden(root, "build", "--no-exec").returncode == 0
    builder = Builder(load_config(root))
    assert rebuild(builder, NO_EXEC).result.rendered == 0, "nothing to do"
    builder.warm()
    for note, text in [("B.md", "- ## Part\n    - under it, edited\n- Updates:: [[April 1st, 2021]]\n"),
                       ("C.md", "- back to [[A]] and [[B]]\n")]:
        (root / "notes" / note).write_text(text)
        rebuild(builder, NO_EXEC)
        assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0], note


def test_a_server_sees_folders_made_moved_and_removed_and_its_site_stays_a_cold_builds(tmp_path, monkeypatch):
    """`garden serve` looks again only at the paths its watcher reports: a folder made with notes in
    it, a note saved as editors save (a temporary file renamed over it), a folder renamed, hidden
    files an editor leaves (read by no build), a note and a folder moved in from elsewhere (reported
    as the folder alone), a folder moved out and one removed each leave the site a cold build's.
    Files count as settled at once (a scan would otherwise look again at every file written in the
    two seconds before it, as these all are)."""
    monkeypatch.setattr(scan_module, "RACY_NS", 0)
    root = make_garden(tmp_path / "garden", {"A.md": "- apples\n", "topics/B.md": "- bananas, see [[A]]\n"},
                       'title = "Moves"\nsearch = false\n')
    notes = root / "notes"
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text("- dates, after [[A]]\n", encoding="utf-8")
    outside = tmp_path / "outside"
    (outside / "inner").mkdir(parents=True)
    (outside / "inner" / "E.md").write_text("- elderberries, see [[A]]\n", encoding="utf-8")

    def made_deep_folder() -> None:
        (notes / "topics" / "deep").mkdir()
        (notes / "topics" / "deep" / "C.md").write_text("- cherries, see [[A]]\n", encoding="utf-8")

    def saved_as_editors_do() -> None:  # a hidden temporary file, then renamed over the note
        temporary = notes / ".A.md.tmp"
        temporary.write_text("- apples, saved whole\n", encoding="utf-8")
        os.replace(temporary, notes / "A.md")

    steps = [made_deep_folder, saved_as_editors_do,
             lambda: (notes / "topics").rename(notes / "subjects"),
             lambda: [(notes / name).write_text("- swap\n", encoding="utf-8") for name in (".A.md.swp", ".hidden.md")],
             lambda: elsewhere.rename(notes / "subjects" / "deep" / "D.md"),
             lambda: outside.rename(notes / "outside"),
             lambda: (notes / "outside").rename(tmp_path / "gone"),
             lambda: shutil.rmtree(notes / "subjects" / "deep")]
    with serving(root, execute=False) as served:
        for number, step in enumerate(steps):
            step()
            expected = cold_build(root, tmp_path / "cold", execute=False)[0]
            wait_until(lambda: site_files(root / "site") == expected, f"the site after step {number}", timeout=20)
        assert served.err.getvalue() == ""


def test_a_watched_builder_reparses_only_the_saved_note_and_its_site_stays_a_cold_builds(tmp_path, monkeypatch):
    """A watched builder told of one saved note at a time (as `garden serve` is) looks up only that
    note again and keeps every other parsed note (`NoteParser._from_last`, counted here to show the
    path is taken), and works out again only that note's place among the notes that changed last
    (the feed, the home page): a prose edit, code added to a note that had none (it runs, and its
    result shows), a front matter turned bad (a warning with its line; the note is dated by its
    file now) and mended, the code edited, the newest note dated back out of the feed and the
    oldest forward into it, and a note turned into one that cannot be read and back each leave the
    site and the warnings a cold build's, a page's own warning (a dangling block reference) included
    when the build carries the last one's files over rather than keeping them one by one."""
    monkeypatch.setattr(scan_module, "RACY_NS", 0)

    def note(number: int, text: str = "", day: str | None = None) -> str:
        return f"---\ndate: {day or f'2024-01-{number + 1:02d}'}\n---\n- Note {number}{text}, see [[Note 0]]\n"

    dangling = {"Refs.md": "---\ndate: 2000-01-01\n---\n- refers to ((nowhere))\n"}  # a problem found while its page is made, kept with the page
    root = make_garden(tmp_path / "garden", {f"Note {number}.md": note(number) for number in range(24)} | dangling,
                       'title = "Watched"\nsearch = false\n')
    code = "- adds up\n    ```python\n    print(6 * 7)\n    ```\n"
    steps = [(1, note(1, ", edited")), (2, note(2) + code),
             (3, "---\ntitle: [unclosed\n---\n- Note 3, see [[Note 0]]\n"), (3, note(3, ", mended")),
             (2, note(2) + code.replace("6 * 7", "6 * 8")), (23, note(23, day="2020-01-01")),
             (0, note(0, day="2025-01-01")), (4, b"- \xff not text\n"), (4, note(4, ", readable again"))]
    from_last = []
    original = NoteParser._from_last
    monkeypatch.setattr(NoteParser, "_from_last", lambda self, *args: from_last.append(args) or original(self, *args))
    carried = []
    carry = SiteAssembly.carry
    monkeypatch.setattr(SiteAssembly, "carry", lambda self, *args: carried.append(args) or carry(self, *args))
    builder = Builder(load_config(root), watched=True)
    rebuild(builder, BuildOptions())
    for step, (number, content) in enumerate(steps):
        path = root / "notes" / f"Note {number}.md"
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
        builder.notice({path})
        incremental = rebuild(builder, BuildOptions()).result
        got, (expected, cold) = site_files(root / "site"), cold_build(root, tmp_path / "cold", execute=True)
        assert got == expected, f"step {step}, Note {number}:\n{differences(got, expected)}"
        assert warnings_of(incremental) == warnings_of(cold), f"step {step}, Note {number}"
        if step == 1:
            assert b"42" in got["note-2.html"], "the code added ran"
        if step == 2:
            assert any(warning.startswith("notes/Note 3.md:2: front matter") for warning in warnings_of(cold))
        if step in (5, 6):
            entries = re.findall(rb'<title type="text">(Note \d+)</title>', got["feed.xml"])
            assert (b"Note 23" in entries, b"Note 0" in entries, len(entries)) == (False, step == 6, 20)
    assert len(from_last) == len(steps) - 2, "every build but those after the scan problem came and went"
    assert len(carried) >= len(steps) // 2, "most builds carry the last one's files over (SiteAssembly.carry)"


def test_a_watched_builder_looks_again_at_notes_saved_just_before_its_last_look(tmp_path):
    """A note written shortly before a build (its stamp cannot be trusted yet) is looked at again by
    the next builds of a watched builder, though no watcher tells of it: a save with the same size
    and file time is not missed."""
    root = make_garden(tmp_path / "garden", {"A.md": "- apple one\n", "B.md": "- banana one\n"}, "search = false\n")
    apple, banana = root / "notes" / "A.md", root / "notes" / "B.md"
    builder = Builder(load_config(root), watched=True)
    rebuild(builder, NO_EXEC)
    for word in ("two", "three"):
        before = apple.stat()
        apple.write_text(f"- apple {word}\n", encoding="utf-8")  # the same size
        os.utime(apple, ns=(before.st_atime_ns, before.st_mtime_ns))
        banana.write_text(f"- banana {word}\n", encoding="utf-8")
        builder.notice({banana})  # the watcher tells of this one only
        rebuild(builder, NO_EXEC)
        assert f"apple {word}" in (root / "site" / "a.html").read_text(encoding="utf-8")


def test_prose_edits_of_two_notes_with_one_title_build_as_a_cold_build(tmp_path):
    """Of two notes with one title the upper keeps it and the other is kept under its path; prose
    edits of either leave the site a cold build's."""
    root = make_garden(tmp_path / "garden", {"shared.md": "---\ntitle: Shared\n---\n- upper, see [[Other]]\n",
                                             "archive/old.md": "---\ntitle: Shared\n---\n- lower, see [[Other]]\n",
                                             "Other.md": "- links [[Shared]]\n"},
                       'title = "Shared titles"\nflavor = "obsidian"\nsearch = false\n')
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for path, text in [("archive/old.md", "lower, edited"), ("shared.md", "upper, edited")]:
        (root / "notes" / path).write_text(f"---\ntitle: Shared\n---\n- {text}, see [[Other]]\n", encoding="utf-8")
        result = rebuild(builder, NO_EXEC).result
        assert any("is also used by" in problem.message for problem in result.problems)
        got, expected = site_files(root / "site"), cold_build(root, tmp_path / "cold", execute=False)[0]
        assert got == expected, f"after editing {path}:\n{differences(got, expected)}"
        assert any(text.encode() in content for content in got.values())


def test_a_build_that_fails_half_way_leaves_the_next_one_a_cold_builds(tmp_path):
    """A live build that made some files and then failed (a template breaks on one page) leaves
    the state of the build before it: the next build remakes what read the answers that changed,
    also the files the failed one did not get to (here the preview of the edited note)."""
    template = ('{% extends "base.html" %}{% block main %}{% if page.title == "Broken" %}{{ nothing.here() }}'
                '{% endif %}{{ super() }}{% endblock %}')
    root = make_garden(tmp_path / "garden", {"A.md": "- apples, see [[B]]\n", "B.md": "- bananas, see [[A]]\n"},
                       'title = "Half way"\nsearch = false\n')
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(template, encoding="utf-8")
    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    replace_in(root / "notes" / "A.md", "apples", "ripe apples")
    replace_in(root / "notes" / "B.md", "[[A]]", "[[A]] and [[Broken]]")
    with pytest.raises(jinja2.TemplateError):
        rebuild(builder, NO_EXEC)
    assert "ripe apples" in (root / "site" / "a.html").read_text(), "A's page was made before the failure"
    assert "ripe apples" not in (root / "site" / "previews" / "a.js").read_text(), "its preview was not"
    replace_in(root / "notes" / "B.md", " and [[Broken]]", "")
    rebuild(builder, NO_EXEC)
    got, expected = site_files(root / "site"), cold_build(root, tmp_path / "cold", execute=False)[0]
    assert got == expected, differences(got, expected)


def test_clean_builds_make_every_file_again(tmp_path):
    root = make_garden(tmp_path, LINKED, 'title = "Clean"\nsearch = false\n')
    run_garden(root, "build")
    proc = run_garden(root, "build", "--clean")
    summary = SUMMARY.match(proc.stdout.strip())
    assert int(summary["rendered"]) == len(list((root / "site").rglob("*.html"))) and summary["changed"] != "0"


# --------------------------------------------------------------------------- the build cache on disk

def test_the_build_cache_keeps_one_parsed_note_for_each_note(tmp_path):
    """As `garden serve` builds (one Builder), and then a new process: each build deletes the parsed
    notes it did not use, the old version of an edited note and a deleted note's."""
    root = make_garden(tmp_path, LINKED, 'title = "Kept"\nsearch = false\n')
    parsed = root / ".garden-cache" / "build" / "notes"

    def notes() -> int:
        return len(list((root / "notes").rglob("*.md")))

    builder = Builder(load_config(root))
    rebuild(builder, NO_EXEC)
    for text in ("- links to [[B]]\n- edited\n", "- links to [[B]]\n- edited again\n"):
        (root / "notes" / "A.md").write_text(text)
        rebuild(builder, NO_EXEC)
        assert len(list(parsed.iterdir())) == notes()
    (root / "notes" / "C.md").unlink()
    rebuild(builder, NO_EXEC)
    assert len(list(parsed.iterdir())) == notes()
    (root / "notes" / "A.md").write_text("- links to [[B]]\n- edited once more\n")
    assert run_garden(root, "build", "--no-exec").returncode == 0
    assert len(list(parsed.iterdir())) == notes()


def test_the_garden_command_and_python_m_garden_find_nothing_to_do_after_each_other(tmp_path):
    """The folder of the program running garden (the `garden` script's, or the working folder under
    `python -m`) is first on `sys.path` but holds no packages: it is not part of the packages a build
    depends on, so switching between the two starts no rebuild (which would save the build state)."""
    root = make_garden(tmp_path / "garden", LINKED, 'title = "Either way"\n')  # searched: packages matter
    script = tmp_path / "bin" / "garden"
    script.parent.mkdir()
    script.write_text("import sys\nfrom garden.cli import main\nsys.exit(main())\n")
    assert run_garden_process(root, "build", "--no-exec").returncode == 0
    states = root / ".garden-cache" / "build"
    saved = {path: path.stat().st_mtime_ns for path in states.glob("site-*")}
    assert saved, "the build saved its state"
    proc = subprocess.run([sys.executable, str(script), "build", "--no-exec"], cwd=root, capture_output=True,
                          text=True, timeout=120, env=garden_environment())
    assert proc.returncode == 0 and SUMMARY.match(proc.stdout.strip())["rendered"] == "0", proc.stderr
    assert {path: path.stat().st_mtime_ns for path in states.glob("site-*")} == saved, "nothing was built again"


def test_a_damaged_or_foreign_build_cache_is_ignored_and_made_again(tmp_path):
    root = make_garden(tmp_path, LINKED, 'title = "Damaged"\nsearch = false\n')
    assert run_garden(root, "build").returncode == 0
    cache = root / ".garden-cache" / "build"
    files = sorted(path for path in cache.rglob("*") if path.is_file())
    assert files, "the build keeps a cache"
    marker = tmp_path / "pwned"
    payload = MAGIC + bytes(32) + b"cos\nsystem\n(S'touch " + str(marker).encode() + b"'\ntR."  # runs a command
    for number, path in enumerate(files):
        path.write_bytes([b"", b"garbage", payload, path.read_bytes()[:40]][number % 4])
    (root / "notes" / "B.md").write_text("- b, edited\n")
    proc = run_garden(root, "build")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists(), "a pickle garden did not write itself is never unpickled"
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=True)[0]
    assert b"b, edited" in (root / "site" / "b.html").read_bytes()


def test_a_file_changed_just_before_a_scan_is_read_again_even_when_stat_says_it_is_the_same(tmp_path):
    """A file written twice within one tick of a coarse file clock keeps its size and times: the scan
    after the first write cannot tell, so it reads such a file again until the change has settled."""
    root = make_garden(tmp_path, {"A.md": "- aaaa\n"}, 'title = "Racy"\n')
    scanner = Scanner(load_config(root))
    first = scanner.scan({})
    assert first.notes[0].source is not None and not first.seen["A.md"].settled, "just written"
    (root / "notes" / "A.md").write_text("- bbbb\n")
    as_if_unchanged = {"A.md": replace(scanner.scan({}).seen["A.md"], content=first.notes[0].content)}
    again = scanner.scan(as_if_unchanged)
    assert again.changed and "bbbb" in again.notes[0].source.text
    settled = {"A.md": replace(as_if_unchanged["A.md"], settled=True)}
    assert not scanner.scan(settled).changed, "an equal stamp of a settled file is trusted"


def test_files_changed_or_added_in_the_site_by_hand_are_made_again(tmp_path):
    root = make_garden(tmp_path, LINKED, 'title = "Hands"\n')
    run_garden(root, "build", "--no-exec")
    expected = site_files(root / "site")
    (root / "site" / "b.html").unlink()
    (root / "site" / "pagefind" / "pagefind-entry.json").unlink()
    run_garden(root, "build", "--no-exec")
    assert site_files(root / "site") == expected
    (root / "site" / "stray.html").write_text("not garden's")
    run_garden(root, "build", "--no-exec")
    assert site_files(root / "site") == expected
    (root / "site" / "c.html").write_text("edited by hand")
    (root / "notes" / "B.md").write_text("- b, edited\n")
    run_garden(root, "build", "--no-exec")
    assert site_files(root / "site") == cold_build(root, tmp_path / "cold", execute=False)[0]
