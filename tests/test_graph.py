"""The Garden: backlinks with their block and breadcrumb, ghosts, self-references, tags, dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from garden.graph import Garden, link_notes
from garden.notes import Source, parse_note
from garden.syntax import make_parser


def garden_of(**notes: str) -> Garden:
    """A garden from title=text pairs (use `__` in a keyword for `/`)."""
    md = make_parser()
    parsed = []
    for key, text in notes.items():
        title = key.replace("__", "/").replace("_", " ")
        source = Source(Path(f"/g/notes/{title}.md"), f"notes/{title}.md", f"{title}.md", text)
        parsed.append(parse_note(source, md)[0])
    return link_notes(parsed)


def test_backlink_keeps_the_referring_block_and_its_breadcrumb():
    garden = garden_of(
        Neuron="- Basics\n    - Inputs\n        - A neuron feeds a [[Neural Network]].\n",
        Neural_Network="- stub\n",
    )
    (backlink,) = garden.backlinks["Neural Network"]["Neuron"]
    assert backlink.block.text == "A neuron feeds a [[Neural Network]]."
    assert [block.text for block in backlink.breadcrumb] == ["Basics", "Inputs"]
    assert backlink.kinds == ["link"]


def test_two_links_in_one_block_are_one_backlink():
    garden = garden_of(A="- [[B]] and again [[B]] and #B\n", B="- b\n")
    (backlink,) = garden.backlinks["B"]["A"]
    assert backlink.kinds == ["link", "tag"]


def test_link_to_a_missing_page_makes_a_ghost_with_backlinks():
    garden = garden_of(A="- see [[Nowhere]]\n")
    ghost = garden.pages["Nowhere"]
    assert ghost.ghost and ghost.url == "nowhere.html"
    assert list(garden.backlinks["Nowhere"]) == ["A"]
    assert not garden.pages["A"].ghost


def test_self_references_count_as_backlinks():
    garden = garden_of(Neural_Network="- What is a [[Neural Network]]?\n    - A [[Neural Network]] is...\n")
    blocks = [backlink.block.text for backlink in garden.backlinks["Neural Network"]["Neural Network"]]
    assert blocks == ["What is a [[Neural Network]]?", "A [[Neural Network]] is..."]


def test_tags_come_from_hashtags_tags_attribute_and_front_matter():
    garden = garden_of(
        A="- Tags:: [[concept]], [[draft]]\n- Other:: [[not a tag]]\n",
        B="- about #concept\n",
        C="---\ntags: [concept, reviewed]\n---\n- text\n",
        D="- mentions [[concept]] without tagging\n",
    )
    assert sorted(garden.tags["concept"]) == ["A", "B", "C"]
    assert garden.tags["draft"] == ["A"]
    assert "not a tag" not in garden.tags
    assert garden.tags_of("C") == ["concept", "reviewed"]
    assert set(garden.backlinks["concept"]) == {"A", "B", "D"}


def test_daily_notes_are_dated_and_ordered_newest_first():
    garden = garden_of(**{
        "April 16th, 2021": "- wrote [[Neuron]]\n",
        "Neuron": "- Updates::\n    - [[May 1st, 2021]]: edited\n    - [[February 30th, 2021]]: not a date\n",
    })
    assert garden.pages["April 16th, 2021"].date == dt.date(2021, 4, 16)
    assert garden.pages["May 1st, 2021"].date == dt.date(2021, 5, 1)
    assert garden.pages["February 30th, 2021"].date is None
    assert [page.title for page in garden.daily_pages()] == ["May 1st, 2021", "April 16th, 2021"]


def test_front_matter_title_and_aliases_resolve_links():
    garden = garden_of(nn="---\ntitle: Neural Network\naliases: [NN, Neural Net]\n---\n- body\n",
                       B="- see [[NN]]\n")
    assert "Neural Network" in garden.pages and "nn" not in garden.pages
    assert list(garden.backlinks["Neural Network"]) == ["B"]
    assert garden.page("Neural Net").title == "Neural Network"


def test_namespaced_titles_live_in_a_folder_url():
    garden = garden_of(Topic__Sub_Page="- child of [[Topic]]\n")
    assert garden.pages["Topic/Sub Page"].url == "topic/sub-page.html"


def test_titles_that_share_a_url_both_get_pages():
    garden = garden_of(Neural_Network="- a\n", **{"neural network": "- b\n"})
    urls = {garden.pages["Neural Network"].url, garden.pages["neural network"].url}
    assert urls == {"neural-network.html", "neural-network-2.html"}
    assert any("clashes" in problem.message for problem in garden.problems)


def test_graph_edges_carry_their_kind():
    garden = garden_of(A="- Tags:: [[concept]]\n- {{embed: [[B]]}}\n", B="- b\n")
    kinds = set(garden.edges)
    assert kinds == {("A", "Tags", "attribute"), ("A", "concept", "link"), ("A", "B", "embed")}


def test_front_matter_tags_get_pages_and_edges():
    garden = garden_of(A="---\ntags: [fresh]\n---\n- body\n")
    assert garden.pages["fresh"].ghost and garden.pages["fresh"].url == "fresh.html"
    assert ("A", "fresh", "tag") in set(garden.edges)


def test_empty_front_matter_keeps_line_numbers():
    md = make_parser()
    source = Source(Path("/g/notes/E.md"), "notes/E.md", "E.md", "---\n---\n- one\n- two [[x\n")
    note, problems = parse_note(source, md)
    assert [block.line for block in note.blocks] == [3, 4]
    assert [problem.line for problem in problems] == [4]


def test_linking_reads_the_parsed_notes_without_changing_them():
    """A build keeps parsed notes and links them again: two notes sharing a title are linked the
    same way every time, and the parsed notes keep the title they were parsed with."""
    md = make_parser()
    notes = [parse_note(Source(Path(f"/g/notes/{path}"), f"notes/{path}", path, "---\ntitle: Same\n---\n- x\n"), md)[0]
             for path in ("a/One.md", "Two.md")]
    first, second = link_notes(notes), link_notes(notes)
    assert sorted(first.pages) == sorted(second.pages) == ["Same", "a/One"]
    assert first.pages["a/One"].note.source.relative == "a/One.md"
    assert [note.title for note in notes] == ["Same", "Same"]
