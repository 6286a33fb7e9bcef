"""The notes as a picture: which notes to draw, how linked they are, their tag colour, and where
networkx puts them (seeded, so one garden always gives the same drawing)."""

from __future__ import annotations

import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

import networkx as nx

from garden.graph import Garden, Page, Relinked

MAX_GLOBAL_NODES = 300  # a bigger garden shows its most linked notes: legible, and spring_layout stays cheap
MAX_LOCAL_NODES = 20  # of a page's neighbourhood, the page included
GLOBAL_LABELS = 40  # the most linked notes of the global graph are labelled; the others show their title on hover
TAG_COLOURS = 6  # the most used tags (of two notes or more) get a colour each (style.css: --graph-1 … --graph-6)
SEED = 7
GRAVITY = 0.05  # pull of a hidden centre node linked to every note: keeps islands from drifting to the edges
MIN_RADIUS, MAX_RADIUS = 3.5, 16.0  # of a node, in SVG units: the most linked note of a drawing gets the largest
GLOBAL_SIZE = 1000.0  # the global drawing's longer side, in SVG units
GLOBAL_MARGIN = 40.0
LOCAL_WIDTH, LOCAL_HEIGHT = 600.0, 340.0
LOCAL_MARGIN_X, LOCAL_MARGIN_Y = 170.0, 40.0  # room for the labels beside and above the outer ring
INNER_RING = 1.3  # shell_layout puts the inner of two rings at half the outer one's radius; ours at 0.65

Positions = Mapping[str, Sequence[float]]
CENTRE = ("centre",)  # the hidden node of GRAVITY: no title, for titles are strings


@dataclass(frozen=True)
class PlacedNode:
    """A note where the drawing puts it."""

    page: Page
    x: float
    y: float
    linked_from: int  # how many notes link to it; in a local drawing, how many of the notes it shows
    radius: float
    colour: int  # 1…TAG_COLOURS: the colour of one of its tags; 0: none of those tags
    label: str | None  # where its title goes: "below", "above", "left" or "right" of it; None: not shown


@dataclass(frozen=True, order=True)
class PlacedEdge:
    """A link between two drawn notes (either way, any kind), by their index in `Drawing.nodes`."""

    a: int
    b: int
    uses: bool  # one of the notes builds on the other (`#| uses:`)


@dataclass(frozen=True)
class Drawing:
    """Nodes and edges with coordinates in a `width` × `height` box."""

    nodes: list[PlacedNode]
    edges: list[PlacedEdge]
    width: float
    height: float
    left_out: int = 0  # notes not drawn because the garden is bigger than the cap
    current: str | None = None  # the title of the page a local graph is centred on


class NoteGraph:
    """The shown notes (ghost pages are not drawn) and the links between them, either way, any kind."""

    def __init__(self, garden: Garden, pages: Iterable[Page]) -> None:
        self.garden = garden
        pages = sorted(pages, key=lambda page: page.title)
        self.urls = {page.title: page.url for page in pages}  # of every page shown, ghosts too (for the legend)
        self.notes = {page.title: page for page in pages if not page.ghost}
        self.adjacent: dict[str, set[str]] = {title: set() for title in self.notes}
        self.uses: set[frozenset[str]] = set()  # pairs of notes one of which builds on the other
        self.linking: dict[str, set[str]] = {title: set() for title in self.notes}  # the notes linking to each
        for source, target, kind in garden.edges:
            if source != target and source in self.notes and target in self.notes:
                self.adjacent[source].add(target)
                self.adjacent[target].add(source)
                self.linking[target].add(source)
                if kind == "uses":
                    self.uses.add(frozenset((source, target)))
        self.linked_from = {title: len(sources) for title, sources in self.linking.items()}
        self._sorted_neighbours: dict[str, list[str]] = {}  # `_neighbours`, as asked
        self._rings_of: dict[str, dict[str, int] | None] = {}  # `_rings`, as asked
        # `relinked`: from what (a weak reference: a chain of graphs, each made from the last, would live
        # as long as the newest), with which links (source, target) came or went
        self._made_from: tuple[weakref.ref[NoteGraph], set[tuple[str, str]]] | None = None

    @classmethod
    def relinked(cls, before: NoteGraph, change: Relinked) -> NoteGraph | None:
        """The graph of `change.garden`, made from `before`, the graph of `change.before`, by putting
        in the links of the notes that changed (no note comes or goes); None when one of those is a
        `uses` link (whether the pair it marks is marked otherwise too is not known here)."""
        if any(kind == "uses" for *_, kind in (*change.removed, *change.added)):
            return None
        graph = cls.__new__(cls)
        graph.garden, graph.urls, graph.uses = change.garden, before.urls, before.uses
        graph.notes = before.notes | {title: change.garden.pages[title] for title in change.titles
                                      if title in before.notes}
        graph.adjacent, graph.linking = dict(before.adjacent), dict(before.linking)
        pairs = {(source, target) for source, target, _ in (*change.removed, *change.added)
                 if source != target and source in graph.notes and target in graph.notes}
        now = {(source, target) for source, target, _ in change.added}
        # the sets that change are copies: `before` stays as it was
        graph.linking.update((target, set(graph.linking[target])) for _, target in pairs)
        graph.adjacent.update((title, set(graph.adjacent[title])) for pair in pairs for title in pair)
        for source, target in pairs:
            linking = graph.linking[target]
            linking.add(source) if (source, target) in now else linking.discard(source)
        for source, target in pairs:
            joined = source in graph.linking[target] or target in graph.linking[source]
            for one, other in ((source, target), (target, source)):
                neighbours = graph.adjacent[one]
                neighbours.add(other) if joined else neighbours.discard(other)
        graph.linked_from = before.linked_from | {target: len(graph.linking[target]) for _, target in pairs}
        graph._sorted_neighbours, graph._rings_of = {}, {}
        came_or_went = set(change.removed) ^ set(change.added)
        graph._made_from = weakref.ref(before), {(source, target) for source, target, _ in came_or_went
                                                 if source != target}
        carried = ["colours", "_coloured"]  # of the tags and notes, which stay
        if graph.linked_from == before.linked_from:
            carried += ["_by_rank", "_place", "_drawn"]
        known = vars(before)
        vars(graph).update((name, known[name]) for name in carried if name in known)
        return graph

    def rank(self, title: str) -> tuple[int, str]:
        """Sort key: the most linked notes first, then by title."""
        return -self.linked_from[title], title

    @cached_property
    def colours(self) -> dict[str, int]:
        """The tags most used among the notes, each with its colour number, most used first; a tag of
        one note gets none."""
        counts = {tag: len(self.notes.keys() & members) for tag, members in self.garden.tags.items()}
        ranked = sorted((tag for tag, count in counts.items() if count > 1), key=lambda tag: (-counts[tag], tag))
        return {tag: number for number, tag in enumerate(ranked[:TAG_COLOURS], start=1)}

    @property
    def legend(self) -> list[tuple[str, str | None, int]]:
        """The coloured tags, most used first: (tag, URL of its page or None when it is not shown, colour)."""
        return [(tag, self.urls.get(tag), colour) for tag, colour in self.colours.items()]

    @cached_property
    def _coloured(self) -> dict[str, int]:
        """By note that carries a coloured tag: the colour of its least used one (the one saying most about it)."""
        found: dict[str, int] = {}
        for tag, colour in self.colours.items():  # the most used first: a less used tag's colour replaces it
            found.update((title, colour) for title in self.garden.tags[tag] if title in self.notes)
        return found

    def colour_of(self, title: str) -> int:
        """The colour of the note titled `title` (`_coloured`); 0 for none."""
        return self._coloured.get(title, 0)

    @cached_property
    def _by_rank(self) -> list[str]:
        """The notes' titles, the most linked first (`rank`)."""
        return sorted(self.notes, key=self.rank)

    @cached_property
    def _place(self) -> dict[str, int]:
        """Each note's place in `_by_rank`."""
        return {title: number for number, title in enumerate(self._by_rank)}

    def _neighbours(self, title: str) -> list[str]:
        """The neighbours of the note titled `title`, the most linked first (worked out once a note,
        when a local graph first asks)."""
        found = self._sorted_neighbours.get(title)
        if found is None:
            found = self._sorted_neighbours[title] = sorted(self.adjacent[title], key=self._place.__getitem__)
        return found

    @cached_property
    def global_drawing(self) -> Drawing:
        """The most linked notes (all, up to MAX_GLOBAL_NODES) and the links between them, laid out by
        spring_layout."""
        drawn = self._drawn
        edges = self._edges(drawn)
        positions = dict(_spring_positions(tuple(drawn), tuple(edges)))
        labels = {title: "below" for title in sorted(drawn, key=self.rank)[:GLOBAL_LABELS]}
        return self._drawing(drawn, edges, positions, _fit_square(positions), labels, self.linked_from,
                             left_out=len(self.notes) - len(drawn))

    def _rings(self, title: str) -> dict[str, int] | None:
        """The notes within two links of the page titled `title` (the most linked chosen first, at most
        MAX_LOCAL_NODES), in ring order: the page (ring 0), its neighbours (1) by title, theirs (2) by
        the neighbour that brought them in, then by title, so that the outer ring lines up with the
        inner one, and a link elsewhere that changes only which chosen note is the more linked moves
        none of them. None when the page links with no other note. Worked out once a note."""
        if title not in self._rings_of:
            self._rings_of[title] = self._rings_anew(title)
        return self._rings_of[title]

    def _rings_anew(self, title: str) -> dict[str, int] | None:
        if title not in self.notes or not self.adjacent[title]:
            return None
        first = self._neighbours(title)[:MAX_LOCAL_NODES - 1]
        chosen = {title, *first}
        brought: dict[str, list[str]] = {neighbour: [] for neighbour in first}
        for neighbour in first:
            if len(chosen) == MAX_LOCAL_NODES:
                break
            for further in self._neighbours(neighbour)[:MAX_LOCAL_NODES]:
                if further not in chosen:
                    chosen.add(further)
                    brought[neighbour].append(further)
                    if len(chosen) == MAX_LOCAL_NODES:
                        break
        inner = sorted(first)
        return {title: 0} | dict.fromkeys(inner, 1) | {further: 2 for neighbour in inner
                                                       for further in sorted(brought[neighbour])}

    def _material(self, titles: Iterable[str], edges: Iterable[tuple[str, str]], counts: Mapping[str, int]) -> tuple:
        """What a drawing of the notes `titles`, sized by `counts`, and the links `edges` is made from, as plain data."""
        notes = tuple((title, self.notes[title].url, counts[title], self.colour_of(title)) for title in titles)
        return notes, tuple((a, b, frozenset((a, b)) in self.uses) for a, b in edges)

    def _linked_within(self, ring: Mapping[str, int]) -> dict[str, int]:
        """By note of `ring`: how many of its other notes link to it (what a local drawing sizes by)."""
        return {title: len(self.linking[title].intersection(ring)) for title in ring}

    def near_changes(self, before: NoteGraph) -> set[str]:
        """The notes whose local drawing may differ from the one `before` gave.

        A drawing reads its rings (which `_rings` chooses from the first MAX_LOCAL_NODES neighbours
        of the page and of its neighbours, the most linked first), and of the notes in them their
        presence, URL, colour and the links among them. So it may differ only for a page
        - within two links, in either graph, of a note whose presence, URL or colour differs, or that
          builds on another or is built on otherwise;
        - within two links of both notes of a link that came or went (to draw it, the rings hold both);
        - that is, or neighbours, a note whose first neighbours differ (a link count that changed can
          reorder them, and a neighbour that came or went, as a note becomes a ghost page or one
          again, while the links to it stay).
        Of those, a drawing is the same when its rings are, in the same order, and hold none of the
        notes of the first kind nor both notes of such a link."""
        if self._made_from is not None and self._made_from[0]() is before:
            links = self._made_from[1]
        else:
            links = {(source, target) for source, target, _ in set(self.garden.edges) ^ set(before.garden.edges)
                     if source != target}
        moved = self.notes.keys() ^ before.notes.keys()
        if self.urls is not before.urls:
            moved |= {title for title, _ in self.urls.items() ^ before.urls.items()}
        if self._coloured is not before._coloured:
            moved |= {title for title, _ in self._coloured.items() ^ before._coloured.items()}
        moved |= {title for pair in self.uses ^ before.uses for title in pair}
        near = self._within(moved, before, 2)
        for pair in links:  # the end with fewer neighbours: its surroundings are the smaller
            near |= self._within({min(pair, key=lambda title: self._degree(title) + before._degree(title))}, before, 2)
        ends = {title for pair in links for title in pair} | moved  # a note that comes or goes leaves its links
        reordered = {title for title in self._within(ends, before, 1) if self._first(title) != before._first(title)}
        near |= self._within(reordered, before, 1)
        return {title for title in near if self._differs(title, before, moved, links, reordered)}

    def _degree(self, title: str) -> int:
        return len(self.adjacent.get(title, ()))

    def _within(self, titles: set[str], other: NoteGraph, steps: int) -> set[str]:
        """`titles` and the notes within `steps` links of them, in this graph or in `other`."""
        found = set(titles)
        for graph in (self, other):
            ring = titles
            for _ in range(steps):
                ring = {neighbour for title in ring for neighbour in graph.adjacent.get(title, ())}
                found |= ring
        return found

    def _first(self, title: str) -> list[str] | None:
        """The neighbours `_rings` may choose from, of the note titled `title` (None: no such note)."""
        return self._neighbours(title)[:MAX_LOCAL_NODES] if title in self.notes else None

    def _differs(self, title: str, before: NoteGraph, moved: set[str], links: set[tuple[str, str]],
                 reordered: set[str]) -> bool:
        """Whether the page titled `title` has other rings than in `before` (or the same in another
        order), or rings that hold a note of `moved` or both notes of one of `links`. Its rings are
        the same when neither it nor its first neighbours are `reordered` (notes whose first
        neighbours differ, `_first`), and it is no note of `moved`: then worked out once."""
        if title in reordered or title in moved or not reordered.isdisjoint(before._first(title) or ()):
            ring, was = self._rings(title), before._rings(title)
        else:
            ring = was = self._rings_of[title] = before._rings(title)
        if ring is None or was is None:
            return ring is not was
        return (list(ring.items()) != list(was.items()) or not moved.isdisjoint(ring)
                or any(source in ring and target in ring for source, target in links))

    def local_material(self, title: str) -> tuple | None:
        """What the local drawing of the page titled `title` is made from (its rings, their notes and
        links), as plain data: equal material, equal drawing. Cheaper than the drawing: no layout."""
        ring = self._rings(title)
        if ring is None:
            return None
        return tuple(ring.items()), self._material(ring, self._ring_edges(ring), self._linked_within(ring))

    def global_material(self) -> tuple:
        """What the global drawing and its legend are made from, as plain data (see `local_material`)."""
        drawn = self._drawn
        return self._material(drawn, self._edges(drawn), self.linked_from), len(self.notes), tuple(self.legend)

    @cached_property
    def _drawn(self) -> list[str]:
        """The notes the global drawing shows, by title: the most linked, up to MAX_GLOBAL_NODES."""
        return sorted(self._by_rank[:MAX_GLOBAL_NODES])

    def _ring_edges(self, ring: dict[str, int]) -> list[tuple[str, str]]:
        """The links from one ring to the next (links within a ring would cross the drawing)."""
        return [(a, b) for a, b in self._edges(sorted(ring)) if ring[a] != ring[b]]

    def local_drawing(self, page: Page) -> Drawing | None:
        """The page's notes within two links (the most linked first, at most MAX_LOCAL_NODES): the page
        in the middle, a ring of its neighbours around it, one of theirs further out, and the links
        from one ring to the next (links within a ring would cross the drawing), each note sized by how
        many of the others link to it. None when the page links with no other note."""
        ring = self._rings(page.title)
        if ring is None:
            return None
        shells = [[title for title, number in ring.items() if number == shell] for shell in range(3)]
        # rotate: each ring starts that much further round than the one inside it, so the outer ring's
        # nodes sit between the inner ring's rather than behind them
        layout = nx.shell_layout(list(ring), nlist=[shell for shell in shells if shell],
                                 rotate=math.pi / len(shells[2]) if shells[2] else 0.0)
        stretch = {title: INNER_RING if shells[2] and ring[title] == 1 else 1.0 for title in ring}
        positions = {title: [coordinate * stretch[title] for coordinate in position.tolist()]
                     for title, position in layout.items()}
        titles = sorted(ring)
        edges = self._ring_edges(ring)
        labels = {page.title: "below"} | {title: _outward(positions[title]) for title in shells[1]}
        return self._drawing(titles, edges, positions, _fill_box(positions), labels, self._linked_within(ring),
                             current=page.title)

    def _edges(self, titles: list[str]) -> list[tuple[str, str]]:
        """The links among `titles`, each pair once, sorted."""
        chosen = set(titles)
        return sorted((a, b) for a in titles for b in self.adjacent[a] & chosen if a < b)

    def _drawing(self, titles: list[str], edges: Iterable[tuple[str, str]], positions: Positions,
                 place: Placement, labels: dict[str, str], counts: Mapping[str, int], left_out: int = 0,
                 current: str | None = None) -> Drawing:
        """The notes `titles` (in this order) at `positions`, sized by how many notes link to each
        (`counts`), with the links `edges` between them and the titles of the notes in `labels` on the
        side it names."""
        index = {title: number for number, title in enumerate(titles)}
        most = max((counts[title] for title in titles), default=0) or 1
        nodes = [PlacedNode(self.notes[title], *place.point(positions[title]), counts[title],
                            _radius(counts[title] / most), self.colour_of(title), labels.get(title))
                 for title in titles]
        placed = sorted(PlacedEdge(*sorted((index[a], index[b])), frozenset((a, b)) in self.uses) for a, b in edges)
        return Drawing(nodes, placed, place.width, place.height, left_out, current)


@lru_cache(maxsize=2)
def _spring_positions(drawn: tuple[str, ...], edges: tuple[tuple[str, str], ...]
                      ) -> tuple[tuple[str, tuple[float, ...]], ...]:
    """Where spring_layout puts the notes `drawn` linked by `edges` (and the hidden centre): the same
    for the same notes and links, so a build whose global drawing differs only in link counts or
    colours (most link edits) lays it out once per process rather than again."""
    graph = nx.Graph()
    graph.add_nodes_from(drawn)
    graph.add_edges_from(edges)
    graph.add_edges_from(((CENTRE, title) for title in drawn), weight=GRAVITY)
    layout = nx.spring_layout(graph, seed=SEED)
    return tuple((title, tuple(layout[title].tolist())) for title in drawn)


def _outward(position: Sequence[float]) -> str:
    """The side of a node on a ring (centred on 0) away from the centre: left or right, except near the
    top and the bottom, where labels beside the nodes would run into each other."""
    x, y = position
    if abs(x) >= 0.3 * math.hypot(x, y):
        return "right" if x > 0 else "left"
    return "above" if y < 0 else "below"


def _radius(share: float) -> float:
    """A node's radius for its share (0…1) of the most links any note of the drawing has, rounded to 0.1."""
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(share), 1)


@dataclass(frozen=True)
class Placement:
    """Maps layout coordinates around (`centre_x`, `centre_y`) into a `width` × `height` box, rounded to 0.1."""

    centre_x: float
    centre_y: float
    scale_x: float
    scale_y: float
    width: float
    height: float

    def point(self, position: Sequence[float]) -> tuple[float, float]:
        """Where a layout position goes in the box."""
        x = self.width / 2 + (position[0] - self.centre_x) * self.scale_x
        y = self.height / 2 + (position[1] - self.centre_y) * self.scale_y
        return round(x, 1), round(y, 1)


def _fit_square(positions: Positions) -> Placement:
    """A placement keeping the layout's proportions, its longer side GLOBAL_SIZE with the margins."""
    xs = [position[0] for position in positions.values()] or [0.0]
    ys = [position[1] for position in positions.values()] or [0.0]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    scale = (GLOBAL_SIZE - 2 * GLOBAL_MARGIN) / (max(span_x, span_y) or 1.0)
    return Placement((max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2, scale, scale,
                     round(span_x * scale + 2 * GLOBAL_MARGIN, 1), round(span_y * scale + 2 * GLOBAL_MARGIN, 1))


def _fill_box(positions: Positions) -> Placement:
    """A placement stretching shell_layout's rings (centred on 0) over the local graph's box."""
    radius = max(abs(coordinate) for position in positions.values() for coordinate in position) or 1.0
    return Placement(0.0, 0.0, (LOCAL_WIDTH / 2 - LOCAL_MARGIN_X) / radius,
                     (LOCAL_HEIGHT / 2 - LOCAL_MARGIN_Y) / radius, LOCAL_WIDTH, LOCAL_HEIGHT)
