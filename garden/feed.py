"""`feed.xml`: an Atom feed (RFC 4287) of the notes that changed last.

When a note changed is, in this order: the latest daily note linked in its `Updates::` attribute
(in the attribute's block or the blocks under it, as the shipped notes keep their change log),
else the latest date its front matter gives (`updated`, `modified`, `edited`, `date`, `created`),
else, for a daily note, its own day, else its file's modification time (which a fresh checkout sets
to the time of the checkout: the least telling of the four).

Atom wants every id to be an absolute IRI. With `base_url` set, ids and links are the pages'
published addresses. Without it the site may be served anywhere, so links are relative
references, which feed readers resolve against the address they fetched the feed from (it sits
at the site's root, as the pages' own links do), and ids are `urn:uuid:` names derived from the
site's title and the page's path: stable from build to build, absolute, and valid Atom.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
import uuid
from collections.abc import Callable, Iterable
from xml.etree import ElementTree as ET

from garden.config import Config
from garden.graph import Garden, Page
from garden.urls import published_url, relative_href

FEED = "feed.xml"
FEED_ENTRIES = 20
ATOM = "http://www.w3.org/2005/Atom"
UPDATES = "updates"  # the attribute whose daily-note links date a note's changes (`Updates::`)
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")  # characters XML 1.0 cannot hold
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def updates_date(garden: Garden, page: Page) -> dt.date | None:
    """The latest daily note linked in the page's `Updates::` attribute, or under it."""
    note = page.note
    if note is None:
        return None
    heads = [ref.block for ref in note.refs if ref.kind == "attribute" and ref.target.casefold() == UPDATES]
    below = {id(block) for head in heads for block in head.walk() if block is not head}
    dates = []
    for ref in note.refs:
        if ref.kind == "attribute" or not ((ref.attribute or "").casefold() == UPDATES or id(ref.block) in below):
            continue
        linked = garden.page(ref.target)
        if linked is not None and linked.date is not None:
            dates.append(linked.date)
    return max(dates, default=None)


def noted_change(page: Page, updated: dt.date | None) -> dt.datetime | None:
    """When the note of `page` says it last changed (see the module's doc): the day of its
    `updates_date` (`updated`), else its front matter's latest date, else a daily note's own day;
    None when it says nothing (then its file's time counts) and for ghost pages."""
    if page.note is None:
        return None
    if updated is not None:
        return dt.datetime.combine(updated, dt.time(), dt.UTC)
    if page.note.dates:
        return max(page.note.dates.values())
    if page.date is not None:
        return dt.datetime.combine(page.date, dt.time(), dt.UTC)
    return None


def file_time(page: Page) -> dt.datetime | None:
    """The modification time of the note file of `page`, as a UTC time; None if it cannot be read."""
    try:
        return dt.datetime.fromtimestamp(int(page.note.source.path.stat().st_mtime), dt.UTC)
    except (OSError, OverflowError, ValueError):
        return None


def last_change(garden: Garden, page: Page) -> dt.datetime | None:
    """When the page's note last changed (see the module's doc), as a UTC time; None for ghost pages."""
    if page.note is None:
        return None
    return noted_change(page, updates_date(garden, page)) or file_time(page)


def _text(value: str) -> str:
    """`value` without the characters XML cannot carry (control characters, lone surrogates)."""
    return NOT_XML.sub("\ufffd", value)


def _time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _id(config: Config, path: str) -> str:
    if config.base_url:
        return published_url(config.base_url, path)
    return uuid.uuid5(uuid.NAMESPACE_URL, f"garden:{config.title}:{path}").urn


def _href(config: Config, path: str) -> str:
    return published_url(config.base_url, path) if config.base_url else relative_href(FEED, path) or "./"


Dated = tuple[float, dt.datetime, Page]  # a page with when its note changed, and that time's timestamp


def latest_of(pages: Iterable[Page], changed_at: Callable[[Page], dt.datetime | None]) -> list[Dated]:
    """The FEED_ENTRIES of `pages` that changed last (`changed_at`), newest first."""
    dated = [(moment.timestamp(), moment, page) for page in pages if (moment := changed_at(page)) is not None]
    if len(dated) > FEED_ENTRIES:  # only the latest are ordered in full (with those as late as the last of them)
        cutoff = heapq.nlargest(FEED_ENTRIES, [stamp for stamp, _, _ in dated])[-1]
        dated = [item for item in dated if item[0] >= cutoff]
    dated.sort(key=_newest_first)
    return dated[:FEED_ENTRIES]


def latest_after(latest: list[Dated], moved: list[Page], changed_at: Callable[[Page], dt.datetime | None]
                 ) -> list[Dated] | None:
    """`latest_of` the pages `latest` was worked out from, once the pages `moved` have other notes
    (their times are worked out again, the others' are as they were): None when `latest` cannot
    tell, as when a page left it and one outside it may take its place."""
    if len(latest) < FEED_ENTRIES:  # every dated page is in it: whether one left is not known
        return None
    titles = {page.title for page in moved}
    candidates = [item for item in latest if item[2].title not in titles] + latest_of(moved, changed_at)
    last = _newest_first(latest[-1])  # every page outside `latest` comes after it
    if sum(_newest_first(item) <= last for item in candidates) < FEED_ENTRIES:
        return None
    return sorted(candidates, key=_newest_first)[:FEED_ENTRIES]


def _newest_first(item: Dated) -> tuple[float, str, str]:
    return -item[0], item[2].title.casefold(), item[2].title


def feed_xml(recent: list[tuple[dt.datetime, Page]], config: Config, describe: Callable[[Page], str]) -> str:
    """The feed of the `recent` notes (`latest_of`); `describe` gives each entry's summary
    (the page's meta description)."""

    def child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
        element = ET.SubElement(parent, tag, {key: _text(value) for key, value in attributes.items()})
        element.text = None if text is None else _text(text)
        return element

    feed = ET.Element("feed", xmlns=ATOM)
    child(feed, "title", config.title, type="text")
    child(feed, "id", _id(config, ""))
    child(feed, "updated", _time(recent[0][0] if recent else EPOCH))
    child(feed, "link", rel="alternate", type="text/html", href=_href(config, ""))
    if config.base_url:
        child(feed, "link", rel="self", type="application/atom+xml", href=_href(config, FEED))
    child(child(feed, "author"), "name", config.title)
    child(feed, "generator", "garden")
    for moment, page in recent:
        entry = child(feed, "entry")
        child(entry, "title", page.title, type="text")
        child(entry, "id", _id(config, page.url))
        child(entry, "link", rel="alternate", type="text/html", href=_href(config, page.url))
        child(entry, "updated", _time(moment))
        summary = describe(page)
        if summary:
            child(entry, "summary", summary, type="text")
    ET.indent(feed, space=" ")
    return ET.tostring(feed, encoding="unicode").join(
        ('<?xml version="1.0" encoding="utf-8"?>\n', "\n"))
