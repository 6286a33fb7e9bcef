"""`#| uses: [[Note]]`: notes building on each other's code, through the CLI and the site."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers import load_graph, make_garden, run_garden
from test_build_exec import counts, fence
from test_check import run_pytest

ACTIVATION = "- Definitions\n" + fence("python", "import numpy as np\nORDER = ['activation']\n\ndef sigmoid(z):\n"
                                                 "    return 1 / (1 + np.exp(-z))\n_hidden = 1")
NEURON = "- A neuron\n" + fence("python", "#| uses: [[Activation Function]]\nORDER.append('neuron')\n\n"
                                          "def neuron(a, w, b):\n    return sigmoid(np.dot(w, a) + b)")
NETWORK = "- A network\n" + fence("python", "#| uses: [[Neuron]]\nORDER.append('network')\nprint(ORDER)\n"
                                            "print(neuron([0, 0], [1, 1], 0.0))\nprint('_hidden' in globals())")
LONER = "- Alone\n" + fence("python", "print('loner ran')")
GARDEN = {"Activation Function.md": ACTIVATION, "Neuron.md": NEURON, "Neural Network.md": NETWORK,
          "Loner.md": LONER}


def stdout_of(root, page: str) -> str:
    html = (root / "site" / page).read_text()
    return "".join(re.findall(r'<pre class="stdout">(.*?)</pre>', html, re.DOTALL))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """GARDEN built once: (its root, the build's result). Tests that change it change a copy."""
    root = make_garden(tmp_path_factory.mktemp("uses"), GARDEN)
    return root, run_garden(root, "build")


def test_used_notes_run_first_in_dependency_order_and_hand_on_their_names(built):
    root, proc = built
    assert proc.returncode == 0, proc.stderr
    printed = stdout_of(root, "neural-network.html")
    assert "[&#x27;activation&#x27;, &#x27;neuron&#x27;, &#x27;network&#x27;]" in printed
    assert "0.5" in printed
    assert "False" in printed, "names starting with _ are not exported"


def test_the_pages_say_what_builds_on_what(built):
    root, _ = built
    network = (root / "site" / "neural-network.html").read_text()
    assert re.search(r'Builds on: <a href="neuron.html">Neuron</a>', network)
    neuron = (root / "site" / "neuron.html").read_text()
    assert re.search(r'Builds on: <a href="activation-function.html">Activation Function</a>', neuron)
    assert "used by" in (root / "site" / "activation-function.html").read_text()
    links = load_graph(root / "site")["links"]
    assert {"source": "Neuron", "target": "Activation Function", "kind": "uses"} in links
    assert {"source": "Neural Network", "target": "Neuron", "kind": "uses"} in links


def test_editing_a_used_note_reruns_exactly_its_dependents(built, tmp_path):
    first_built, first = built
    assert counts(first) == (4, 0, 0)
    root = shutil.copytree(first_built, tmp_path / "garden")  # with its site and cache
    neuron = root / "notes" / "Neuron.md"
    neuron.write_text(neuron.read_text().replace("+ b)", "+ b + 0.0)"))
    assert counts(run_garden(root, "build")) == (2, 2, 0), "Neuron and Neural Network run again"
    activation = root / "notes" / "Activation Function.md"
    activation.write_text(activation.read_text().replace("_hidden = 1", "_hidden = 2"))
    assert counts(run_garden(root, "build")) == (3, 1, 0), "all three run again, the loner does not"
    activation.write_text(activation.read_text().replace("- Definitions", "- Definitions, reworded"))
    assert counts(run_garden(root, "build")) == (0, 4, 0), "prose edits upstream run nothing"


def test_a_cycle_is_reported_with_its_members(tmp_path):
    root = make_garden(tmp_path, {
        "A.md": "- a\n" + fence("python", "#| uses: [[B]]\nx = 1"),
        "B.md": "- b\n" + fence("python", "#| uses: [[A]]\ny = 2"),
        "Loner.md": LONER,
    })
    proc = run_garden(root, "build")
    assert proc.returncode == 1
    assert "notes/A.md:2: UsesError: uses form a cycle: A → B → A" in proc.stderr
    assert "notes/B.md:2: UsesError: uses form a cycle: B → A → B" in proc.stderr
    assert "loner ran" in stdout_of(root, "loner.html")


def test_uses_of_a_missing_page_is_an_error_at_the_using_block(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n    - text\n" + fence("python", "#| uses: [[Nowhere]]\nx = 1")})
    proc = run_garden(root, "build")
    assert "notes/A.md:3: UsesError: uses [[Nowhere]], which has no note (a ghost page)" in proc.stderr
    assert 'class="output error"' in (root / "site" / "a.html").read_text()


def test_a_failure_upstream_is_reported_at_the_dependents_line(tmp_path):
    root = make_garden(tmp_path, {
        "Base.md": "- base\n" + fence("python", "def f():\n    return 1 / 0\n\nvalue = f()"),
        "Top.md": "- intro\n    - more\n" + fence("python", "print('before')") + fence("python", "#| uses: [[Base]]\nprint(value)"),
    })
    proc = run_garden(root, "build")
    assert proc.returncode == 1
    assert "notes/Base.md:4: ZeroDivisionError: division by zero" in proc.stderr
    assert re.search(r"notes/Top\.md:6: UsesError: a used note failed: notes/Base\.md:4: ZeroDivisionError", proc.stderr), proc.stderr


def test_check_and_pytest_follow_the_same_order(pytester):
    checked = NETWORK + "      ```output\n      ['activation', 'neuron', 'network']\n      0.5\n      False\n      ```\n"
    root = make_garden(pytester.path, {**GARDEN, "Neural Network.md": checked})
    proc = run_garden(root, "check", "notes/Neural Network.md")
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "1 passed, 0 failed"
    run_pytest(pytester, "-q").assert_outcomes(passed=4)


def test_check_blames_the_using_block_when_a_used_note_fails(tmp_path):
    root = make_garden(tmp_path, {
        "B.md": "- b\n" + fence("python", "raise ValueError('upstream')"),
        "A.md": "- a\n" + fence("python", "x = 1") + fence("python", "#| uses: [[B]]\nprint(x)"),
    })
    proc = run_garden(root, "check", "notes/A.md")
    assert re.search(r"^notes/A\.md:5: UsesError: a used note failed: notes/B\.md:3: ValueError", proc.stdout, re.M), proc.stdout
    assert proc.stdout.strip().splitlines()[-1] == "0 passed, 1 failed, 1 skipped"


def test_uses_without_links_is_an_option_error(tmp_path):
    root = make_garden(tmp_path, {"A.md": "- a\n" + fence("python", "#| uses: Base\nx = 1")})
    proc = run_garden(root, "build")
    assert "notes/A.md:3: OptionError: bad value 'Base' for option 'uses'" in proc.stderr, proc.stderr


def test_uses_links_are_read_like_any_link(tmp_path):
    garden = {**GARDEN,
              "Neuron.md": NEURON.replace("[[Activation Function]]", "[[Activation Function#Definitions|the functions]]"),
              "Neural Network.md": NETWORK.replace("[[Neuron]]", "[[Neuron|the neuron]]")}
    root = make_garden(tmp_path, garden)
    proc = run_garden(root, "build")
    assert proc.returncode == 0, proc.stderr
    assert "0.5" in stdout_of(root, "neural-network.html")
    titles = {node["title"] for node in load_graph(root / "site")["nodes"]}
    assert not any("|" in title or "#" in title for title in titles), titles
    assert {"source": "Neural Network", "target": "Neuron", "kind": "uses"} in load_graph(root / "site")["links"]
