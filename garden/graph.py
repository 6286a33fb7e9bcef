"""The Garden: every page (notes and ghosts), the reference graph, backlinks, tags and dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from garden.attachments import place_attachments
from garden.dates import daily_note_date
from garden.diagnostics import Problem
from garden.flavors.links import Resolution, Resolver
from garden.model import Block, Note, Ref
from garden.publish import EVERYTHING, PublishRules, published_notes
from garden.urls import UrlRegistry


@dataclass(eq=False)
class Page:
    """A page of the site: a note, or a ghost page for a link target with no file."""

    title: str
    url: str
    note: Note | None = None
    date: dt.date | None = None

    @property
    def ghost(self) -> bool:
        """True for a page that only exists because something links to it."""
        return self.note is None


@dataclass(slots=True)
class Backlink:
    """One referring block, with the page it is on and its breadcrumb of parent blocks."""

    page: Page
    block: Block
    kinds: list[str]

    @property
    def breadcrumb(self) -> list[Block]:
        """The parent blocks, outermost first."""
        return self.block.ancestors()


@dataclass(frozen=True)
class Targets:
    """What linking found of the targets the notes' links and tags name, for `relink_links` to tell
    whether a target goes where it went: in Obsidian and Logseq a target no note named before may
    match a note by file name or without case, and a ghost page is spelled as the first link to it.
    Empty under publishing rules, with which a garden is always linked anew."""

    named: frozenset[str] = frozenset()  # every target, as written
    ambiguous: frozenset[str] = frozenset()  # those that match several notes (which `link_notes` warns of)
    respelled: frozenset[str] = frozenset()  # the ghost pages that some target names spelled otherwise


@dataclass
class Garden:
    """All pages and the references between them."""

    pages: dict[str, Page]
    edges: list[tuple[str, str, str]]  # every link and tag: (from title, to title, kind)
    backlinks: dict[str, dict[str, list[Backlink]]]
    tags: dict[str, list[str]]
    blocks_by_uid: dict[str, tuple[Page, Block]]
    aliases: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)  # link target -> title, where they differ
    files: dict[tuple[str | None, str], str] = field(default_factory=dict)  # FileLink.key -> site path
    file_sources: dict[str, str] = field(default_factory=dict)  # site path -> path below the notes folder
    targets: Targets = Targets()

    def page(self, title: str) -> Page | None:
        """The page with this title, else the page a link to `title` goes to (as the flavour resolves
        it, or by alias), if any."""
        return (self.pages.get(title) or self.pages.get(self.resolved.get(title, ""))
                or self.pages.get(self.aliases.get(title, "")))

    def daily_pages(self) -> list[Page]:
        """Daily-note pages, newest first."""
        dated = [page for page in self.pages.values() if page.date is not None]
        return sorted(dated, key=lambda page: page.date, reverse=True)

    def reference_count(self, title: str) -> int:
        """How many blocks refer to the page."""
        return sum(len(backlinks) for backlinks in self.backlinks.get(title, {}).values())

    def tags_of(self, title: str) -> list[str]:
        """Tag titles that a page carries."""
        return list(self._tags_by_page.get(title, ()))

    @cached_property
    def edge_starts(self) -> dict[str, int]:
        """Where the edges of each page that has some start in `edges`: `link_notes` adds a note's
        edges one after another."""
        starts: dict[str, int] = {}
        for number, (source, _, _) in enumerate(self.edges):
            starts.setdefault(source, number)
        return starts

    @cached_property
    def by_title(self) -> list[Page]:
        """Every page, in title order (worked out once: read, never change)."""
        return sorted(self.pages.values(), key=lambda page: page.title)

    @cached_property
    def _tags_by_page(self) -> dict[str, list[str]]:
        """The tags each page carries, in the order of `tags` (one pass over all tags)."""
        index: dict[str, list[str]] = defaultdict(list)
        for tag, members in self.tags.items():
            for title in dict.fromkeys(members):
                index[title].append(tag)
        return index


def _nearest_top_first(note: Note) -> tuple[int, int, str]:
    path = note.source.relative
    return path.count("/"), len(path), path


def link_inputs(note: Note) -> tuple:
    """Everything `link_notes` reads of a note (as publishing rules leave it), but for the lines its
    warnings name, and the headings its links name (which previews show). Notes with equal link inputs
    link alike: when only such notes changed, and no note came or went, the pages, their URLs, links,
    backlinks (by block order), tags, block ids and attachments are what they were. Keep this in step
    with `link_notes` (incremental builds rely on it)."""
    return (note.title, tuple(note.aliases), note.source.relative, tuple(note.tags),
            _ids(note), tuple((ref.target, ref.kind, ref.block.order, ref.attribute, ref.anchor) for ref in note.refs),
            tuple(link.key for link in note.files))


def link_notes(notes: list[Note], flavor: str = "roam", files: Iterable[str] = (),
               rules: PublishRules = EVERYTHING) -> Garden:
    """Build the Garden from parsed notes: pages, ghosts, links (edges), backlinks, tags, block index, and
    the attachments the notes name among `files` (the other files below the notes folder).

    Link targets are resolved as the notes' flavour does (`garden.flavors.links`). With publishing
    `rules`, the Garden holds only the published notes, without their hidden blocks: links to the
    others resolve to no page (and make no ghost page), and nothing hidden refers to anything.
    The notes are only read: a note whose title another note has is linked as a copy with its
    fallback title, and a note with hidden blocks as a copy without them, so that parsed notes can
    be kept and linked again by the next build."""
    registry = UrlRegistry()
    pages: dict[str, Page] = {}
    problems: list[Problem] = []
    aliases: dict[str, str] = {}
    retitled: dict[int, Note] = {}  # by id() of the parsed note: its copy under a fallback title
    for note in sorted(notes, key=_nearest_top_first):  # of two notes with one title, the upper keeps it
        if note.title in pages:
            other = pages[note.title].note
            fallback = note.source.relative.removesuffix(".md")
            while fallback in pages:
                fallback += " (another)"
            problems.append(Problem(note.display, None, f"title {note.title!r} is also used by {other.display}; "
                                                         f"this note is kept as {fallback!r}"))
            retitled[id(note)] = dataclasses.replace(note, title=fallback)
            note = retitled[id(note)]
        pages[note.title] = Page(note.title, "", note, daily_note_date(note.title))
        for alias in note.aliases:
            aliases.setdefault(alias, note.title)
    notes = [retitled.get(id(note), note) for note in notes]

    resolver = Resolver(notes, aliases, flavor)
    resolutions: dict[str, Resolution] = {}

    def resolve(target: str, note: Note | None = None, line: int | None = None) -> str:
        resolution = resolutions.get(target)
        if resolution is None:
            resolution = resolutions[target] = resolver.resolve(target)
        if resolution.candidates and note is not None:
            problems.append(Problem(note.display, line, f"link {target!r} matches {len(resolution.candidates)} notes "
                                                        f"({', '.join(resolution.candidates)}); it goes to the first, "
                                                        f"the one nearest the top of the vault"))
        return resolution.title

    shown = published_notes(notes, rules, resolve)
    withheld = set(pages) - {note.title for note in shown}
    for title in withheld:
        del pages[title]
    for page in pages.values():  # notes nearest the top first, then (below) ghosts by title
        page.url = registry.claim(page.title)
    aliases = {alias: title for alias, title in aliases.items() if title not in withheld}
    edges: list[tuple[str, str, str]] = []
    backlinks: dict[str, dict[str, list[Backlink]]] = defaultdict(dict)
    tags: dict[str, list[str]] = defaultdict(list)
    tagged_by: dict[str, set[str]] = defaultdict(set)  # the titles in tags[target], to test membership at once
    blocks_by_uid: dict[str, tuple[Page, Block]] = {}
    for note in shown:
        page = pages[note.title]
        page.note = note
        for tag in map(resolve, note.tags):
            if tag in withheld:
                continue
            tags[tag].append(note.title)
            tagged_by[tag].add(note.title)
            if tag not in pages:
                pages[tag] = Page(tag, "", None, daily_note_date(tag))
            edges.append((note.title, tag, "tag"))
        for block in note.walk():
            if block.uid is None:
                continue
            if block.uid in blocks_by_uid:
                problems.append(Problem(note.display, block.line, f"block id ^{block.uid} is also used on "
                                                                  f"{blocks_by_uid[block.uid][0].title!r}"))
            else:
                blocks_by_uid[block.uid] = (page, block)
        for ref in note.refs:
            target = resolve(ref.target, note, ref.block.line)
            if target in withheld:
                continue
            if target not in pages:
                pages[target] = Page(target, "", None, daily_note_date(target))
            edges.append((note.title, target, ref.kind))
            if ref.is_tag and note.title not in tagged_by[target]:
                tags[target].append(note.title)
                tagged_by[target].add(note.title)
            _add_backlink(backlinks[target].setdefault(note.title, []), page, ref)
    for title in sorted(title for title, page in pages.items() if page.ghost):
        pages[title].url = registry.claim(title)
    for title, slug in registry.clashes:
        where = pages[title].note.display if pages[title].note else f"page {title!r}"
        problems.append(Problem(where, None, f"URL of {title!r} clashes with another page; it is served at {slug}"))
    placed, file_sources = place_attachments(shown, files, flavor)
    resolved = {target: found.title for target, found in resolutions.items()
                if target != found.title and found.title not in withheld}
    targets = Targets() if rules.active else Targets(  # under rules, which hidden notes' links name too
        frozenset(resolutions), frozenset(target for target, found in resolutions.items() if found.candidates),
        frozenset(title for title in resolved.values() if title in pages and pages[title].ghost))
    return Garden(pages, edges, dict(backlinks), dict(tags), blocks_by_uid, aliases, problems, resolved,
                  placed, file_sources, targets)


@dataclass(frozen=True)
class LinkChanges:
    """Where a garden linked anew may differ from the last one when only the links of some notes
    changed (`link_changes`): the pages whose existence, URL, backlinks, tagged pages or linked
    headings may differ, named by their titles and by every link target and alias that goes to
    them; the pages of the changed notes (the tags they carry may differ); and the block ids on the
    changed notes, before and after. Everything else a question about one page can read is as it was."""

    titles: frozenset[str]
    carriers: frozenset[str]
    uids: frozenset[str]
    pages_kept: bool = False  # every page is there as it was, with its title, URL and note's path


def link_changes(before: Garden, before_notes: dict[str, Note], after: Garden, after_notes: dict[str, Note],
                 relinked: Relinked | None = None) -> LinkChanges | None:
    """Where `after`, which `link_notes` made of `after_notes` (by path below the notes folder), may
    differ from `before`, made of `before_notes` with the same flavour, files and no publishing
    rules. None when it may differ anywhere: a note came or went, or a changed note has another
    title, aliases or file links (which decide the pages of notes, their URLs and where every link goes).

    Otherwise every note page keeps its title and URL (they are claimed before any ghost page's) and
    every link target goes where it went; what changed notes link to, tag and mark with ids is all
    that differs, and the URLs of ghost pages (claimed in title order, so one more ghost can move
    another's). `relinked`: how `relink_links` made `after` of `before` (it kept every page, and says
    which notes changed)."""
    if relinked is not None:
        changed = list(relinked.changed)
    elif before_notes.keys() != after_notes.keys():
        return None
    else:
        changed = [(before_notes[path], note) for path, note in after_notes.items() if before_notes[path] is not note]
    if any(_naming(old) != _naming(new) for old, new in changed):
        return None
    titles: set[str] = set()
    for old, new in changed:
        was, now = _links_by_title(before, old), _links_by_title(after, new)
        titles.update(title for title in was.keys() | now.keys() if was.get(title) != now.get(title))
    if relinked is None:
        titles.update(title for title in before.pages.keys() | after.pages.keys()
                      if _ghost_url(before, title) != _ghost_url(after, title))
    names = {id(names): names for garden in (before, after)  # each once: relink_links shares them
             for names in (garden.resolved, garden.aliases)}
    titles.update(name for names in names.values() for name, title in names.items() if title in titles)
    if relinked is not None:
        carriers = relinked.titles
    else:
        paths = {note.source.relative for _, note in changed}
        carriers = {title for title, page in after.pages.items()
                    if page.note is not None and page.note.source.relative in paths}
    uids = {block.uid for pair in changed for note in pair for block in note.walk() if block.uid is not None}
    return LinkChanges(frozenset(titles), frozenset(carriers), frozenset(uids), relinked is not None)


def _links_by_title(garden: Garden, note: Note) -> dict[str, list[tuple]]:
    """What `note` links to and tags in `garden`, by the title each link goes to (as `link_inputs`
    has it): where they are equal before and after, what that page shows of the note is the same."""
    found: dict[str, list[tuple]] = defaultdict(list)
    for tag in note.tags:
        found[garden.resolved.get(tag, tag)].append((tag,))
    for ref in note.refs:
        found[garden.resolved.get(ref.target, ref.target)].append(
            (ref.target, ref.kind, ref.block.order, ref.attribute, ref.anchor))
    return found


def _naming(note: Note) -> tuple:
    """What of a note decides the pages of notes, their URLs and where links go: its title, aliases and
    the files it links to (which decide where attachments go)."""
    return note.title, tuple(note.aliases), tuple(link.key for link in note.files)


def _ghost_url(garden: Garden, title: str) -> str | None:
    """The URL of the ghost page titled `title`; None when there is no such ghost page."""
    page = garden.pages.get(title)
    return page.url if page is not None and page.ghost else None


def relink(garden: Garden, before: dict[str, Note], after: dict[str, Note], paths: Iterable[str] | None = None
           ) -> bool:
    """Put the notes `after` in `garden`, which `link_notes` made of the notes `before` (both by path
    below the notes folder) with no publishing rules: what `link_notes` would make of `after`, without
    linking every note again. Each note of `after` is one of `before` or links alike
    (`link_inputs` equal), so only the blocks pages, backlinks and block ids hold are new. Returns
    False, leaving `garden` as it was, when the notes are others, link otherwise, or a changed note
    has a problem from linking (its lines may have moved). `paths`, when given, are the only ones
    whose notes may differ."""
    changed = _changed_notes(garden, before, after, paths)
    if changed is None or any(link_inputs(note) != link_inputs(old) for old, note in changed):
        return False
    for old, note in changed:
        page = garden.pages[old.title]
        page.note = note
        _point_ids(garden.blocks_by_uid, page, page)
        for target, backlinks in _backlinks_from(page, garden.resolved).items():
            garden.backlinks[target][page.title] = backlinks
    return True


@dataclass(frozen=True)
class Relinked:
    """A garden `relink_links` made from another (`before`): the notes whose links changed, each
    with the one it replaced, and the edges of theirs it took out and put in."""

    garden: Garden
    before: Garden
    changed: tuple[tuple[Note, Note], ...]
    removed: tuple[tuple[str, str, str], ...]
    added: tuple[tuple[str, str, str], ...]

    @cached_property
    def titles(self) -> frozenset[str]:
        """The titles of the changed notes (their pages' titles: they keep them)."""
        return frozenset(note.title for _, note in self.changed)


def relink_links(garden: Garden, before: dict[str, Note], after: dict[str, Note], paths: Iterable[str] | None,
                 flavor: str) -> Relinked | None:
    """What `link_notes` makes of the notes `after`, made from `garden`, which it made of the notes
    `before` (both by path below the notes folder) with `flavor` and no publishing rules, when the
    changed notes (only those at `paths`, when given) link otherwise but keep their titles, aliases,
    file links, block ids and tags, and every link of theirs goes, before and after, where a link
    went already, to a page that stays: then no page comes or goes, and only those notes' links,
    backlinks and block ids are new. A new Garden that shares the rest with `garden` (which stays as
    it was), with what changed; None in any other case. In Obsidian and Logseq, also None when a
    changed note names a target no note named before (it may match a note by file name or without
    case), one that matches several notes, or a ghost page that other links spell otherwise."""
    changed = _changed_notes(garden, before, after, paths)

    def goes_to(target: str) -> str | None:
        title = garden.resolved.get(target, target)
        return title if title in garden.pages else None

    if not changed or (flavor != "roam" and not _targets_as_before(garden, changed)) or any(
            _naming(old) != _naming(note) or _ids(old) != _ids(note) or _tagging(old, goes_to) != _tagging(note, goes_to)
            or any(goes_to(ref.target) is None for ref in note.refs) for old, note in changed):
        return None
    pages, backlinks, blocks_by_uid = dict(garden.pages), dict(garden.backlinks), dict(garden.blocks_by_uid)
    edges, starts = garden.edges, garden.edge_starts
    removed: list[tuple[str, str, str]] = []
    added: list[tuple[str, str, str]] = []
    for old, note in changed:
        was = garden.pages[old.title]
        page = pages[note.title] = Page(was.title, was.url, note, was.date)
        _point_ids(blocks_by_uid, was, page)
        made = _backlinks_from(page, garden.resolved)
        for target in {goes_to(ref.target) for ref in old.refs} | made.keys():
            by_source = dict(backlinks.get(target, {}))  # a copy in bulk: the other's stays as it was
            by_source.pop(page.title, None)
            if target in made:
                by_source[page.title] = made[target]
            if by_source:
                backlinks[target] = by_source
            elif pages[target].ghost and target not in garden.tags:  # the ghost page would go
                return None
            else:
                backlinks.pop(target, None)
        links = [(page.title, goes_to(ref.target), ref.kind) for ref in note.refs]
        replaced = _edges_replaced(edges, starts, old, links)
        if replaced is None:
            return None
        edges, starts, gone = replaced
        removed += gone
        added += links
    relinked = dataclasses.replace(garden, pages=pages, edges=edges, backlinks=backlinks, blocks_by_uid=blocks_by_uid,
                                   problems=list(garden.problems))
    relinked.edge_starts = starts
    change = Relinked(relinked, garden, tuple(changed), tuple(removed), tuple(added))
    _carry_orders(garden, relinked, change.titles)
    return change


def _targets_as_before(garden: Garden, changed: list[tuple[Note, Note]]) -> bool:
    """Whether every target the `changed` notes name, before and after, is one some note named when
    `link_notes` made `garden`, matches one note at most, and goes to no ghost page spelled otherwise
    elsewhere: then, in any flavour, it goes where it went, and a ghost page keeps its spelling."""
    targets = garden.targets
    for pair in changed:
        for note in pair:
            for target in [*note.tags, *(ref.target for ref in note.refs)]:
                if (target not in targets.named or target in targets.ambiguous
                        or garden.resolved.get(target, target) in targets.respelled):
                    return False
    return True


def _carry_orders(garden: Garden, relinked: Garden, titles: Iterable[str]) -> None:
    """Give `relinked`, which has `garden`'s pages, titles and tags, with new pages for `titles`,
    what `garden` worked out of them: the tags of each page, and its pages in title order."""
    known = vars(garden)
    if "_tags_by_page" in known:
        relinked._tags_by_page = known["_tags_by_page"]
    if "by_title" in known:
        by_title = relinked.by_title = list(known["by_title"])
        for title in titles:
            by_title[bisect_left(by_title, title, key=attrgetter("title"))] = relinked.pages[title]


def _changed_notes(garden: Garden, before: dict[str, Note], after: dict[str, Note], paths: Iterable[str] | None
                   ) -> list[tuple[Note, Note]] | None:
    """The notes of `after` that are not those of `before` (only at `paths`, when given), each with
    the one it replaced; None when the paths differ, or a changed note has a problem from linking
    in `garden` (its lines may have moved, or it is kept under another title)."""
    if before.keys() != after.keys():
        return None
    changed = [(old, note) for path in (after if paths is None else paths)
               if (old := before[path]) is not (note := after[path])]
    named = {problem.path for problem in garden.problems}
    return None if any(note.display in named for _, note in changed) else changed


def _point_ids(blocks_by_uid: dict[str, tuple[Page, Block]], was: Page, page: Page) -> None:
    """Point the block ids that went to the blocks of the page `was` at those of `page`'s note."""
    for block in page.note.walk():
        if block.uid is not None and blocks_by_uid[block.uid][0] is was:
            blocks_by_uid[block.uid] = (page, block)


def _ids(note: Note) -> tuple:
    """The block ids of a note, with the places of their blocks."""
    return tuple((block.order, block.uid) for block in note.walk() if block.uid is not None)


def _tagging(note: Note, goes_to: Callable[[str], str | None]) -> tuple:
    """The pages a note tags (by its tags, then its tagging links), as `link_notes` counts them."""
    return (tuple(goes_to(tag) for tag in note.tags),
            tuple(dict.fromkeys(goes_to(ref.target) for ref in note.refs if ref.is_tag)))


def _edges_replaced(edges: list[tuple[str, str, str]], starts: dict[str, int], old: Note,
                    links: list[tuple[str, str, str]]
                    ) -> tuple[list[tuple[str, str, str]], dict[str, int], list[tuple[str, str, str]]] | None:
    """`edges` with the links of the note `old` replaced by `links`, where the pages' edges start
    in it then (`Garden.edge_starts`), and the edges replaced: `link_notes` adds a note's edges one
    after another, those of its tags, then those of its links. None when it had none (nothing tells
    where they would go)."""
    if old.title not in starts:
        return None
    start = starts[old.title] + len(old.tags)
    end = start + len(old.refs)
    if len(links) != len(old.refs):
        shift = len(links) - len(old.refs)
        starts = {title: number + shift if number >= end else number for title, number in starts.items()
                  if title != old.title or old.tags or links}  # a note left without edges has no start
    return [*edges[:start], *links, *edges[end:]], starts, edges[start:end]


def _backlinks_from(page: Page, resolved: dict[str, str]) -> dict[str, list[Backlink]]:
    """The backlinks the note of `page` makes, by the title it links to (as `link_notes` makes them)."""
    found: dict[str, list[Backlink]] = {}
    for ref in page.note.refs:
        _add_backlink(found.setdefault(resolved.get(ref.target, ref.target), []), page, ref)
    return found


def _add_backlink(backlinks: list[Backlink], page: Page, ref: Ref) -> None:
    """Add a reference of the note of `page` to the backlinks from that page to its target: one
    backlink a block, with the kinds of its references."""
    if backlinks and backlinks[-1].block is ref.block:
        if ref.kind not in backlinks[-1].kinds:
            backlinks[-1].kinds.append(ref.kind)
    else:
        backlinks.append(Backlink(page, ref.block, [ref.kind]))
