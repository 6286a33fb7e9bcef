"""From a save to the edit shown in the browser, with `garden serve`, on a garden already built.

Usage: python bench/save_to_reload.py GARDEN NOTE [--edits 8] [--pause 1] [--port 8765] [--no-exec] [--link TITLE]

Starts `garden serve` in GARDEN (a process of its own, as a writer runs it, importing garden from
this checkout), opens the page of NOTE (a path below GARDEN, such as "notes/Concept 5498.md") in
headless Chromium (Debian's, at /usr/bin/chromium), and saves NOTE `--edits` times with a line of prose added, `--pause` seconds apart after each reload.
With `--link TITLE`, the line links to the note TITLE, or (every other save) does not: a link edit.
For each save it prints, in milliseconds from the moment the file was written, when the edit was
shown: the first animation frame after the new text was in the page, for a page updated in place;
the new document's DOMContentLoaded, for a page loaded again (then also when that load started).
Then what the server printed (its build times). The clocks are the machine's wall clock on both sides. The first save is
left out of the medians (the server's first build after starting loads what it kept).
NOTE is written back as it was at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent  # the server imports garden from this checkout

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOADED = ("() => { const [entry] = performance.getEntriesByType('navigation');"
          " return [performance.timeOrigin, performance.timeOrigin + entry.domContentLoadedEventEnd]; }")
WATCH = """marker => {
  window.shownAt = null;
  const observer = new MutationObserver(() => {
    if (!document.body.textContent.includes(marker)) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.shownAt = performance.timeOrigin + performance.now(); });
  });
  observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
}"""


def wait_for_server(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def page_url(note: Path) -> str:
    """The page of a generated note: its title slugified as garden does (lower case, spaces to dashes)."""
    return note.stem.lower().replace(" ", "-") + ".html"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("garden", type=Path)
    parser.add_argument("note", type=Path)
    parser.add_argument("--edits", type=int, default=8)
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-exec", action="store_true")
    parser.add_argument("--link", metavar="TITLE", help="make every save a link edit: a link to TITLE added or taken away")
    args = parser.parse_args()
    note = args.garden / args.note
    original = note.read_text(encoding="utf-8")
    command = [sys.executable, "-m", "garden", "serve", "--port", str(args.port)] + (["--no-exec"] if args.no_exec else [])
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(command, cwd=args.garden, stdout=log, stderr=subprocess.STDOUT,
                              env=dict(os.environ, PYTHONPATH=str(REPO)))
    shown = []
    try:
        url = f"http://127.0.0.1:{args.port}/{page_url(args.note)}"
        wait_for_server(url, 900)
        time.sleep(5)  # the server loads its notes ahead once the site is up
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url)
            for edit in range(args.edits + 1):
                marker = f"saved at edit {edit} {os.getpid()}"
                page.evaluate(WATCH, marker)
                saved = time.time() * 1000
                linked = f" [[{args.link}]]" if args.link and edit % 2 == 0 else ""
                note.write_text(original + f"- {marker}{linked}\n", encoding="utf-8")
                page.get_by_text(marker).wait_for(timeout=60_000)
                if page.evaluate("window.shownAt === undefined"):  # a new document: the page loaded again
                    origin, at = page.evaluate(LOADED)
                    how = f"reloaded, the load started {origin - saved:7.1f} ms after the save"
                else:
                    at = page.wait_for_function("window.shownAt").json_value()
                    how = "updated in place"
                print(f"edit {edit}: shown {at - saved:7.1f} ms after the save ({how})", flush=True)
                if edit:
                    shown.append(at - saved)
                time.sleep(args.pause)
            browser.close()
    finally:
        note.write_text(original, encoding="utf-8")
        time.sleep(2)
        server.terminate()
        server.wait(timeout=30)
        log.seek(0)
        print(log.read(), end="")
    print(f"median of {len(shown)}: shown {statistics.median(shown):.1f} ms after the save")
    return 0


if __name__ == "__main__":
    sys.exit(main())
