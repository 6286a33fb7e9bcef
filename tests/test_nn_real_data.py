"""Network blocks on the real data sets scikit-learn ships (digits, iris): the built page, the
build's and `garden check`'s messages, the cache key, and a worker without scikit-learn."""

from __future__ import annotations

import re

import pytest

from helpers import make_garden, read_html, run_garden
from run_helpers import line_of
from test_build_exec import counts, fence
from test_cache_keys import install_fake_version

from garden.code.blocks import code_block
from garden.syntax import make_parser

DIGITS_SIZE = 1797  # images in scikit-learn's digits

DIGITS = """\
layers = [64, 16, 10]
output_activation = "softmax"
[train]
data = "digits"
epochs = 10
learning_rate = 0.1
batch_size = 32
loss = "cross_entropy"
[expect]
accuracy_at_least = 0.85
"""
IRIS = """\
layers = [4, 6, 3]
output_activation = "softmax"
seed = 3
[train]
data = "iris"
test_fraction = 0.2
epochs = 60
learning_rate = 0.1
batch_size = 10
loss = "cross_entropy"
[expect]
accuracy_at_least = 0.85
"""
ONE_EPOCH = IRIS.replace("epochs = 60", "epochs = 1").replace("accuracy_at_least = 0.85", "accuracy_at_least = 0.99")
XOR = 'layers = [2, 3, 1]\n[train]\ndata = "xor"\nepochs = 50\n'
WRONG_OUTPUTS = 'layers = [64, 16, 3]\n[train]\ndata = "digits"\n'
REAL = ("- Digits\n" + fence("network", DIGITS) + "- Iris\n" + fence("network", IRIS) +
        "- Iris after one epoch\n" + fence("network", ONE_EPOCH) +
        "- Three outputs for ten digits\n" + fence("network", WRONG_OUTPUTS))


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """(garden root, the build) of one note with each kind of real-data block, the last one wrong."""
    root = make_garden(tmp_path_factory.mktemp("real"), {"Real.md": REAL})
    return root, run_garden(root, "build")


def cell_texts(svg, cls: str) -> list[str]:
    return [element.text() for element in svg.find_all("text", cls)]


def trained_blocks(root) -> list:
    return read_html(root / "site" / "real.html").find_all("div", "nn-training")


def table_row(block, name: str) -> str:
    """The value in a block's training table for `name`."""
    return next(row.find("td").text() for row in block.find_all("tr")
                if row.find("th") and row.find("th").text() == name)


def confusion_rows(block, classes: int) -> list[list[int]]:
    """The counts of the block's confusion matrix, row by row, checking both axes are labelled."""
    (svg,) = block.find_all("svg", "nn-confusion")
    assert svg.get("role") == "img" and "rows are the true class" in svg.find("title").text()
    assert len(cell_texts(svg, "nn-tick")) == 2 * classes
    counts_ = [int(count) for count in cell_texts(svg, "nn-count")]
    return [counts_[row * classes:(row + 1) * classes] for row in range(classes)]


def test_the_page_shows_test_accuracy_and_the_test_sets_confusion_matrix(real):
    root, _ = real
    blocks = trained_blocks(root)
    assert len(blocks) == 3
    for block, classes in zip(blocks, (10, 3, 3)):
        rows = confusion_rows(block, classes)
        held_out = int(re.search(r"(\d+) held out for testing", table_row(block, "data"))[1])
        assert sum(map(sum, rows)) == held_out
        right = sum(rows[index][index] for index in range(classes))
        assert table_row(block, "test accuracy") == f"{right / held_out:.1%}"
        assert re.fullmatch(r"\d+\.\d%", table_row(block, "training accuracy"))
    digits, iris = blocks[0], blocks[1]
    assert cell_texts(digits.find("svg", "nn-confusion"), "nn-tick")[:4] == ["0", "0", "1", "1"]
    assert cell_texts(iris.find("svg", "nn-confusion"), "nn-tick")[:2] == ["setosa", "setosa"]
    trained = int(re.search(r"(\d+) training samples", table_row(digits, "data"))[1])
    held_out = sum(map(sum, confusion_rows(digits, 10)))
    assert trained + held_out == DIGITS_SIZE and held_out == pytest.approx(DIGITS_SIZE / 4, abs=2)
    assert [sum(row) for row in confusion_rows(iris, 3)] == [10, 10, 10], "a fifth of each class's 50 flowers"


def test_an_output_layer_of_the_wrong_size_is_named_at_its_line(real):
    root, build = real
    line = line_of((root / "notes" / "Real.md").read_text(), "layers = [64, 16, 3]")
    message = "SpecError: layers: data set 'digits' has 10 classes, so the output layer needs 10 outputs, not 3"
    assert build.returncode == 1
    assert f"notes/Real.md:{line}: {message}" in build.stderr.splitlines(), build.stderr
    assert message in read_html(root / "site" / "real.html").find("pre", "traceback").text()


def test_check_judges_accuracy_at_least_on_the_test_set(real):
    root, _ = real
    text = (root / "notes" / "Real.md").read_text()
    check = run_garden(root, "check")
    *problems, summary = check.stdout.splitlines()
    assert check.returncode == 1 and summary == "2 passed, 2 failed", check.stdout
    failing = re.fullmatch(rf"notes/Real\.md:{line_of(text, 'accuracy_at_least = 0.99')}: expect\.accuracy_at_least: "
                           r"train\.test\.accuracy is (0\.\d+), expected at least 0\.99", problems[0])
    assert failing, check.stdout
    one_epoch = trained_blocks(root)[2]
    shown = table_row(one_epoch, "test accuracy")
    assert f"{float(failing[1]):.1%}" == shown != table_row(one_epoch, "training accuracy")
    assert problems[1].startswith(f"notes/Real.md:{line_of(text, 'layers = [64, 16, 3]')}: SpecError: layers: ")
    assert len(problems) == 2, "the other two blocks' accuracy holds"


def test_the_parse_stage_names_the_module_a_data_set_comes_from():
    def imports(source: str) -> tuple[str, ...]:
        return code_block("network", source, 1, make_parser()).imports

    assert imports(DIGITS) == imports(IRIS) == ("sklearn",)
    assert imports('layers = [2, 1]\n[train]\ndata = "xor"\n') == imports("layers = [2, 1]\n[train\n") == ()
    assert imports("x = " + "[" * 5000) == (), "nested too deep for the TOML reader"


def test_without_scikit_learn_the_block_says_how_to_install_it(tmp_path, monkeypatch):
    """The workers import from a folder whose `sklearn` fails as a missing package does; the build
    goes on. A new scikit-learn version (as installing it would bring) runs the block again."""
    hidden = tmp_path / "without-sklearn" / "sklearn"
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'sklearn'\", name='sklearn')\n")
    monkeypatch.setenv("PYTHONPATH", str(hidden.parent))
    notes = {"Flowers.md": "- Iris\n" + fence("network", IRIS), "Gate.md": "- XOR\n" + fence("network", XOR)}
    root = make_garden(tmp_path / "garden", notes)
    build = run_garden(root, "build")
    line = line_of(notes["Flowers.md"], 'data = "iris"')
    message = "data = \"iris\" needs scikit-learn: pip install 'garden[data]'"
    assert counts(build) == (2, 0, 1)
    assert build.stderr.splitlines() == [f"notes/Flowers.md:{line}: {message}"]
    assert read_html(root / "site" / "flowers.html").find("pre", "traceback").text() == message
    assert read_html(root / "site" / "gate.html").find("div", "nn-training") is not None, "the rest is built"
    install_fake_version(monkeypatch, tmp_path / "fake", "scikit_learn", "999.0")
    assert counts(run_garden(root, "build")) == (1, 1, 1), "only the block on iris runs again"
