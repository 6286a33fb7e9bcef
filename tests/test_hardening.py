"""Hostile and broken gardens: nothing from a note runs in a reader's browser, nothing of an
untrusted garden runs under --no-exec, and no note, cache entry or killed build costs the site."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import REPO, SUMMARY, load_graph, make_garden, process_alive, read_html, run_garden, tree_digest
from hostile import hostile_garden

SCRIPT_VECTORS = re.compile(r"<script|<iframe|<style|\son\w+\s*=|javascript:|<[^>]*\shref=\"https?:", re.IGNORECASE)
OWN_SCRIPT = re.compile(r'<script src="(?:\.\./)*static/garden\.js" defer></script>')


def fence(language: str, code: str, indent: str = "    ") -> str:
    lines = [f"```{language}", *code.split("\n"), "```"]
    return "".join(f"{indent}{line}\n" for line in lines)


def site_markup(site: Path) -> str:
    """All HTML of a site with text content removed: only tags and attributes remain (and of those
    not the descriptions in `<meta content>`, which are a note's text, escaped, nor garden's own
    script, which every page loads once)."""
    pages = []
    for page in site.rglob("*.html"):
        markup, own_scripts = OWN_SCRIPT.subn("", page.read_text(encoding="utf-8"))
        assert own_scripts == 1, f"{page} loads garden.js {own_scripts} times"
        pages.append(re.sub(r'(<meta (?:name|property)="[\w:]*description" content=")[^"]*"', r'\1"',
                            re.sub(r">[^<]*<", "><", markup)))
    return "".join(pages)


# --------------------------------------------------------------------------- nothing from a note runs

@pytest.mark.parametrize("flags", [(), ("--no-exec",)])
def test_script_payloads_reach_pages_only_as_text(tmp_path, flags):
    root = hostile_garden(tmp_path)
    proc = run_garden(root, "build", *flags)
    assert proc.returncode == 0, proc.stderr
    markup = site_markup(root / "site")
    assert not SCRIPT_VECTORS.search(markup), SCRIPT_VECTORS.search(markup).group()
    page = (root / "site" / "payloads.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page, "text-mode math is shown as text"
    assert "<b>bold</b>" in page or flags, "allowed markup of a rich output survives"


def test_raw_outputs_is_the_authors_switch(tmp_path):
    root = hostile_garden(tmp_path)
    (root / "garden.toml").write_text('title = "Hostile"\nraw_outputs = true\n', encoding="utf-8")
    assert run_garden(root, "build").returncode == 0
    page = (root / "site" / "payloads.html").read_text(encoding="utf-8")
    assert '<img src=x onerror="window.pwned=1">' in page, "the author's own rich output, unsanitised"
    assert "raw <script>" not in page and "raw <img src=\"x\">" in page, "raw HTML in notes stays sanitised"
    assert "<mtext>&lt;script&gt;" in page, "and so does math"


def test_templates_are_sandboxed_even_under_no_exec(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n"})
    (root / "templates").mkdir()
    marker = tmp_path / "PWNED"
    (root / "templates" / "base.html").write_text(
        "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
        "{% block main %}{% endblock %}", encoding="utf-8")
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2
    assert proc.stderr.startswith("garden: templates/base.html:1: template error: ") and "unsafe" in proc.stderr
    assert "Traceback" not in proc.stderr and not marker.exists()


def test_a_template_that_raises_stops_the_build_naming_its_line_and_keeps_the_site(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n", "B.md": "- b\n"})
    assert run_garden(root, "build", "--no-exec").returncode == 0
    site = tree_digest(root / "site")
    (root / "templates").mkdir()
    (root / "templates" / "page.html").write_text(
        '{% extends "base.html" %}\n{% block main %}\n{{ page.title }}\n{{ 1 // (page.title|length - 1) }}\n'
        "{% endblock %}\n", encoding="utf-8")
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2
    assert proc.stderr == ("garden: templates/page.html:4: template error: "
                           "ZeroDivisionError: integer division or modulo by zero\n")
    assert tree_digest(root / "site") == site


def test_links_out_of_the_notes_folder_are_skipped(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n"})
    secret = tmp_path / "secret.md"
    secret.write_text("- the secret\n", encoding="utf-8")
    (root / "notes" / "passwd.md").symlink_to(secret)
    (root / "notes" / "alias.md").symlink_to(root / "notes" / "A.md")
    proc = run_garden(root, "build", "--no-exec")
    assert "notes/passwd.md: is a link to a file outside the notes folder; note skipped" in proc.stderr
    assert not (root / "site" / "passwd.html").exists()
    assert (root / "site" / "alias.html").is_file(), "a link inside the notes folder is a note"


# --------------------------------------------------------------------------- front matter

ALIAS_BOMB = "---\na: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi")) + "tags: *i\n---\n- body\n"


@pytest.mark.parametrize("content, warning", [
    (ALIAS_BOMB, "notes/N.md:3: front matter uses a YAML alias (*name), which garden does not expand; ignored"),
    ("---\n" + "k: " + "v" * 70_000 + "\n---\n- body\n", "notes/N.md:2: front matter is over 64 KB; ignored"),
    ("---\ntitle: One\ntitle: Two\n---\n- body\n", "notes/N.md:3: front matter gives 'title' twice; the last one counts"),
    ("---\ntitle: 123\n---\n- body\n", "notes/N.md:2: title should be text, not int; using '123'"),
    ("---\ntitle: " + "[" * 30_000 + "\n---\n- body\n", "notes/N.md:2: front matter nests deeper than 32 levels; ignored"),
    ("---\n" + "".join(" " * depth + "k:\n" for depth in range(300)) + "---\n- body\n",
     "notes/N.md:2: front matter nests deeper than 32 levels; ignored"),
])
def test_front_matter_tricks_are_warnings(tmp_path, content, warning):
    root = make_garden(tmp_path, {"N.md": content})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0
    assert warning in proc.stderr.splitlines(), proc.stderr
    assert "body" in read_html(next((root / "site").glob("[n1t]*.html"))).text()


# --------------------------------------------------------------------------- file names

def test_titles_make_safe_file_names(tmp_path):
    long_title = "A very long title " * 20
    root = make_garden(tmp_path, {"n" * 240 + ".md": "- a note with a long file name\n", "Links.md": f"- [[{long_title}]] [[con]] [[Aux]] [[{'ü' * 200}]] "
                                              "[[deep/a/b/c/d/e/f/g/h/i/j]] [[Case]] [[case]]\n"})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0, proc.stderr
    urls = {node["title"]: node["url"] for node in load_graph(root / "site")["nodes"]}
    for title, url in urls.items():
        assert all(len(part.encode()) <= 100 for part in url.split("/")), url
        assert (root / "site" / url).resolve().is_relative_to((root / "site").resolve())
        assert not re.search(r"(^|/)(con|aux|nul|prn)\.html$", url), url
    assert urls["con"] == "con-page.html" and urls["Aux"] == "aux-page.html"
    assert urls["Case"].casefold() != urls["case"].casefold()
    assert urls["deep/a/b/c/d/e/f/g/h/i/j"].count("/") == 7


# --------------------------------------------------------------------------- one note never costs the site

def test_unencodable_output_is_replaced_not_fatal(tmp_path):
    root = make_garden(tmp_path, {"S.md": "- s\n" + fence("python", "print('before \\udcff after')")})
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr
    assert "before ? after" in (root / "site" / "s.html").read_text(encoding="utf-8")


def test_a_note_that_breaks_the_parser_gets_a_page_saying_so(tmp_path, monkeypatch):
    import garden.notes

    parse_outline = garden.notes.parse_outline

    def broken_for_one_note(text, first_line=1):
        if "boom" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return parse_outline(text, first_line)

    monkeypatch.setattr(garden.notes, "parse_outline", broken_for_one_note)
    root = make_garden(tmp_path, {"Bad.md": "- boom\n", "Good.md": "- fine [[Bad]]\n"})
    from garden.cli import main
    monkeypatch.chdir(root)
    assert main(["build", "--no-exec"]) == 0
    page = (root / "site" / "bad.html").read_text(encoding="utf-8")
    assert "garden could not parse this note: RecursionError" in page
    assert "fine" in (root / "site" / "good.html").read_text(encoding="utf-8")


def test_a_page_that_breaks_the_renderer_gets_an_error_box(tmp_path, monkeypatch, capsys):
    import garden.render.rules

    def broken(self, tokens, idx, options, env):
        raise ValueError("renderer bug")

    monkeypatch.setitem(garden.render.rules.RULES, "todo", broken)
    root = make_garden(tmp_path, {"Todo.md": "- {{[[TODO]]}} task\n", "Fine.md": "- fine\n"})
    from garden.cli import main
    monkeypatch.chdir(root)
    assert main(["build", "--no-exec"]) == 0
    assert "notes/Todo.md: could not be rendered (ValueError: renderer bug)" in capsys.readouterr().err
    assert "garden could not render this page" in (root / "site" / "todo.html").read_text(encoding="utf-8")
    assert "fine" in (root / "site" / "fine.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- cache and processes

def _entries(root: Path) -> list[Path]:
    return sorted((root / ".garden-cache").glob("*.json"), key=lambda path: json.loads(path.read_text())["spans"])


def test_damaged_cache_entries_are_discarded_warned_about_and_rerun(tmp_path):
    root = make_garden(tmp_path, {"C.md": "- c\n" + fence("python", "print('first')") + fence("python", "print('second')")})
    assert run_garden(root, "build").returncode == 0

    def build_after_a_prose_edit():  # a build with nothing to do reads no cache entry: give it a note to read
        with (root / "notes" / "C.md").open("a") as note:
            note.write("- more prose\n")
        return run_garden(root, "build")

    first, second = _entries(root)
    entry = json.loads(first.read_text())
    entry["result"]["stdout"] = "forged\n"
    first.write_text(json.dumps(entry))
    proc = build_after_a_prose_edit()
    assert "notes/C.md:2: its cached result was damaged; discarded and run again" in proc.stderr
    html = (root / "site" / "c.html").read_text()
    assert "forged" not in html and "first" in html
    first, second = _entries(root)
    first_text, second_text = first.read_text(), second.read_text()
    first.write_text(second_text)
    second.write_text(first_text)
    proc = build_after_a_prose_edit()
    assert proc.stderr.count("cached result was damaged") == 1, "the first swapped entry re-runs the chain"
    assert SUMMARY.match(proc.stdout.strip()).group("ran") == "2"
    entry = json.loads(_entries(root)[1].read_text())
    entry["result"]["figures"] = 7
    _entries(root)[1].write_text(json.dumps(entry))
    proc = build_after_a_prose_edit()
    assert proc.returncode == 0 and "notes/C.md:5: its cached result was damaged" in proc.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="processes are ended through /proc on Linux")
def test_processes_a_note_starts_do_not_outlive_it(tmp_path):
    code = ("import os, subprocess, sys\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)'])\n"
            "if os.fork() == 0:\n"
            "    if os.fork() == 0:\n"
            "        os.setsid()\n"
            "        open('daemon.pid', 'w').write(str(os.getpid()))\n"
            "        import time; time.sleep(300)\n"
            "    os._exit(0)\n"
            "open('child.pid', 'w').write(str(child.pid))\n"
            "import time; time.sleep(0.5)")
    root = make_garden(tmp_path, {"Spawn.md": "- s\n" + fence("python", code)})
    assert run_garden(root, "build").returncode == 0
    pids = [int((root / name).read_text()) for name in ("child.pid", "daemon.pid")]
    deadline = time.monotonic() + 5
    while any(map(process_alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(process_alive, pids)), [pid for pid in pids if process_alive(pid)]


# --------------------------------------------------------------------------- builds that are killed or overlap

def _garden_process(root: Path, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "garden", "build", *args], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _complete(site: Path) -> bool:
    return (site / ".garden-site").is_file() and (site / "index.html").is_file() and (site / "graph.json").is_file()


def _leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.iterdir() if path.name.startswith(".site"))


def test_killed_builds_leave_a_complete_site_and_the_next_build_cleans_up(tmp_path):
    notes = {f"N{index}.md": "".join(f"- block {line} of [[N{(index + 1) % 40}]] $$x_{line}$$\n" for line in range(60))
             for index in range(40)}
    root = make_garden(tmp_path, notes, 'title = "Killed"\n')
    assert run_garden(root, "build", "--no-exec").returncode == 0
    for moment in (0.3, 0.55, 0.8):  # a clean build takes about 0.8 s here, 0.4 s of it starting Python
        process = _garden_process(root, "--no-exec", "--clean")
        time.sleep(moment)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        site, saved = root / "site", root / ".site-previous"
        assert _complete(site) or (not site.exists() and _complete(saved)), _leftovers(root)
        proc = run_garden(root, "build", "--no-exec")
        assert proc.returncode == 0, proc.stderr
        assert _complete(site) and _leftovers(root) == [], _leftovers(root)


def test_a_build_killed_between_the_two_renames_is_recovered_first(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n"})
    assert run_garden(root, "build", "--no-exec").returncode == 0
    (root / "site").rename(root / ".site-previous")
    (root / ".site-staging-killed").mkdir()
    (root / "templates").mkdir()
    (root / "templates" / "base.html").write_text("{% block main %}{{ broken( }}{% endblock %}")
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 2, "the build itself fails"
    assert _complete(root / "site") and _leftovers(root) == [], "but the old site is back"


def test_builds_at_once_take_turns(tmp_path):
    root = make_garden(tmp_path, {f"N{index}.md": f"- note {index}\n" for index in range(80)})
    processes = [_garden_process(root, "--no-exec") for _ in range(3)]
    outcomes = [(process.wait(), process.stdout.read(), process.stderr.read()) for process in processes]
    assert [code for code, _, _ in outcomes] == [0, 0, 0], outcomes
    assert _complete(root / "site") and _leftovers(root) == []
    waited = [stderr for _, _, stderr in outcomes if "another build of this garden is running" in stderr]
    assert all("waiting for it to finish" in stderr for stderr in waited)


def test_a_block_with_thousands_of_tags_gives_each_tag_page_an_excerpt(tmp_path):
    root = make_garden(tmp_path, {"Tags.md": "- " + " ".join(f"#tag{index}" for index in range(1000)) + "\n"})
    proc = run_garden(root, "build", "--no-exec")
    assert proc.returncode == 0, proc.stderr
    page = root / "site" / "tag123.html"
    reference = read_html(page).find("div", "reference-block")
    assert reference.find("p", "excerpt") and reference.text().startswith("#tag0 #tag1")
    assert page.stat().st_size < 20_000, "not the whole block with its 1,000 links on each of 1,000 pages"
    assert len(read_html(root / "site" / "tags.html").find_all("a", "tag")) >= 1000, "the note itself shows it all"


def cached_results(root: Path) -> dict[str, bytes]:
    """The result cache's entries and their bytes."""
    return {path.name: path.read_bytes() for path in (root / ".garden-cache").rglob("*.json")}


def test_ctrl_c_stops_the_workers_and_keeps_the_site_and_cache(tmp_path):
    root = make_garden(tmp_path, {
        "Quick.md": "- quick\n    ```python\n    6 * 7\n    ```\n",
        "Slow.md": "- slow\n    ```python\n    import os, time\n    open('worker.pid', 'w').write(str(os.getpid()))\n"
                   "    time.sleep(60)\n    ```\n",
    })
    (root / "notes" / "Slow.md").write_text("- slow, but not yet\n")
    assert run_garden(root, "build").returncode == 0
    site, cache = tree_digest(root / "site"), cached_results(root)
    assert len(cache) == 1, "the quick note's result is cached"
    (root / "notes" / "Slow.md").write_text("- slow\n    ```python\n    import os, time\n"
                                            "    open('worker.pid', 'w').write(str(os.getpid()))\n"
                                            "    time.sleep(60)\n    ```\n")
    process = subprocess.Popen([sys.executable, "-m", "garden", "build"], cwd=root, env=dict(os.environ, PYTHONPATH=str(REPO)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid_file, deadline = root / "worker.pid", time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:  # written, not just made
        time.sleep(0.05)
    worker = int(pid_file.read_text())
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.splitlines()[-1] == ("garden: interrupted; the workers were stopped; "
                                       "the previous site and the cached results are kept"), stderr
    assert "Traceback" not in stderr
    assert tree_digest(root / "site") == site
    assert cached_results(root) == cache
    with pytest.raises(ProcessLookupError):
        os.kill(worker, 0)
