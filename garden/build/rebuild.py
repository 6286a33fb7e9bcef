"""The work of a build once something changed: parse what changed, link and run everything, ask
again what the last site's files read, remake the files whose answers changed, and swap the new
site in (or, for `garden serve`, replace the changed files where they are). It imports every
stage; a build with nothing to do never loads it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from garden.build.assembly import Listing, SiteAssembly, make_product
from garden.build.options import BuildOptions, BuildResult
from garden.build.parallel import forked, worth_forking
from garden.build.parse_cache import ParseCache
from garden.build.parsing import NoteParser, ParseRound
from garden.build.products import Site, products
from garden.build.read_index import ReadIndex
from garden.build.runs import RunMemo
from garden.build.scan import Scan
from garden.build.search_index import index_pages
from garden.build.state import BuildState, PendingIndex, SearchIndex, Summary
from garden.config import Config
from garden.emit import InPlaceWriter, SiteWriter, Writer
from garden.execution import cache_warnings, failures_of
from garden.graph import Garden, LinkChanges, Relinked, link_changes, link_inputs, link_notes, relink, relink_links
from garden.model import Note
from garden.progress import progress
from garden.render.graph_layout import NoteGraph
from garden.render.pages import SiteRenderer
from garden.render.reads import LINKED_KINDS, WHOLE_GARDEN_KINDS, digest_of
from garden.render.view import GardenView, LinkMemo, NoteRound, differing
from garden.run.engine import RunReport
from garden.run.executor import RunCancelled
from garden.search import pagefind_binary


@dataclass
class Linked:
    """The garden the last build linked, and what from: its notes by path, flavour, other files and
    the content digest of every note file (parsed or not); and what views worked out from its links
    (which holds while it is relinked: same pages, links, tags)."""

    garden: Garden
    notes: dict[str, Note]
    flavor: str
    files: list[str]
    contents: dict[str, str]
    memo: LinkMemo = field(default_factory=LinkMemo)
    listed: tuple[bytes, Site, Listing] | None = None  # the site's files as last listed, and with what settings
    page_count: PageCount | None = None
    from_last: Relinked | None = None  # how `relink_links` made the garden from the last one, when it did

    def counted(self) -> PageCount:
        """`PageCount` of the garden, worked out once."""
        if self.page_count is None:
            pages = self.garden.pages.values()
            self.page_count = PageCount(sorted({page.url for page in pages if not page.ghost}), len(pages),
                                        sum(page.ghost for page in pages), sum(page.date is not None for page in pages))
        return self.page_count


@dataclass(frozen=True)
class PageCount:
    """What a build counts of a garden's pages (which relinking keeps): the URLs of the pages of
    notes, in order, and how many pages, ghosts and daily notes there are."""

    urls: list[str]
    pages: int
    ghosts: int
    daily: int


class Rebuilder:
    """What one builder keeps in memory between builds: parsed notes, the linked garden, and the last run."""

    def __init__(self, cache_dir: Path) -> None:
        self.parse_cache = ParseCache(cache_dir / "build" / "notes")
        self._parser = NoteParser(self.parse_cache)
        self.runs = RunMemo()
        self._linked: Linked | None = None
        self._last_build: tuple[BuildState, dict] | None = None  # the state the last build left, and the results it showed
        self._last_listing: Listing | None = None  # the files the last build made or kept
        self._readers = ReadIndex()  # which files of the last build read each key

    def rebuild(self, config: Config, options: BuildOptions, previous: BuildState | None, scan: Scan,
                inputs: bytes, environment: bytes, cancel: threading.Event | None = None, in_place: bool = False
                ) -> tuple[BuildState, BuildResult]:
        """Build the site from the scanned notes; `previous` is what the last build of it left.
        Returns what this build leaves for the next one, and its result. Setting `cancel` while the
        code runs, or before the files are made, stops the build (`garden.run.executor.RunCancelled`)
        before anything is written.
        `in_place`: the site is as `previous` says; a live build may update it where it is."""
        parsed = self._parser.parse(config, scan, workers=options.workers)
        linked, replaced = self._link(parsed, config, scan)
        garden = linked.garden
        problems = [*scan.problems, *parsed.problems, *garden.problems]
        with_code = None if config.publish.active else parsed.with_code.values()  # published notes may show less
        report = (self.runs.run(garden, config, options.refresh, inputs + environment, options.cached_only, cancel,
                                with_code) if options.execute else RunReport({}, 0, 0, 0))
        problems += cache_warnings(report)

        counted = linked.counted()
        indexed = counted.urls
        binary = pagefind_binary() if config.search and indexed else None
        view = GardenView(garden, report.results, site=inputs.hex(), files=scan.file_contents(),
                          search=binary is not None, memo=linked.memo,
                          notes=NoteRound(parsed.by_path, parsed.base, parsed.changed))
        contents = linked.contents
        changed = scan.changes_since(previous.notes) if previous is not None else set(contents)
        reusable = previous is not None and previous.inputs == inputs  # else every file is made again
        links = _link_digests(linked.notes, garden, changed, previous if reusable else None, config.publish.active)
        if reusable and config.publish.active:  # what a note shows also depends on the others' tags
            changed |= {path for path, digest in links.items() if previous.links.get(path) != digest}
        files = digest_of(tuple(scan.files))
        relinked = not reusable or links != previous.links or files != previous.files
        drawn_before, changes = _compared(previous, replaced, linked)
        if changes is not None:  # every link goes where it went: what notes say of their changes stands
            linked.memo.noted = replaced.memo.noted
        near = view.local_graphs_near_changes(drawn_before) if in_place and drawn_before is not None else None
        results_as_before = (self._last_build is not None and self._last_build[0] is previous
                             and _same_results(self._last_build[1], report.results))
        later = options.whole_later and in_place and reusable
        remake, outdated = (self._to_remake(previous, view, _asked(previous, changed, relinked, near, changes,
                                                                   results_as_before), later)
                            if reusable else (set(), set()))
        site, listing = _listed(linked, config, view, inputs + files)
        search = Search(indexed, binary, previous.search if reusable else None) if config.search else None
        carried = (in_place and reusable and listing is self._last_listing and self._last_build is not None
                   and self._last_build[0] is previous and (search is not None or previous.search is None))
        if cancel is not None and cancel.is_set():  # nothing is written yet
            raise RunCancelled
        try:
            made, index, pending = _make_site(config, site, listing, previous, reusable, remake, search,
                                              live=options.live, in_place=in_place and reusable,
                                              workers=options.workers, carried=carried)
            summary = Summary(notes=counted.pages - counted.ghosts, ghosts=counted.ghosts, daily=counted.daily,
                              pages=counted.pages, problems=problems + made.problems, failures=failures_of(report),
                              ran=report.ran, cached=report.cached, pending=report.pending)
            self.parse_cache.forget_unused()
        except BaseException:
            if previous is not None:
                previous.table.undo()  # the table a failed build changed (`KeyTable.change`) is the last build's again
            raise
        made.table.keep()
        outdated = frozenset(path for path in outdated if path in made.outputs)
        state = BuildState(b"" if made.spoilt else inputs, environment, scan.seen, contents, links, files,
                           made.table, made.outputs, index, summary, pending, frozenset(made.flagged), outdated)
        self._last_build, self._last_listing = (state, report.results), listing
        if previous is not None and reusable:
            self._readers.advance(previous, state, made.remade)
        return state, BuildResult(summary.notes, summary.ghosts, summary.daily, summary.pages, 0.0,
                                  summary.problems, report.ran, report.cached, summary.failures, made.rendered,
                                  made.changed, made.removed, report.pending, pending is not None, len(outdated))

    def _to_remake(self, previous: BuildState, view: GardenView, asked: list[int], later: bool
                   ) -> tuple[set[str], set[str]]:
        """The paths of the last build's files to make again: those that read a key among `asked`
        whose answer changed, and those it left outdated. When `later`, the keys about the whole
        garden are not asked (`WHOLE_GARDEN_KINDS`): their files (a handful: all pages, the graph,
        the feed…) are left as they were, with those the last build left, to make next time;
        returned second."""
        table = previous.table
        unasked = {number for number in asked if table.keys[number][0] in WHOLE_GARDEN_KINDS} if later else set()
        outdated = self._readers.readers(previous, unasked)
        stale = {number for number in asked
                 if number not in unasked and view.digest(table.keys[number]) != table.digests[number]}
        remake = self._readers.readers(previous, stale)
        if later:
            return remake, (outdated | previous.outdated) - remake
        return remake | previous.outdated, set()

    def warm(self, config: Config, scan: Scan, cancel: threading.Event | None = None) -> None:
        """Parse (or load) every scanned note, link them and work out what views read of the links,
        as the next build will; nothing once a build did, and no more once `cancel` is set."""
        if self._linked is None:
            parsed = self._parser.parse(config, scan, cancel)
            if cancel is None or not cancel.is_set():
                linked, _ = self._link(parsed, config, scan)
                if linked is self._linked:  # kept for the next build (not under publishing rules)
                    linked.memo.fill(linked.garden)

    def index_reads(self, previous: BuildState) -> None:
        """Index which files of `previous`, the state the next build starts from, read what (`ReadIndex`)."""
        self._readers.index(previous)

    def _link(self, parsed: ParseRound, config: Config, scan: Scan) -> tuple[Linked, Linked | None]:
        """The garden of the `parsed` notes (read from the note files of `scan`): without publishing
        rules, the last one with the notes changed since put in, when they link as before (`relink`:
        the garden is changed in place); else a new one, made from the last one when the changed notes
        link only to pages there are (`relink_links`) or linked anew, and then also the last one, which
        it replaced."""
        files, contents = scan.files, scan.note_contents()
        kept = self._linked
        self._linked = None  # until it is the garden of `notes`
        notes, by_path = parsed.notes, parsed.by_path
        if config.publish.active:  # what is published may change with any note
            return Linked(link_notes(notes, config.flavor, files, config.publish), by_path, config.flavor, files,
                          contents), None
        same_setting = kept is not None and kept.flavor == config.flavor and kept.files == files
        changed = parsed.changed if kept is not None and parsed.base is kept.notes else None
        if same_setting and relink(kept.garden, kept.notes, by_path, changed):
            self._linked = Linked(kept.garden, by_path, config.flavor, files, contents, kept.memo, kept.listed,
                                  kept.page_count)
            return self._linked, None
        relinked = relink_links(kept.garden, kept.notes, by_path, changed, config.flavor) if same_setting else None
        if relinked is not None:  # the same pages: what views work out from them carries over in part
            self._linked = Linked(relinked.garden, by_path, config.flavor, files, contents,
                                  kept.memo.relinked(relinked), kept.listed, kept.page_count, relinked)
        else:
            self._linked = Linked(link_notes(notes, config.flavor, files), by_path, config.flavor, files, contents)
        return self._linked, kept

def _same_results(shown: dict, results: dict) -> bool:
    """Whether `results` are the very results a build showed (`RunMemo` hands out the same dict
    while nothing ran anew), or both are empty (no code is run)."""
    return shown is results or not (shown or results)


def _link_digests(notes: dict[str, Note], garden: Garden, changed: set[str], previous: BuildState | None,
                  publishing: bool) -> dict[str, bytes]:
    """A digest of what linking reads of each note (`link_inputs`), by its path (`notes` are by path):
    worked out again for the notes changed since `previous`, or all of them (a new version of garden
    may parse a note differently). With publishing rules, of what the link stage made of each note,
    worked out every time: whether it is published, and the blocks it shows (which a tag elsewhere can
    change)."""
    if publishing:
        shown = {page.note.source.relative: page.note for page in garden.pages.values() if page.note is not None}
        return {path: digest_of(_published(shown.get(path))) for path in notes}
    if previous is None:
        return {path: digest_of(link_inputs(note)) for path, note in notes.items()}
    links = dict(previous.links)  # the notes as they were
    for path in changed:
        if path in notes:
            links[path] = digest_of(link_inputs(notes[path]))
        else:
            links.pop(path, None)
    return links


def _published(note: Note | None) -> tuple | None:
    """What linking reads of a note as the site publishes it, and the blocks it keeps; None when it is not published."""
    if note is None:
        return None
    return link_inputs(note), tuple(block.order for block in [*note.walk(), *note.footnotes])


def _compared(previous: BuildState | None, replaced: Linked | None, linked: Linked
              ) -> tuple[NoteGraph | None, LinkChanges | None]:
    """What the garden the last build linked says of `linked`, which `replaced` it: the graph of its
    shown notes, if it was drawn (for the local graphs near changes), and where the links may differ
    (`link_changes`, with the same flavour and files). Nothing when `replaced` is not the garden of
    the last build's notes (a build that linked it may have failed)."""
    if previous is None or replaced is None or replaced.contents != previous.notes:
        return None, None
    same_setting = (replaced.flavor, replaced.files) == (linked.flavor, linked.files)
    from_last = linked.from_last if linked.from_last and linked.from_last.before is replaced.garden else None
    changes = (link_changes(replaced.garden, replaced.notes, linked.garden, linked.notes, from_last)
               if same_setting else None)
    return replaced.memo.note_graph, changes


def _asked(previous: BuildState, changed: set[str], relinked: bool, near: set[str] | None = None,
           changes: LinkChanges | None = None, results_as_before: bool = False) -> list[int]:
    """The keys of the last build to ask again, by number: those whose answer may have changed. Only
    questions that can have a new answer are asked: about the parse of changed notes, and, unless
    every note links as before (`relinked` is false), about the links: when `changes` says where
    the links may differ, only those about what it names and about the whole garden (`differing`,
    looked up by name); of the local graphs, when `near` names the pages whose local graph may have
    changed, only theirs; of the code's results, none when they are the very results the last
    build showed (`results_as_before`)."""
    table = previous.table
    numbers = []
    for question, asked in table.by_question.items():
        if (not relinked and question in LINKED_KINDS) or (results_as_before and question == "result"):
            continue
        named = differing(question, changes) if changes is not None else None
        if question == "local_graph" and near is not None:
            named = near
        if named is None:
            numbers += asked
        else:
            numbers += [number for name in named if (number := table.ids.get((question, name))) is not None]
    numbers += [number for path in changed for number in table.by_note.get(path, ())]
    return numbers


@dataclass(frozen=True)
class Search:
    """What the search index is made of: the URLs of the pages to index, the Pagefind binary (None
    when there is none), and the last build's index."""

    urls: list[str]
    binary: Path | None
    previous: SearchIndex | None


def _listed(linked: Linked, config: Config, view: GardenView, setting: bytes) -> tuple[Site, Listing]:
    """The site to make and its files: those the last build listed, when its garden was relinked
    since, in place or keeping its pages (`relink_links`), and the settings and other files
    (`setting`) are the same; else listed now."""
    if linked.listed is not None and linked.listed[0] == setting:
        _, site, listing = linked.listed
        site.anew(config, linked.garden, view)
        return site, listing
    site = Site(config, linked.garden, view, SiteRenderer(view, config))
    listing = Listing(list(products(site)))
    linked.listed = setting, site, listing
    return site, listing


def _make_site(config: Config, site: Site, listing: Listing, previous: BuildState | None, reusable: bool,
               stale: set[str], search: Search | None, live: bool, in_place: bool, workers: int, carried: bool
               ) -> tuple[SiteAssembly, SearchIndex | None, PendingIndex | None]:
    """Every file of the site (`listing`) into a staging folder (kept, or made and written: new files,
    and those at the paths in `stale`, which read an answer that changed), and the search index over
    its pages, then swapped in; `in_place`, every file changed replaced in the site itself, whose
    files are taken to be those `previous` recorded (no file is looked at to keep it); `carried`
    too, the files are those `previous` recorded (`SiteAssembly.carry`). Unless `reusable`, every
    file is made again (and still kept where its bytes are the same). A `live` build that has an
    index keeps it, and leaves the new one to make later. Up to `workers` processes make the files
    (`garden.build.parallel`)."""
    made = SiteAssembly(config.out_dir, previous, reusable, trusted=in_place)
    writer: Writer = InPlaceWriter(config.out_dir) if in_place else SiteWriter(config.out_dir)
    files = listing.files
    try:
        kept, to_make = ({}, made.carry(listing, stale)) if carried else made.split(files, stale)
        if worth_forking(len(to_make), workers):
            site.view.memo.fill(site.garden)  # worked out once here, rather than once in each worker
        with (progress("writing pages", len(files), "file") as bar,
              forked(lambda number: make_product(to_make[number], site.view), len(to_make), workers) as making):
            made.keep(kept, writer)
            bar.update(len(files) - len(to_make))
            for product in to_make:
                made.record(product, next(making), writer)
                bar.update()
        index, pending = (index_pages(made, writer, search.urls, search.binary, search.previous, later=live)
                          if search else (None, None))
        made.finish()
        writer.commit(made.removed)
    except BaseException:
        writer.abandon()
        raise
    return made, index, pending
