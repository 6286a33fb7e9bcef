"""`garden serve` over HTTP: the site, nothing outside it, change events, bad input, code run in the background."""

from __future__ import annotations

import gc
import gzip
import http.client
import io
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from garden.build.options import BuildOptions
from garden.config import load_config
from garden.serve.builder import LiveBuilder
from garden.serve.collector import MAX_DEFERRED
from garden.serve.console import Console
from garden.serve.feed import ChangeFeed
from helpers import REPO, make_garden, parse_html, run_garden
from serve_helpers import WAIT_SECONDS, gate_block, gated_pagefind, get, serving, wait_until

PAGES = {"A.md": "- Apple tree\n", "B.md": "- Banana split\n"}


def outputs(page: str) -> str:
    """The text of the outputs of a page's code blocks (not the code itself)."""
    return " ".join(element.text() for element in parse_html(page).find_all("div", "output"))


def test_serves_the_site_marking_its_pages(tmp_path):
    root = make_garden(tmp_path, PAGES, 'title = "Fruit"\n')
    with serving(root) as served:
        assert served.url.startswith("http://127.0.0.1:")
        status, headers, body = served.get("/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert re.search(r'<body data-live="index.html" data-live-version="\d+"', body)
        status, _, body = served.get("/a.html")
        assert status == 200 and "Apple tree" in body and 'data-live="a.html"' in body
        status, headers, body = served.get("/static/style.css")
        assert status == 200 and headers["Content-Type"].startswith("text/css") and "data-live" not in body
        assert headers["Cache-Control"] == "no-store"
    on_disk = (root / "site" / "a.html").read_text(encoding="utf-8")
    assert "Apple tree" in on_disk and "data-live" not in on_disk, "the built site itself is not marked"


def test_a_missing_page_is_the_sites_404_page(tmp_path):
    root = make_garden(tmp_path, PAGES)
    with serving(root) as served:
        status, _, body = served.get("/deep/er/missing.html")
        assert status == 404 and "Page not found" in body
        assert '<base href="/">' in body and 'data-live="deep/er/missing.html"' in body


def test_a_browser_that_leaves_mid_answer_is_no_error(tmp_path, capfd):
    """A page left while a file of it was still arriving (the reload after a save does this) closes
    the connection under the server: nothing is printed for it, and the server goes on."""
    root = make_garden(tmp_path, PAGES)
    with serving(root, execute=False) as served:
        (root / "site" / "big.bin").write_bytes(os.urandom(8 << 20))
        for _ in range(3):
            address = urlsplit(served.url)
            with socket.create_connection((address.hostname, address.port)) as connection:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset on close
                connection.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                assert connection.recv(1024).startswith(b"HTTP/1.0 200")
        assert served.get("/a.html")[0] == 200
    assert "Traceback" not in capfd.readouterr().err


@pytest.fixture(scope="module")
def fenced(tmp_path_factory):
    """A served garden with a secret next to its site: in garden.toml, a file, a folder, and links to them."""
    outside = tmp_path_factory.mktemp("fenced")
    root = make_garden(outside / "garden", PAGES, '# SECRET in garden.toml\ntitle = "Fruit"\n')
    (outside / "secret.txt").write_text("SECRET CONTENT\n")
    (outside / "secrets").mkdir()
    (outside / "secrets" / "inside.txt").write_text("SECRET CONTENT\n")
    with serving(root, execute=False) as served:
        (root / "site" / "leak.txt").symlink_to(outside / "secret.txt")
        (root / "site" / "folder").symlink_to(outside / "secrets", target_is_directory=True)
        yield served


@pytest.mark.parametrize("path", [
    "/../garden.toml",
    "/%2e%2e/garden.toml",
    "/..%2fgarden.toml",
    "/%2E%2E%2Fnotes%2FA.md",
    "/static/../../garden.toml",
    "/static/%2e%2e/%2e%2e/garden.toml",
    "/%2e%2e/%2e%2e/secret.txt",
    "//" + "etc/passwd",
    "/./index.html/../../garden.toml",
    "/_garden/../../garden.toml",
    "/index.html%00",
    "/leak.txt",
    "/folder/inside.txt",
])
def test_nothing_outside_the_site_is_served(fenced, path):
    status, _, body = fenced.get(path)
    assert status == 404
    assert "SECRET" not in body and "Apple tree" not in body and "root:" not in body


class EventStream:
    """A client of /_garden/events: the events it received, read line by line."""

    def __init__(self, base: str, since: int, page: str | None = None) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=WAIT_SECONDS)
        self.connection.request("GET", f"/_garden/events?since={since}" + (f"&page={page}" if page else ""))
        self.response = self.connection.getresponse()

    def next_event(self) -> dict[str, str]:
        """The fields of the next event (comments skipped)."""
        fields: dict[str, str] = {}
        while True:
            line = self.response.fp.readline().decode("utf-8")
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if not line and fields:
                return fields
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = value

    def close(self) -> None:
        self.connection.close()


def test_events_say_which_files_changed(tmp_path):
    root = make_garden(tmp_path, PAGES)
    with serving(root) as served:
        _, _, body = served.get("/b.html")
        version = int(re.search(r'data-live-version="(\d+)"', body).group(1))
        stream = EventStream(served.url, version)
        try:
            assert stream.response.status == 200
            assert stream.response.getheader("Content-Type") == "text/event-stream"
            (root / "notes" / "A.md").write_text("- Apple tree, in bloom\n", encoding="utf-8")
            event = stream.next_event()
            assert event["event"] == "change" and int(event["id"]) == version + 1
            changed = json.loads(event["data"])
            assert "a.html" in changed and "b.html" not in changed and "static/style.css" not in changed
        finally:
            stream.close()
        late = EventStream(served.url, version)  # a page served before the change learns of it when it connects
        try:
            assert "a.html" in json.loads(late.next_event()["data"])
        finally:
            late.close()
        status, _, body = served.get("/a.html")
        assert status == 200 and "in bloom" in body


def test_a_link_edit_changes_its_pages_first_and_the_whole_garden_files_after(tmp_path):
    """A new link changes the pages it shows on at once; all pages and the graph (about the whole
    garden, slow to make in a big one) follow in a change of their own, and then hold the link."""
    root = make_garden(tmp_path, PAGES, 'title = "Later"\nsearch = false\n')
    with serving(root) as served:
        _, _, body = served.get("/b.html")
        stream = EventStream(served.url, int(re.search(r'data-live-version="(\d+)"', body).group(1)))
        try:
            (root / "notes" / "A.md").write_text("- Apple tree, next to [[B]]\n", encoding="utf-8")
            changes = [set(json.loads(stream.next_event()["data"]))]
            while "graph.json" not in changes[-1]:
                changes.append(set(json.loads(stream.next_event()["data"])))
        finally:
            stream.close()
        assert "b.html" in set().union(*changes[:-1]), changes
        assert {"graph.json", "all-pages.html", "graph.html"} <= changes[-1] and "b.html" not in changes[-1], changes
        assert '"source": "A",\n   "target": "B"' in served.get("/graph.json")[2]
        wait_until(lambda: "garden: brought all pages, the graph and the feed up to date in " in served.out.getvalue(),
                   "the line for that change")


def test_a_stream_for_a_page_brings_its_new_html_with_the_change(tmp_path):
    """The page a stream is for gets its new HTML, as served, with the change that names it (it need
    not ask for it); a change that leaves it alone brings none."""
    root = make_garden(tmp_path, PAGES)
    with serving(root) as served:
        _, _, body = served.get("/a.html")
        version = int(re.search(r'data-live-version="(\d+)"', body).group(1))
        stream = EventStream(served.url, version, "a.html")
        try:
            (root / "notes" / "B.md").write_text("- Banana bread\n", encoding="utf-8")
            event = stream.next_event()
            assert event["event"] == "change" and "b.html" in json.loads(event["data"])
            (root / "notes" / "A.md").write_text("- Apple tree, in bloom\n", encoding="utf-8")
            pushed, change = stream.next_event(), stream.next_event()
            assert (pushed["event"], change["event"], pushed["id"]) == ("page", "change", change["id"])
            assert json.loads(pushed["data"]) == served.get("/a.html")[2]
            assert "in bloom" in json.loads(pushed["data"])
        finally:
            stream.close()


def test_a_garden_built_before_is_served_as_built_and_its_edits_show(tmp_path):
    """The server's first build finds nothing to do (it loads the rest in the background); edits
    after it change their own pages and no other."""
    root = make_garden(tmp_path, {**PAGES, "C.md": "- Cherry links [[A]]\n"})
    assert run_garden(root, "build").returncode == 0
    before = {path.name: path.stat().st_mtime_ns for path in (root / "site").glob("*.html")}
    with serving(root) as served:
        assert "no file changed" in served.out.getvalue()
        for note, text, page in [("A.md", "Apple tree, in bloom", "/a.html"),
                                 ("A.md", "Apple tree, in fruit", "/a.html"),
                                 ("C.md", "Cherry pie links [[A]]", "/c.html")]:
            (root / "notes" / note).write_text(f"- {text}\n", encoding="utf-8")
            shown = text.removesuffix(" [[A]]")
            wait_until(lambda: shown in served.get(page)[2], f"{note} edited to {text!r}")
        assert "Cherry pie links" in served.get("/a.html")[2], "a backlink shows its new context"
        assert (root / "site" / "b.html").stat().st_mtime_ns == before["b.html"]
        assert served.err.getvalue() == ""


def test_a_broken_note_is_reported_and_the_server_goes_on(tmp_path):
    root = make_garden(tmp_path, PAGES)
    with serving(root) as served:
        broken = ("---\ntags: [unclosed\n---\n"
                  "- ```python\n  raise ValueError('boom in a note')\n  ```\n")
        (root / "notes" / "Broken.md").write_text(broken, encoding="utf-8")
        wait_until(lambda: "boom in a note" in outputs(served.get("/broken.html")[2]), "the error on the page")
        _, _, page = served.get("/broken.html")
        assert 'class="output error"' in page and "ValueError" in page
        wait_until(lambda: "notes/Broken.md:5: ValueError: boom in a note" in served.err.getvalue(),
                   "the failure in the console")
        assert "notes/Broken.md:2: front matter is not valid YAML" in served.err.getvalue()
        (root / "notes" / "A.md").write_text("- Apple tree, after the broken note\n", encoding="utf-8")
        wait_until(lambda: "after the broken note" in served.get("/a.html")[2], "the next change")
    assert "Traceback" not in served.err.getvalue()


def test_a_bad_garden_toml_or_template_keeps_the_last_good_site(tmp_path):
    root = make_garden(tmp_path, PAGES, 'title = "Fruit"\n')
    with serving(root) as served:
        (root / "garden.toml").write_text('title = "Fruit\n', encoding="utf-8")
        wait_until(lambda: "garden.toml:1:" in served.err.getvalue(), "the garden.toml error")
        assert "still serving the last good site" in served.err.getvalue()
        assert served.get("/a.html")[0] == 200
        (root / "garden.toml").write_text('title = "Fruit salad"\n', encoding="utf-8")
        wait_until(lambda: "Fruit salad" in served.get("/a.html")[2], "the fixed garden.toml taking effect")
        (root / "templates").mkdir()
        (root / "templates" / "page.html").write_text('{% extends "base.html" %}\n{% block main %}{% if %}'
                                                      '{% endblock %}\n', encoding="utf-8")
        wait_until(lambda: "templates/page.html:2: template error" in served.err.getvalue(), "the template error")
        status, _, body = served.get("/a.html")
        assert status == 200 and "Apple tree" in body
        (root / "templates" / "page.html").write_text('{% extends "base.html" %}\n{% block main %}'
                                                      '<p>own template</p>{% endblock %}\n', encoding="utf-8")
        wait_until(lambda: "own template" in served.get("/a.html")[2], "the fixed template taking effect")
    assert "Traceback" not in served.err.getvalue() and "internal error" not in served.err.getvalue()


def test_code_shows_pending_then_its_result(tmp_path):
    gate = tmp_path / "gate"
    root = make_garden(tmp_path / "garden", {"Slow.md": gate_block(gate, "computed at last"), **PAGES})
    with serving(root) as served:
        _, _, page = served.get("/slow.html")
        assert 'class="output pending"' in page and "running…" in page
        assert "computed at last" not in outputs(page)
        assert "running 1 code block in the background" in served.out.getvalue()
        gate.touch()
        wait_until(lambda: "computed at last" in outputs(served.get("/slow.html")[2]), "the block's result")
        _, _, page = served.get("/slow.html")
        assert "output pending" not in page
        wait_until(lambda: "ran the code (1 block, 0 failed)" in served.out.getvalue(), "the report of the run")


def test_a_newer_change_stops_code_still_running(tmp_path):
    gate, pid_file = tmp_path / "gate", tmp_path / "pid"
    root = make_garden(tmp_path / "garden", {"Slow.md": gate_block(gate, "first result", pid_file), **PAGES})
    with serving(root) as served:
        pid = int(wait_until(lambda: pid_file.exists() and pid_file.read_text(), "the block to start"))
        (root / "notes" / "Slow.md").write_text("- Quick now\n- ```python\n  print('second result')\n  ```\n",
                                                encoding="utf-8")
        wait_until(lambda: "second result" in outputs(served.get("/slow.html")[2]), "the newer block's result")
        wait_until(lambda: not Path(f"/proc/{pid}").exists(), "the older block's process to end")
        gate.touch()
        _, _, page = served.get("/slow.html")
        assert "first result" not in page and "output pending" not in page
        wait_until(lambda: "ran the code (1 block, 0 failed)" in served.out.getvalue(), "the report of the run")


def test_the_collector_waits_for_the_background_work_but_not_for_a_burst_of_edits(tmp_path):
    """After a serve build, Python's garbage collector is off until the build's background work (here
    a block waiting on a gate) ends, so that its walk over the build's objects does not hold up the
    reload; edits that keep stopping that work turn it on again from the build after MAX_DEFERRED."""
    gate = tmp_path / "gate"
    root = make_garden(tmp_path / "garden", {"Slow.md": gate_block(gate, "result 0"), **PAGES})
    note = root / "notes" / "Slow.md"
    builder = LiveBuilder(load_config(root), BuildOptions(), ChangeFeed(), Console(io.StringIO(), io.StringIO()))
    assert gc.isenabled()
    try:
        builder.update()
        assert not gc.isenabled(), "off while the build's code runs"
        gate.touch()
        wait_until(gc.isenabled, "the collector on again once the background work ended")
        gate.unlink()
        for edit in range(1, MAX_DEFERRED + 2):
            note.write_text(gate_block(gate, f"result {edit}"), encoding="utf-8")
            builder.update({note})
            if edit > MAX_DEFERRED:  # its code's build pauses the collector while it runs, as every build does
                builder.stop_code()
            assert gc.isenabled() == (edit > MAX_DEFERRED), f"after edit {edit}"
    finally:
        gate.touch()
        builder.close()
    assert gc.isenabled()


def test_serve_refuses_a_taken_port(tmp_path):
    root = make_garden(tmp_path, PAGES)
    with serving(root) as served:
        port = urlsplit(served.url).port
        proc = run_garden(root, "serve", "--port", str(port))
    assert proc.returncode == 2
    assert f"garden: cannot serve on 127.0.0.1:{port}: " in proc.stderr and "Traceback" not in proc.stderr


def test_ctrl_c_stops_cleanly_with_a_complete_site(tmp_path):
    """The real command: prints its address, serves, and on Ctrl+C (while code runs) ends without a traceback."""
    gate = tmp_path / "never"
    root = make_garden(tmp_path / "garden", {"Slow.md": gate_block(gate, "never printed"), **PAGES})
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "garden", "serve", "--port", "0"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any("serving" in line for line in lines):
            line = proc.stdout.readline()
            assert line, f"garden serve ended early: {lines} {proc.stderr.read()}"
            lines.append(line)
        url = re.fullmatch(r"garden: serving (http://127\.0\.0\.1:\d+/) \(Ctrl\+C stops\)\n", lines[-1]).group(1)
        assert "running 1 code block in the background" in lines[0]
        status, _, page = get(url, "/slow.html")
        assert status == 200 and "output pending" in page
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=WAIT_SECONDS)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert err == "" and out.endswith("garden: stopped\n")
    site = root / "site"
    assert {"index.html", "a.html", "b.html", "slow.html", "404.html"} <= {path.name for path in site.iterdir()}
    assert [path.name for path in root.iterdir() if path.name.startswith(".site")] == []


def indexed_text(site: Path) -> str:
    """The pages' text as the search index holds it (Pagefind's fragments, one per page)."""
    return " ".join(gzip.decompress(path.read_bytes()).decode("utf-8")
                    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")))


def test_a_newer_change_stops_the_search_index_of_an_older_one(tmp_path, monkeypatch):
    gate = gated_pagefind(tmp_path, monkeypatch)
    root = make_garden(tmp_path, PAGES)
    with serving(root, execute=False) as served:
        site = root / "site"
        assert "Apple tree" in indexed_text(site)
        gate.unlink()
        for word in ("kumquat", "lychee"):
            (root / "notes" / "A.md").write_text(f"- Apple tree by the {word}\n", encoding="utf-8")
            wait_until(lambda: word in served.get("/a.html")[2], f"the page with {word}")
        assert "kumquat" not in indexed_text(site) and "lychee" not in indexed_text(site)
        gate.touch()
        wait_until(lambda: "lychee" in indexed_text(site), "the newest index")
        assert "kumquat" not in indexed_text(site)
    left = [path.name for path in tmp_path.rglob("*") if "-staging-" in path.name or "-discarded-" in path.name]
    assert left == [], "the index given up is removed, by the time the server stops"


def test_a_change_undone_before_the_index_caught_up_runs_no_pagefind(tmp_path, monkeypatch):
    """The pages are back as the search index has them: there is nothing to index again."""
    gate = gated_pagefind(tmp_path, monkeypatch)
    runs = tmp_path / "pagefind-runs"
    root = make_garden(tmp_path, PAGES)
    note = root / "notes" / "A.md"
    with serving(root, execute=False) as served:
        before = runs.read_text().count("run")
        gate.unlink()
        note.write_text("- Apple tree by the kumquat\n", encoding="utf-8")
        wait_until(lambda: "kumquat" in served.get("/a.html")[2], "the edited page")
        wait_until(lambda: runs.read_text().count("run") == before + 1, "the index of the edit started")
        note.write_text(PAGES["A.md"], encoding="utf-8")
        wait_until(lambda: "kumquat" not in served.get("/a.html")[2], "the page as it was")
        gate.touch()
        time.sleep(1.5)  # more than enough for the search index to start after the build
        assert runs.read_text().count("run") == before + 1
        note.write_text("- Apple tree by the lychee\n", encoding="utf-8")
        wait_until(lambda: "lychee" in indexed_text(root / "site"), "the index of the next edit")
        assert runs.read_text().count("run") == before + 2
