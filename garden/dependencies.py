"""`#| uses: [[Note]]`: the knowledge graph as the dependency graph of the notes' code."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from garden.graph import Garden
from garden.model import CodeBlock, Note

@dataclass
class Dependencies:
    """For each note with code, and each note they build on: the notes it builds on (closure,
    dependencies first), and errors."""

    upstream: dict[str, list[Note]] = field(default_factory=dict)
    errors: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # note -> (block line, message)


def _cycle_through(graph: nx.DiGraph, title: str) -> list[str] | None:
    try:
        edges = nx.find_cycle(graph, title)
    except nx.NetworkXNoCycle:
        return None
    members = [source for source, _ in edges]
    return members if title in members else None


def resolve_dependencies(garden: Garden, notes: list[Note]) -> Dependencies:
    """Check every `uses` of `notes` (and what they use) and order what each note builds on."""
    graph = nx.DiGraph()
    direct: dict[str, list[tuple[CodeBlock, str]]] = {}
    pending = list(notes)
    seen: set[str] = set()
    while pending:
        note = pending.pop()
        if note.title in seen:
            continue
        seen.add(note.title)
        graph.add_node(note.title, note=note)
        for code in note.code:
            for title in code.uses:
                direct.setdefault(note.title, []).append((code, title))
                page = garden.page(title)
                if page is not None and page.note is not None:
                    graph.add_edge(note.title, page.title)
                    pending.append(page.note)
    result = Dependencies()
    broken: dict[str, str] = {}
    for title, declared in direct.items():
        note = graph.nodes[title]["note"]
        for code, used in declared:
            page = garden.page(used)
            if page is None:
                message = f"uses [[{used}]], which is not published; a published note builds only on published notes"
            elif page.note is None:
                message = f"uses [[{used}]], which has no note (a ghost page)"
            elif (cycle := _cycle_through(graph, title)) is not None:
                message = "uses form a cycle: " + " → ".join([*cycle, cycle[0]])
            else:
                continue
            result.errors.setdefault(note.display, []).append((code.line, message))
            broken[title] = message
    for title in graph.nodes:
        note = graph.nodes[title]["note"]
        if note.display in result.errors or not graph.succ[title]:  # most notes use none
            continue
        upstream = nx.descendants(graph, note.title)
        failing = sorted(title for title in upstream if title in broken)
        if failing:
            line = next(code.line for code in note.code if code.uses)
            result.errors[note.display] = [(line, f"uses [[{failing[0]}]], whose own uses are broken: "
                                                  f"{broken[failing[0]]}")]
            continue
        order = [title for title in reversed(list(nx.topological_sort(graph.subgraph(upstream))))]
        if order:
            result.upstream[note.display] = [graph.nodes[title]["note"] for title in order]
    return result
