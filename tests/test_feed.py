"""`feed.xml`: an Atom feed of the notes that changed last, valid Atom with and without `base_url`,
dated by `Updates::` daily notes, front matter or the file's time; and the dates front matter gives."""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpers import load_graph, make_garden, read_html, run_garden

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def read_feed(site: Path) -> ET.Element:
    """The parsed feed, checked against what RFC 4287 requires of a feed and its entries."""
    feed = ET.fromstring((site / "feed.xml").read_bytes())
    assert feed.tag == f"{ATOM}feed"
    for element in (feed, *feed.iter(f"{ATOM}entry")):
        for required in ("id", "title", "updated"):
            assert len(element.findall(f"{ATOM}{required}")) == 1, f"{required} of {element.tag}"
        assert RFC3339.match(element.findtext(f"{ATOM}updated"))
        assert urlsplit(element.findtext(f"{ATOM}id")).scheme, "ids are absolute IRIs"
    assert feed.find(f"{ATOM}author/{ATOM}name").text, "a feed whose entries have no author has one"
    for entry in feed.iter(f"{ATOM}entry"):
        assert [link.get("rel") for link in entry.findall(f"{ATOM}link")] == ["alternate"], "entries without content"
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
    assert len(set(ids)) == len(ids)
    return feed


def entries(feed: ET.Element) -> list[tuple[str, str]]:
    """(title, updated) of each entry, in order."""
    return [(entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}updated")) for entry in feed.iter(f"{ATOM}entry")]


def link_of(entry: ET.Element) -> str:
    return entry.find(f"{ATOM}link").get("href")


def test_the_shipped_feed_lists_notes_newest_first(shipped_site):
    feed = read_feed(shipped_site)
    listed = entries(feed)
    notes = [node for node in load_graph(shipped_site)["nodes"] if not node["ghost"]]
    assert len(listed) == len(notes) == 17
    assert [updated for _, updated in listed] == sorted((updated for _, updated in listed), reverse=True)
    assert listed[0] == ("Handwritten Digits", "2021-05-20T00:00:00Z"), "the latest daily note under its Updates::"
    assert ("Training Data", "2021-05-12T00:00:00Z") in listed
    assert ("Neural Network", "2021-04-16T00:00:00Z") in listed
    assert ("April 16th, 2021", "2021-04-16T00:00:00Z") in listed, "a daily note without Updates:: is of its day"
    assert feed.findtext(f"{ATOM}updated") == listed[0][1]
    for entry in feed.iter(f"{ATOM}entry"):
        assert entry.findtext(f"{ATOM}id").startswith("urn:uuid:")
        href = link_of(entry)
        assert not urlsplit(href).scheme and not href.startswith("/"), "relative: the feed works at any address"
        page = read_html(shipped_site / unquote(href))
        assert page.find("h1").text() == entry.findtext(f"{ATOM}title")
        description = next(el.get("content") for el in page.find_all("meta") if el.get("name") == "description")
        assert entry.findtext(f"{ATOM}summary") == description


def test_every_page_names_the_feed(shipped_site):
    for path in [*shipped_site.glob("*.html")]:
        links = [link for link in read_html(path).find("head").find_all("link")
                 if link.get("rel") == "alternate" and link.get("type") == "application/atom+xml"]
        assert len(links) == 1 and (path.parent / links[0].get("href")).resolve() == shipped_site / "feed.xml"


def test_ids_stay_from_build_to_build(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n", "B/C.md": "- c\n"})
    run_garden(root, "build", "--no-exec")
    first = (root / "site" / "feed.xml").read_text(encoding="utf-8")
    run_garden(root, "build", "--no-exec")
    assert (root / "site" / "feed.xml").read_text(encoding="utf-8") == first
    ids = re.findall(r"<id>urn:uuid:([0-9a-f-]+)</id>", first)
    assert len(ids) == 3 and all(uuid.UUID(value).version == 5 for value in ids)
    assert 'href="b/c.html"' in first


def test_base_url_makes_every_address_absolute(tmp_path):
    root = make_garden(tmp_path, {"Über Notes.md": "- first\n", "A/B.md": "- nested\n"},
                       'title = "Mine"\nbase_url = "https://example.org/garden"\n')
    assert run_garden(root, "build", "--no-exec").returncode == 0
    feed = read_feed(root / "site")
    assert feed.findtext(f"{ATOM}id") == "https://example.org/garden/"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links == {"alternate": "https://example.org/garden/", "self": "https://example.org/garden/feed.xml"}
    by_title = {entry.findtext(f"{ATOM}title"): entry for entry in feed.iter(f"{ATOM}entry")}
    assert link_of(by_title["Über Notes"]) == by_title["Über Notes"].findtext(f"{ATOM}id") == \
        "https://example.org/garden/%C3%BCber-notes.html"
    assert link_of(by_title["A/B"]) == "https://example.org/garden/a/b.html"


def test_dates_come_from_updates_then_front_matter_then_the_day_then_the_file(tmp_path):
    notes = {
        "Logged.md": "---\nupdated: 2030-01-01\n---\n- Updates::\n    - [[May 2nd, 2021]]: first\n"
                     "        - [[June 9th, 2022]]: second\n- [[July 1st, 2029]] is no update\n",
        "Inline.md": "- Updates:: [[March 3rd, 2020]], [[March 4th, 2020]]\n- Tags:: [[June 1st, 2025]]\n",
        "Headed.md": "---\ndate: 2019-05-06\nupdated: 2023-02-03T04:05:06+02:00\n---\n- text\n",
        "Imported.md": "---\ncreated: 2018-01-01T00:00:00Z\nedited: '2018-02-03T10:20:30Z'\n---\n- from Roam\n",
        "Titled.md": "---\nmodified: August 9th, 2017\n---\n- text\n",
        "March 5th, 2016.md": "- a daily note\n",
        "Plain.md": "- nothing but the file\n",
    }
    root = make_garden(tmp_path, notes)
    os.utime(root / "notes" / "Plain.md", (1_000_000_000, 1_000_000_000))  # 2001-09-09T01:46:40Z
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert entries(read_feed(root / "site")) == [
        ("Headed", "2023-02-03T02:05:06Z"),
        ("Logged", "2022-06-09T00:00:00Z"),
        ("Inline", "2020-03-04T00:00:00Z"),
        ("Imported", "2018-02-03T10:20:30Z"),
        ("Titled", "2017-08-09T00:00:00Z"),
        ("March 5th, 2016", "2016-03-05T00:00:00Z"),
        ("Plain", "2001-09-09T01:46:40Z"),
    ]


def test_a_date_that_is_none_is_a_warning_and_the_note_builds(tmp_path):
    notes = {"Bad.md": "---\ntitle: Bad\ndate: 2021-13-45\nupdated: soon\n---\n- still here\n",
             "Odd.md": "---\nupdated: [1, 2]\nmodified: 2020-02-02\n---\n- text\n"}
    root = make_garden(tmp_path, notes)
    os.utime(root / "notes" / "Bad.md", (1_000_000_000, 1_000_000_000))
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0
    assert proc.stderr.splitlines() == [
        "notes/Bad.md:3: date should be a date such as 2021-04-16, not '2021-13-45'; ignored",
        "notes/Bad.md:4: updated should be a date such as 2021-04-16, not 'soon'; ignored",
        "notes/Odd.md:2: updated should be a date such as 2021-04-16, not '[1, 2]'; ignored",
    ]
    assert read_html(root / "site" / "bad.html").find("li").text() == "still here"
    assert entries(read_feed(root / "site")) == [("Odd", "2020-02-02T00:00:00Z"), ("Bad", "2001-09-09T01:46:40Z")]


def test_the_feed_has_the_twenty_notes_that_changed_last(tmp_path):
    day = dt.date(2021, 1, 1)
    notes = {f"N{i:02}.md": f"---\nupdated: {day + dt.timedelta(days=i)}\n---\n- note {i}\n" for i in range(25)}
    root = make_garden(tmp_path, notes)
    assert run_garden(root, "build", "--no-exec").returncode == 0
    assert [title for title, _ in entries(read_feed(root / "site"))] == [f"N{i:02}" for i in range(24, 4, -1)]


def test_everything_in_the_feed_is_escaped(tmp_path):
    title = 'Fish & <Chips> "quoted" \'single\' ]]> \x07bell'
    written = r'Fish & <Chips> \"quoted\" ' + "'single' ]]> " + r"\abell"  # YAML's escapes \" and \a (BEL)
    notes = {"Odd.md": f'---\ntitle: "{written}"\n---\n- <b>bold</b> & `</summary><script>x</script>` \x01 ]]>\n'}
    root = make_garden(tmp_path, notes, 'title = "A & B <garden>"\n')
    assert run_garden(root, "build", "--no-exec").returncode == 0
    feed = read_feed(root / "site")
    assert feed.findtext(f"{ATOM}title") == "A & B <garden>"
    (entry,) = feed.iter(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == title.replace("\x07", "\ufffd")
    summary = entry.findtext(f"{ATOM}summary")
    assert "</summary><script>x</script>" in summary and "\x01" not in summary
