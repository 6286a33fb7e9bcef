"""What the result cache is keyed by (garden's source, package versions, limits) and how it is pruned."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from importlib import metadata

import pytest

from helpers import REPO, make_garden, run_garden
from test_build_exec import counts, fence

from garden.code.blocks import code_block
from garden.syntax import make_parser

TOKEN = "import secrets\nprint(secrets.token_hex(8))"  # a fresh value each time the block really runs


def printed(root, page: str) -> list[str]:
    """What each block of a page printed, in order."""
    html = (root / "site" / page).read_text()
    return re.findall(r'<pre class="stdout">(.*?)</pre>', html, re.DOTALL)


def install_fake_version(monkeypatch, folder, name: str, version: str) -> None:
    """Make importlib.metadata report `version` of `name` from now on, as an upgrade would (the real
    package still imports from site-packages): a `NAME-VERSION.dist-info` first on sys.path."""
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    monkeypatch.syspath_prepend(str(folder))


# --------------------------------------------------------------------------- what a block imports

def test_the_parse_stage_reads_what_a_block_imports():
    def imports(source: str) -> tuple[str, ...]:
        return code_block("python", source, 1, make_parser()).imports

    code = "#| echo: false\nimport numpy.linalg as la, os\nfrom yaml import safe_load\nfrom . import sibling\n" \
           "def f():\n    from jinja2.sandbox import SandboxedEnvironment\n"
    assert imports(code) == ("jinja2", "numpy", "os", "yaml")
    examples = ">>> import pytest\n>>> def f():\n...     import networkx\n...     return 1\n>>> f()\n1\n"
    assert imports(examples) == ("networkx", "pytest")
    assert imports(">>> x = (\n>>> from pygments import lex\n") == ("pygments",)
    assert imports("import numpy\nx = (\n") == (), "code that does not compile imports nothing"


# --------------------------------------------------------------------------- what the key covers

SIGMOID = ("- Sigmoid at zero\n" +
           fence("python", "from garden.nn.activations import get_activation\nprint(get_activation('sigmoid')(0.0))") +
           "- An example\n" + fence("python", ">>> float(get_activation('sigmoid')(0.0))\n0.5"))


def run_with_garden_from(library, cwd, *args: str) -> subprocess.CompletedProcess:
    """`python -m garden ARGS` importing garden (in the build and its workers) from `library` only."""
    env = {**os.environ, "PYTHONPATH": str(library)}
    return subprocess.run([sys.executable, "-m", "garden", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=env)


def test_editing_gardens_own_source_reruns_the_blocks(tmp_path):
    library = tmp_path / "library"
    shutil.copytree(REPO / "garden", library / "garden", ignore=shutil.ignore_patterns("__pycache__"))
    root = make_garden(tmp_path / "garden", {"Sigmoid.md": SIGMOID})
    assert counts(run_with_garden_from(library, root, "build")) == (2, 0, 0)
    assert counts(run_with_garden_from(library, root, "build")) == (0, 2, 0)
    activations = library / "garden" / "nn" / "activations.py"
    source = activations.read_text()
    broken = source.replace("return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))", "return 0.0 * z")
    assert broken != source
    activations.write_text(broken)
    assert counts(run_with_garden_from(library, root, "build")) == (2, 0, 0)
    assert printed(root, "sigmoid.html")[0].strip() == "0.0"
    check = run_with_garden_from(library, root, "check")
    assert check.returncode == 1 and check.stdout.splitlines()[-1] == "1 passed, 1 failed", check.stdout


ALPHA = ("- First\n" + fence("python", "x = 20\nprint('x is', x)") +
         "- Second\n" + fence("python", "x + 1") +
         "- Third\n" + fence("python", "print(x * 2)"))
NEURON = "- A neuron\n" + fence("neuron", "inputs = [1.0, 2.0]\nweights = [0.5, -0.3]\nbias = 0.1")


def test_a_new_numpy_version_reruns_every_block(tmp_path, monkeypatch):
    """In one process, as in a pytest session or a long-lived server: each run reads versions afresh."""
    root = make_garden(tmp_path / "garden", {"Alpha.md": ALPHA, "Neuron.md": NEURON})
    assert counts(run_garden(root, "build")) == (4, 0, 0)
    install_fake_version(monkeypatch, tmp_path / "fake", "numpy", "999.0")
    assert counts(run_garden(root, "build")) == (4, 0, 0)
    assert counts(run_garden(root, "build")) == (0, 4, 0)


def test_a_package_installed_into_a_folder_already_on_the_path_is_noticed(tmp_path, monkeypatch):
    """As `pip install` into site-packages does while `garden serve` runs: the folder is the same,
    what is in it changed."""
    site_packages = tmp_path / "site-packages"
    site_packages.mkdir()
    monkeypatch.syspath_prepend(str(site_packages))
    root = make_garden(tmp_path / "garden", {"Alpha.md": ALPHA, "Neuron.md": NEURON})
    assert counts(run_garden(root, "build")) == (4, 0, 0)
    assert counts(run_garden(root, "build")) == (0, 4, 0)
    info = site_packages / "numpy-999.0.dist-info"  # sys.path stays as it was
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: numpy\nVersion: 999.0\n")
    assert counts(run_garden(root, "build")) == (4, 0, 0)


def test_a_new_version_of_an_imported_package_reruns_its_importers_only(tmp_path, monkeypatch):
    required = metadata.requires("garden") or []
    assert not any(r.startswith("pytest") and "extra" not in r for r in required), "pytest must not be a dependency"
    notes = {"A.md": "- a\n" + fence("python", f"x = 1\n{TOKEN}") + "- b\n" + fence("python", f"import pytest\n{TOKEN}") +
                     "- c\n" + fence("python", TOKEN),
             "B.md": "- b\n" + fence("python", TOKEN),
             "C.md": "- c\n" + fence("python", f"#| uses: [[A]]\n{TOKEN}")}
    root = make_garden(tmp_path / "garden", notes)
    assert counts(run_garden(root, "build")) == (5, 0, 0)
    before = {page: printed(root, page) for page in ("a.html", "b.html", "c.html")}
    install_fake_version(monkeypatch, tmp_path / "fake", "pytest", "999.0")
    assert counts(run_garden(root, "build")) == (3, 2, 0)
    after = {page: printed(root, page) for page in before}
    assert after["a.html"][0] == before["a.html"][0], "the block before the import is cached"
    assert after["a.html"][1] != before["a.html"][1] and after["a.html"][2] != before["a.html"][2]
    assert after["b.html"] == before["b.html"], "other notes are cached"
    assert after["c.html"] != before["c.html"], "a note using the importing note runs again"
    assert counts(run_garden(root, "build")) == (0, 5, 0)


def test_a_new_memory_limit_reruns_the_blocks(tmp_path):
    root = make_garden(tmp_path, {"Alpha.md": ALPHA}, "memory_mb = 2048\n")
    assert counts(run_garden(root, "build")) == (3, 0, 0)
    (root / "garden.toml").write_text("memory_mb = 1536\n")
    assert counts(run_garden(root, "build")) == (3, 0, 0)
    assert counts(run_garden(root, "build")) == (0, 3, 0)


# --------------------------------------------------------------------------- pruning

def entries(root) -> dict[str, str]:
    """Cache entry file name -> the note it belongs to."""
    return {path.name: json.loads(path.read_text())["note"] for path in (root / ".garden-cache").glob("*.json")}


def test_only_a_full_build_drops_entries_it_did_not_use(tmp_path):
    root = make_garden(tmp_path, {"Alpha.md": ALPHA})
    note = root / "notes" / "Alpha.md"
    run_garden(root, "build")
    first = set(entries(root))
    note.write_text(ALPHA.replace("x + 1", "x + 2"))
    assert counts(run_garden(root, "build")) == (2, 1, 0)
    edited = set(entries(root))
    assert len(edited) == 3 and len(first & edited) == 1, "the two stale entries are gone"
    note.write_text(ALPHA)
    assert run_garden(root, "check").returncode == 0
    assert set(entries(root)) == first | edited, "a check keeps entries it did not use"
    assert counts(run_garden(root, "build", "--no-exec")) == (0, 0, 0)
    assert set(entries(root)) == first | edited, "a build that runs nothing prunes nothing"
    assert counts(run_garden(root, "build")) == (0, 3, 0)
    assert set(entries(root)) == first


def test_over_the_cap_the_least_recently_used_entries_not_in_use_go(tmp_path):
    notes = {f"{name}.md": "- big\n" + fence("python", f"print({name!r} * 600_000)") for name in "ABCD"}
    root = make_garden(tmp_path, notes, "cache_mb = 2\n")  # four ~600 KB entries, 2.4 MB in all
    assert counts(run_garden(root, "build")) == (4, 0, 0)
    assert len(entries(root)) == 4, "entries this run used stay, even over the cap"
    cache = root / ".garden-cache"
    now = time.time()
    for age, (name, note) in zip((400, 300, 200, 100), sorted(entries(root).items(), key=lambda item: item[1])):
        os.utime(cache / name, (now - age, now - age))  # A is the oldest, then B, C, D
    assert run_garden(root, "check", "notes/A.md").returncode == 0
    left = entries(root)
    assert sorted(left.values()) == ["notes/A.md", "notes/C.md", "notes/D.md"], "B, the oldest unused, went"
    used = next(name for name, note in left.items() if note == "notes/A.md")
    assert (cache / used).stat().st_mtime > now - 100, "a hit refreshes the entry"


# --------------------------------------------------------------------------- settings

@pytest.mark.parametrize("value", ["0", "-5", "1.5", '"big"', "true"])
def test_bad_cache_cap_is_named_at_its_line(tmp_path, value):
    root = make_garden(tmp_path, {"Alpha.md": ALPHA}, f'title = "x"\ncache_mb = {value}\n')
    for command in ("build", "check"):
        proc = run_garden(root, command)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert "garden.toml:2: cache_mb: must be a positive whole number of megabytes" in proc.stderr, proc.stderr
