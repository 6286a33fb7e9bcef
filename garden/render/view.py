"""What rendering reads of the linked garden, each read remembered with a digest of its answer.

Every question a file of the site depends on (where a link goes, a block's content, a page's
backlinks, a code block's result, a page's neighbourhood in the graph, the notes that changed
last, whether there is search, the site's settings…) is asked through `GardenView`, which
answers it and notes the question's key in the `ReadLog` of the file being made. `digest(key)`
asks the question again, of whatever garden the view holds now: a file none of whose questions
has a new answer would come out byte for byte the same, so an incremental build keeps it.

Keys are tuples of plain values, `(question, *arguments)`, that pickle and compare by value; a
question is the name of the method asking it, and blocks and notes are named by their note's
path (and the block's `order` in it). Digests hash a plain-data description of
the answer (`repr` of tuples and dicts of str, int, bool, None and dates), the same in every process;
for a drawing of the graph, of what it is drawn from (the layout itself is worked out only to draw it).
Rendering code reads the garden only through this view; the view has no other way in.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from garden.diagnostics import Problem
from garden.feed import Dated, file_time, last_change, latest_after, latest_of, noted_change, updates_date
from garden.graph import Backlink, Garden, LinkChanges, Page, Relinked
from garden.model import Block, Note, code_of
from garden.note_memo import NoteMemo
from garden.render.anchors import page_anchors
from garden.render.graph_layout import Drawing, NoteGraph
from garden.render.reads import PARSED_KINDS, Key, ReadLog, digest_of
from garden.render.shown import shown_pages
from garden.run.cells import CellResult
from garden.urls import heading_id


@dataclass
class LinkMemo:
    """What views work out from a garden's pages, links and tags, kept from one view to the next
    while the garden is relinked (`garden.graph.relink`, which changes none of them): the graph of
    the shown notes (laid out once), the pages by their note's path, the linked sections, and when
    each note says it changed (`noted_change`, by the parsed note, which a changed note replaces; it
    reads only where links go, so it also stands for a garden linked anew where they go where they went)."""

    note_graph: NoteGraph | None = None
    by_path: dict[str, Page] | None = None
    sections: dict[str, set[str]] | None = None
    noted: NoteMemo[dt.datetime | None] = field(default_factory=NoteMemo)
    latest: tuple[dict[str, Note], list[Dated]] | None = None  # the notes that changed last, and among which notes

    def relinked(self, change: Relinked) -> LinkMemo:
        """What of this memo, of the garden `change.before`, holds for `change.garden`, which
        `relink_links` made of it: the pages by path and the graph, with the changed notes' put in;
        the linked sections, when no changed link names a heading. The rest is worked out again when
        asked."""
        memo = LinkMemo()
        if self.by_path is not None:
            pages = change.garden.pages
            memo.by_path = self.by_path | {note.source.relative: pages[note.title] for _, note in change.changed}
        if self.note_graph is not None and self.note_graph.garden is change.before:
            memo.note_graph = NoteGraph.relinked(self.note_graph, change)
        if self.sections is not None and not any(ref.anchor for pair in change.changed for note in pair
                                                 for ref in note.refs):
            memo.sections = self.sections
        return memo

    def fill(self, garden: Garden) -> None:
        """Work out everything now rather than when first asked (`garden serve` does, in the background)."""
        self.graph_of(garden)
        self.sections_of(garden)
        self.changed_at_of(garden)

    def graph_of(self, garden: Garden) -> NoteGraph:
        """The graph of the shown notes of `garden`."""
        if self.note_graph is None:
            self.note_graph = NoteGraph(garden, shown_pages(garden))
        return self.note_graph

    def pages_by_path(self, garden: Garden) -> dict[str, Page]:
        """The pages of `garden` that show a note, by the note's path (which relinking keeps)."""
        if self.by_path is None:
            self.by_path = {page.note.source.relative: page for page in garden.pages.values() if page.note is not None}
        return self.by_path

    def sections_of(self, garden: Garden) -> dict[str, set[str]]:
        """The ids of the headings that links on shown pages go to (`[[Page#Heading]]`), by title."""
        if self.sections is None:
            self.sections = defaultdict(set)
            for page in shown_pages(garden):
                for ref in page.note.refs if page.note else ():
                    target = garden.page(ref.target)
                    if ref.anchor and not ref.anchor.startswith("^") and target is not None:
                        self.sections[target.title].add(heading_id(ref.anchor))
        return self.sections

    def changed_at_of(self, garden: Garden) -> Callable[[Page], dt.datetime | None]:
        """`garden.feed.last_change` for the pages of `garden`; what a note says of when it changed
        is worked out once for each parsed note, its file's time looked at each time."""
        value = self.noted.round()
        known = {id(page.note): value(page.note, lambda _, page=page: noted_change(page, updates_date(garden, page)))
                 for page in garden.pages.values() if page.note is not None}
        return lambda page: None if page.note is None else known[id(page.note)] or file_time(page)

    def latest_of(self, garden: Garden, notes: NoteRound | None) -> list[Dated]:
        """`garden.feed.latest_of` the pages of `garden`, whose notes are `notes`: when the last
        answer was for `notes.base`, worked out again only for the pages whose note moved, if that tells."""
        latest = None
        if self.latest is not None and notes is not None:
            if self.latest[0] is notes.notes:
                latest = self.latest[1]
            elif self.latest[0] is notes.base:
                by_path = self.pages_by_path(garden)
                moved = [by_path[path] for path in notes.changed if path in by_path]
                latest = latest_after(self.latest[1], moved, lambda page: last_change(garden, page))
        if latest is None:
            latest = latest_of(garden.pages.values(), self.changed_at_of(garden))
        self.latest = (notes.notes, latest) if notes is not None else None
        return latest


@dataclass(frozen=True)
class NoteRound:
    """The notes of a garden by path, and, when they were found by changing those of an earlier
    round (`base`), the paths whose note may be another (`changed`; every other is the very same note),
    as `garden.build.parsing.ParseRound` tells them."""

    notes: dict[str, Note]
    base: dict[str, Note] | None = None
    changed: tuple[str, ...] = ()


def _page_material(page: Page | None) -> tuple | None:
    """A page as questions about it answer: its title, URL, and the note it shows (by path; None for a ghost)."""
    return None if page is None else (page.title, page.url, page.note.source.relative if page.note else None)


def block_material(block: Block) -> tuple:
    """Everything rendering reads of one block: its text, line, id, list kind, place in the outline
    and the code read from its fences (an `output` fence after it may sit in the next block)."""
    return (block.text, block.line, block.uid, block.ordered, block.table,
            tuple(parent.order for parent in block.ancestors()), tuple(child.order for child in block.children),
            tuple(repr(code_of(token)) for token in block.tokens if token.type == "fence"))


def _note_material(note: Note) -> tuple:
    blocks = [*note.walk(), *note.footnotes]
    return (note.display, note.failure, tuple(block.order for block in note.blocks),
            tuple(block.order for block in note.footnotes), tuple(map(block_material, blocks)))


def _result_material(result: CellResult | None) -> dict | None:
    return None if result is None else {**result.to_dict(), "from_cache": None}


ABOUT_A_PAGE = frozenset({"page", "backlinks", "tagged", "linked_sections"})  # asked by a page's title or a link target
UNMOVED = frozenset({"attachment", "file_source"})  # fixed by the notes' file links, which `LinkChanges` keeps
OF_THE_PAGES = frozenset({"shown_pages", "note_urls"})  # fixed by the pages' titles, URLs and notes' paths


def differing(question: str, changes: LinkChanges) -> Collection[str] | None:
    """Which keys of `question` may have another answer in a garden linked anew where `changes` says
    what may differ, by the one argument they are asked with: questions about one page, one page's
    tags or one block id it does not name keep their answers, and those about the pages alone when
    the pages were kept. None: every key of it (the other questions about the whole garden)."""
    if question in ABOUT_A_PAGE:
        return changes.titles
    if question == "tags_of":
        return changes.carriers
    if question == "block_with_id":
        return changes.uids
    return () if question in UNMOVED or (changes.pages_kept and question in OF_THE_PAGES) else None


class GardenView:
    """The garden, the results of its code and the site's settings, as rendering may read them."""

    def __init__(self, garden: Garden, results: dict[tuple[str, int], CellResult] | None = None,
                 site: str = "", files: dict[str, str | Problem] | None = None, search: bool = False,
                 memo: LinkMemo | None = None, notes: NoteRound | None = None) -> None:
        self._garden = garden
        self._notes = notes  # what `memo` may know of the garden's notes
        self._results = results or {}
        self._site = site  # a digest of the settings, templates and garden version every file is made with
        self._files = files or {}  # path below the notes folder -> digest of its content, or the problem reading it
        self._search = search  # whether the site has a search index
        self.log = ReadLog()
        self.digests: dict[Key, bytes] = {}
        self._blocks: dict[str, dict[int, Block]] = {}
        self.memo = memo or LinkMemo()  # may come from an earlier view of this garden, linked alike
        self._whole: dict[str, Any] = {}  # answers about the whole garden, by question: asked again, and then read

    def _once(self, question: str, work_out: Callable[[], Any]) -> Any:
        """The answer to a question about the whole garden, worked out once for this view (a live
        build asks it again to decide what to remake, then reads it to make the file that shows it)."""
        if question not in self._whole:
            self._whole[question] = work_out()
        return self._whole[question]

    def _read(self, key: Key, material: Callable[[], object]) -> None:
        if key not in self.digests:
            self.digests[key] = digest_of(material())
        self.log.read(key)

    # -- questions: each answers, and remembers the question with a digest of its answer

    def site(self) -> str:
        """The digest of what every file is made with (settings, templates, garden's version)."""
        self._read(("site",), lambda: self._site)
        return self._site

    def search(self) -> bool:
        """Whether pages offer search (garden.toml's `search`, Pagefind found, and notes to index)."""
        self._read(("search",), lambda: self._search)
        return self._search

    def page(self, target: str) -> Page | None:
        """The page a link to `target` goes to (its title, URL and whether it is a ghost)."""
        page = self._garden.page(target)
        self._read(("page", target), lambda: _page_material(page))
        return page

    def anchor(self, title: str, anchor: str) -> tuple[str | None, bool]:
        """(the id of `anchor` on the page titled `title`, or None; whether that page has a note).
        `anchor` is a heading, or `^id` for a block."""
        page = self._garden.page(title)
        found: str | None = None
        if page is not None and page.note is not None:
            wanted = anchor[1:] if anchor.startswith("^") else heading_id(anchor)
            found = wanted if wanted in page_anchors(page.note) else None
        answer = found, page is not None and page.note is not None
        self._read(("anchor", title, anchor), lambda: answer)
        return answer

    def note(self, note: Note) -> Note:
        """A whole note: every block, its outline and footnotes (for its own page, and embeds)."""
        self._read(("note", note.source.relative), lambda: _note_material(note))
        return note

    def block(self, note: Note, block: Block) -> Block:
        """One block of `note`: its own content and place (not its children's content)."""
        self._read(("block", note.source.relative, block.order), lambda: block_material(block))
        return block

    def block_with_id(self, uid: str) -> tuple[Page, Block] | None:
        """The block with the id `uid` and its page."""
        found = self._garden.blocks_by_uid.get(uid)
        material = None if found is None else (*_page_material(found[0]), found[0].note.source.relative,
                                               found[1].order)
        self._read(("block_with_id", uid), lambda: material)
        return found

    def backlinks(self, title: str) -> list[tuple[Page, list[Backlink]]]:
        """The blocks referring to the page titled `title`, grouped by their page, as shown: the
        page itself first, then by title."""
        by_source = self._garden.backlinks.get(title, {})
        groups = [(self._garden.pages[source], by_source[source])
                  for source in sorted(by_source, key=lambda source: (source != title, source.casefold()))]
        self._read(("backlinks", title), lambda: tuple(
            (*_page_material(page), tuple((backlink.block.order, tuple(backlink.kinds)) for backlink in backlinks))
            for page, backlinks in groups))
        return groups

    def tags_of(self, title: str) -> list[str]:
        """The tags the page titled `title` carries."""
        tags = self._garden.tags_of(title)
        self._read(("tags_of", title), lambda: tuple(tags))
        return tags

    def tagged(self, title: str) -> list[str]:
        """The pages carrying the tag `title`."""
        members = list(self._garden.tags.get(title, []))
        self._read(("tagged", title), lambda: tuple(members))
        return members

    def result(self, note: str, line: int) -> CellResult | None:
        """What the build computed for the code block at `line` of the note shown as `note`."""
        result = self._results.get((note, line))
        self._read(("result", note, line), lambda: _result_material(result))
        return result

    def attachment(self, path: str | None, name: str) -> str | None:
        """Where the site keeps the attachment a note names as (`path`, `name`); None if not found."""
        placed = self._garden.files.get((path, name))
        self._read(("attachment", path, name), lambda: placed)
        return placed

    def file_source(self, site_path: str) -> str | None:
        """The file below the notes folder the site keeps a copy of at `site_path`."""
        relative = self._garden.file_sources.get(site_path)
        self._read(("file_source", site_path), lambda: relative)
        return relative

    def file_content(self, relative: str) -> str | Problem | None:
        """The digest of the content of a file below the notes folder (for copying it), or the
        problem met reading it; None for no such file."""
        content = self._files.get(relative)
        self._read(("file_content", relative), lambda: content)
        return content

    def all_pages(self) -> list[tuple[Page, int]]:
        """Every page with how often it is referenced, by title without case."""
        def work_out() -> list[tuple[Page, int]]:
            pages = sorted(self._garden.pages.values(), key=lambda page: page.title.casefold())
            return [(page, self._garden.reference_count(page.title)) for page in pages]

        rows = self._once("all_pages", work_out)
        self._read(("all_pages",), lambda: tuple((*_page_material(page), page.date, count) for page, count in rows))
        return rows

    def daily_pages(self) -> list[tuple[Page, int]]:
        """Daily-note pages, newest first, with how often each is referenced."""
        rows = [(page, self._garden.reference_count(page.title)) for page in self._garden.daily_pages()]
        self._read(("daily_pages",), lambda: tuple((*_page_material(page), page.date, count) for page, count in rows))
        return rows

    def note_urls(self) -> list[str]:
        """The URLs of every page that has a note, sorted."""
        urls = sorted(page.url for page in self._garden.pages.values() if not page.ghost)
        self._read(("note_urls",), lambda: tuple(urls))
        return urls

    def graph(self) -> tuple[list[tuple[str, str, tuple[str, ...], bool]], list[tuple[str, str, str]]]:
        """The whole graph: (title, url, tags, ghost) of every page by title, and every
        (source, target, kind) link, sorted."""
        garden = self._garden

        def work_out() -> tuple[list, list]:
            return ([(page.title, page.url, tuple(garden.tags_of(page.title)), page.ghost)
                     for page in sorted(garden.pages.values(), key=lambda page: page.title)],
                    sorted(dict.fromkeys(garden.edges)))  # in the notes' order, which sorting finds runs in

        nodes, links = self._once("graph", work_out)
        self._read(("graph",), lambda: (nodes, links))
        return nodes, links

    def shown_pages(self) -> list[Page]:
        """The pages that previews and the graph view may show, by title (`garden.render.shown`)."""
        pages = shown_pages(self._garden)
        self._read(("shown_pages",), lambda: tuple(map(_page_material, pages)))
        return pages

    def shown_titles(self) -> frozenset[str]:
        """The titles of `shown_pages`, gathered once for this view."""
        pages = self.shown_pages()
        return self._once("shown_titles", lambda: frozenset(page.title for page in pages))

    def linked_sections(self, title: str) -> set[str]:
        """The ids of the headings of the page titled `title` that links on shown pages go to
        (`[[Page#Heading]]`)."""
        sections = self.memo.sections_of(self._garden).get(title, set())
        self._read(("linked_sections", title), lambda: tuple(sorted(sections)))
        return sections

    def local_graphs_near_changes(self, before: NoteGraph) -> set[str]:
        """The titles whose `local_graph` answer may differ from the one it had where `before` was the
        graph of the shown notes (`NoteGraph.near_changes`)."""
        return self._graph().near_changes(before)

    def _graph(self) -> NoteGraph:
        return self.memo.graph_of(self._garden)

    def local_graph(self, title: str) -> Drawing | None:
        """The drawing of the neighbourhood of the page titled `title` (`NoteGraph.local_drawing`);
        None when it links with no other note."""
        graph = self._local_graph_read(title)
        page = self._garden.pages.get(title)
        return graph.local_drawing(page) if page is not None else None

    def _local_graph_read(self, title: str) -> NoteGraph:
        """The question `local_graph` asks, without drawing (asking it again needs only its material)."""
        graph = self._graph()
        self._read(("local_graph", title), lambda: graph.local_material(title))
        return graph

    def global_graph(self) -> NoteGraph:
        """The shown notes for the global drawing and its legend (`global_drawing`, `legend`)."""
        graph = self._graph()
        self._read(("global_graph",), graph.global_material)
        return graph

    def recent_changes(self) -> list[tuple[dt.datetime, Page]]:
        """The notes that changed last, newest first, with when (`garden.feed.latest_of`)."""
        recent = [(moment, page) for _, moment, page in
                  self._once("recent_changes", lambda: self.memo.latest_of(self._garden, self._notes))]
        self._read(("recent_changes",), lambda: tuple((moment, *_page_material(page)) for moment, page in recent))
        return recent

    # -- asking again

    def digest(self, key: Key) -> bytes:
        """The digest of `key`'s answer in the garden this view holds (asked once per view)."""
        if key not in self.digests:
            kind, *arguments = key
            if kind in PARSED_KINDS:
                self._parsed(kind, *arguments)
            elif kind == "local_graph":
                self._local_graph_read(*arguments)
            else:
                getattr(self, kind)(*arguments)
        return self.digests[key]

    def _parsed(self, kind: str, relative: str, order: int | None = None) -> None:
        """Ask a question about one note's parse again, naming the note by its path."""
        page = self.memo.pages_by_path(self._garden).get(relative)
        note = page.note if page is not None else None
        if kind == "note":
            if note is None:
                self.digests[("note", relative)] = digest_of(None)
            else:
                self.note(note)
            return
        if note is not None and relative not in self._blocks:  # by order: a published copy may lack some
            self._blocks[relative] = {block.order: block for block in [*note.walk(), *note.footnotes]}
        block = self._blocks.get(relative, {}).get(order)
        if note is None or block is None:
            self.digests[("block", relative, order)] = digest_of(None)
        else:
            self.block(note, block)
