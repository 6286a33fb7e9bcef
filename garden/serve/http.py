"""Serving the site over HTTP: its files (nothing outside it), and the change events open pages follow.

HTML is marked on its way out (`<body data-live=…>`): only pages served here carry the mark, so
garden.js opens the event stream only on them, never on a static host of the same site.
"""

from __future__ import annotations

import json
import mimetypes
import re
import socket
import sys
import time
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from garden.serve.feed import ChangeFeed, FeedClosed

RESERVED = "/_garden/"  # paths of the server itself; no site file can be there (see garden.urls)
EVENTS = RESERVED + "events"
NOT_FOUND_PAGE = "404.html"
KEEPALIVE_SECONDS = 15.0  # a comment on an idle event stream: a page that left is noticed
SWAP_WAIT_SECONDS = 1.0  # a build swaps the site in with two renames; a request in between waits
TEXT_TYPES = ("application/json", "application/javascript", "image/svg+xml", "application/xml")


def site_file(site: Path, url_path: str) -> tuple[Path, str] | None:
    """The file of `site` that `url_path` names and its path in the site; None for anything else:
    a missing file, a folder, `..`, or a link leading out of the site."""
    relative = unquote(url_path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    if "\0" in relative or "\\" in relative or any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    try:
        real = (site / relative).resolve(strict=True)
        inside = real.is_relative_to(site.resolve(strict=True))
    except (OSError, RuntimeError):
        return None
    return (real, relative) if inside and real.is_file() else None


def mark_live(html: bytes, page: str, version: int) -> bytes:
    """`html` with its `<body` marked as served by `garden serve`: the page's path in the site and
    the site version it shows."""
    mark = f'<body data-live="{escape(page)}" data-live-version="{version}"'.encode()
    return re.sub(rb"<body(?=[\s>])", lambda _: mark, html, count=1, flags=re.IGNORECASE)


def based_at_root(html: bytes) -> bytes:
    """`html` with `<base href="/">`: the 404 page's relative links work at any depth."""
    return re.sub(rb"<head(\s[^>]*)?>", lambda match: match.group(0) + b'\n<base href="/">', html, count=1,
                  flags=re.IGNORECASE)


def content_type(path: Path) -> str:
    """The Content-Type of a site file."""
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") or guessed in TEXT_TYPES else guessed


class SiteServer(ThreadingHTTPServer):
    """An HTTP server for one site folder and its change feed."""

    daemon_threads = True

    def __init__(self, host: str, port: int, site: Path, feed: ChangeFeed) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.site = site
        self.feed = feed
        super().__init__((host, port), SiteRequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that closed its connection mid-answer (it moved on to another page) is no
        error; anything else is reported as `socketserver` does."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        """The address the site is served at."""
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


class SiteRequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD of site files and of the event stream."""

    server: SiteServer
    server_version = "garden"

    def do_GET(self) -> None:
        """A site file, or the event stream."""
        path = urlsplit(self.path).path
        if path == EVENTS:
            self._events(parse_qs(urlsplit(self.path).query))
        else:
            self._file(path, with_body=True)

    def do_HEAD(self) -> None:
        """A site file's headers."""
        self._file(urlsplit(self.path).path, with_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not logged: the terminal is for the garden's own messages."""

    def _find(self, path: str) -> tuple[Path, str] | None:
        """The site file for `path`, waiting out a build's swap of the site."""
        found = site_file(self.server.site, path)
        deadline = time.monotonic() + SWAP_WAIT_SECONDS
        while found is None and not self.server.site.is_dir() and time.monotonic() < deadline:
            time.sleep(0.01)
            found = site_file(self.server.site, path)
        return found

    def _file(self, path: str, *, with_body: bool) -> None:
        version = self.server.feed.version  # before reading: a page never claims a newer version than it shows
        found = None if path.startswith(RESERVED) else self._find(path)
        if found is None:
            self._not_found(path, version, with_body)
            return
        file, page = found
        body = file.read_bytes()
        if file.suffix == ".html":
            body = mark_live(body, page, version)
        self._send(HTTPStatus.OK, content_type(file), body, with_body)

    def _page_html(self, page: str, version: int) -> str | None:
        """The HTML of the site's page at `page` (a path in the site) as served, or None when it is
        no page of the site (gone since, say)."""
        found = self._find("/" + page) if page.endswith(".html") else None
        if found is None:
            return None
        try:
            return mark_live(found[0].read_bytes(), found[1], version).decode("utf-8", "replace")
        except OSError:
            return None

    def _not_found(self, path: str, version: int, with_body: bool) -> None:
        """The site's 404 page, reloaded by garden.js if the missing file appears."""
        page = site_file(self.server.site, "/" + NOT_FOUND_PAGE)
        if page is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"Not found\n", with_body)
            return
        body = mark_live(based_at_root(page[0].read_bytes()), unquote(path).lstrip("/") or "index.html", version)
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", body, with_body)

    def _send(self, status: HTTPStatus, kind: str, body: bytes, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _events(self, query: dict[str, list[str]]) -> None:
        """Server-Sent Events: `change` with the site files changed since the version the page shows,
        each preceded, when the page the stream is for (`page`) is one of them, by `page`, its new
        HTML (as JSON), so that the page need not ask for it."""
        feed = self.server.feed
        try:
            since = min(max(int(query["since"][0]), 0), feed.version)
        except (KeyError, ValueError):
            since = feed.version
        page = query.get("page", [""])[0]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        try:
            self.wfile.write(b": connected\n\n")
            while True:
                news = feed.wait(since, KEEPALIVE_SECONDS)
                if news is None:
                    self.wfile.write(b": still here\n\n")
                    continue
                since, changed = news
                html = self._page_html(page, since) if page in changed else None
                pushed = f"id: {since}\nevent: page\ndata: {json.dumps(html)}\n\n" if html is not None else ""
                self.wfile.write(f"{pushed}id: {since}\nevent: change\ndata: {json.dumps(sorted(changed))}\n\n".encode())
        except (FeedClosed, BrokenPipeError, ConnectionResetError):
            return
