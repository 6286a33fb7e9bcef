"""Tests for the neuron/network block specs, their rendering and the SVG helpers."""

import json
import math
import re
from html import unescape

import pytest

from garden.nn import Network, load_dataset
from garden.nn.blocks import SpecError, execute_spec, render_spec_result
from garden.nn.decision import GRID, LEVELS
from garden.nn.render import tex_number
from garden.nn.svg import line_chart_svg, nice_ticks, x_pixels

NEURON = """\
inputs = [1.0, 2.0]
weights = [0.5, -0.3]
bias = 0.1
"""

XOR = """\
layers = [2, 4, 1]
activation = "tanh"
output_activation = "sigmoid"
input = [[0, 0], [0, 1], [1, 0], [1, 1]]

[train]
data = "xor"
epochs = 2000
learning_rate = 1.0
loss = "cross_entropy"
"""

ALLOWED_URLS = {"http://www.w3.org/2000/svg", "http://www.w3.org/1998/Math/MathML"}


def spec_error(kind, source):
    with pytest.raises(SpecError) as info:
        execute_spec(kind, source)
    return info.value


# -- neuron -------------------------------------------------------------------


def test_neuron_numbers_by_hand():
    result = execute_spec("neuron", "inputs = [2, -1]\nweights = [0.5, 1.5]\nbias = 0.25\n")
    z = 0.5 * 2 + 1.5 * -1 + 0.25
    assert result["z"] == pytest.approx(z)
    assert result["a"] == pytest.approx(1 / (1 + math.exp(-z)))
    assert result["inputs"] == [2.0, -1.0] and result["weights"] == [0.5, 1.5]
    assert result["activation"] == "sigmoid" and result["expect"] is None


def test_neuron_defaults_and_expect_table_is_stored():
    result = execute_spec("neuron", "inputs = [3]\nweights = [-1]\nactivation = \"relu\"\n[expect]\na = 7\n")
    assert result["bias"] == 0.0
    assert result["a"] == 0.0
    assert result["expect"] == {"a": 7}  # stored, not checked


def test_neuron_result_is_json_serialisable():
    result = execute_spec("neuron", NEURON)
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize(
    "source, key",
    [
        ('inputs = [1, 2]\nweights = [1]\n', "weights"),
        ('inputs = [1]\nweights = [1]\nactivation = "swish"\n', "activation"),
        ('inputs = [1]\nweights = [1]\nactivation = "softmax"\n', "activation"),
        ('inputs = [1]\nweights = [1]\nbais = 2\n', "bais"),
        ('inputs = "1, 2"\nweights = [1, 2]\n', "inputs"),
        ('inputs = [1]\nweights = [1]\nbias = "big"\n', "bias"),
        ('weights = [1]\n', "inputs"),
        ('inputs = []\nweights = []\n', "inputs"),
    ],
)
def test_neuron_spec_errors_name_the_key(source, key):
    assert spec_error("neuron", source).key == key


def test_unknown_key_suggests_closest_and_gives_line():
    error = spec_error("neuron", "inputs = [1]\nweights = [1]\nactivaton = \"tanh\"\n")
    assert error.key == "activaton"
    assert "'activation'" in error.message
    assert error.line == 3


def test_unknown_activation_lists_valid_names():
    error = spec_error("neuron", 'inputs = [1]\nweights = [1]\nactivation = "sigmoidd"\n')
    assert "sigmoid" in error.message and "tanh" in error.message and "relu" in error.message


@pytest.mark.parametrize(
    "source, line",
    [
        ("inputs = [1, 2]\nweights = [1, \n", 2),  # unclosed array: end of document
        ("inputs = [1]\nweights = \nbias = 1\n", 2),
        ('layers = [2, 1]\n[train]\ndata = "xor\n', 3),
    ],
)
def test_toml_syntax_error_gives_line(source, line):
    error = spec_error("network" if "layers" in source else "neuron", source)
    assert error.line == line
    assert error.key is None
    assert "TOML" in error.message


def test_unknown_block_kind():
    assert "perceptron" in spec_error("perceptron", NEURON).message


# -- network ------------------------------------------------------------------


@pytest.fixture(scope="module")
def xor_result():
    return execute_spec("network", XOR)


def test_network_xor_training_result(xor_result):
    train = xor_result["train"]
    assert train["accuracy"] == 1.0
    assert train["final_loss"] < 0.1 * train["initial_loss"]
    assert train["loss_history"]["loss"][0] == train["initial_loss"]
    assert train["loss_history"]["loss"][-1] == train["final_loss"]
    assert xor_result["parameter_count"] == 17 == xor_result["trainable_parameter_count"]
    assert [round(y[0]) for y in xor_result["outputs"]] == [0, 1, 1, 0]
    assert json.loads(json.dumps(xor_result)) == xor_result


def test_loss_history_is_downsampled(xor_result):
    epochs = xor_result["train"]["loss_history"]["epoch"]
    assert 100 <= len(epochs) <= 200
    assert epochs[0] == 0 and epochs[-1] == 2000
    assert epochs == sorted(set(epochs))


def test_checkpoints_hold_the_loss_after_their_epoch(xor_result):
    train = xor_result["train"]
    epochs, losses = train["checkpoints"]["epoch"], train["checkpoints"]["loss"]
    assert len(epochs) == 16 and epochs == sorted(set(epochs))
    assert (epochs[0], epochs[-1]) == (0, 2000)
    assert (losses[0], losses[-1]) == (train["initial_loss"], train["final_loss"])
    x, y = load_dataset("xor")
    network = Network([2, 4, 1], "tanh", "sigmoid", seed=0)
    assert network.train(x, y, epochs[3], 1.0, "cross_entropy")[-1] == losses[3]


def cell_at(record, a, b):
    """The map cell that holds the point (a, b)."""
    (x_low, x_high), (y_low, y_high) = record["area"]
    column = int((a - x_low) / (x_high - x_low) * GRID)
    row = int((y_high - b) / (y_high - y_low) * GRID)
    return row * GRID + column


def test_decision_map_shows_the_networks_classes_at_each_checkpoint(xor_result):
    record = xor_result["train"]["decision_map"]
    assert len(record["frames"]) == len(xor_result["train"]["checkpoints"]["epoch"])
    assert all(len(frame) == GRID * GRID for frame in record["frames"])
    (x_low, x_high), (y_low, y_high) = record["area"]
    assert x_low < 0 and x_high > 1 and y_low < 0 and y_high > 1  # the data, with a margin
    final = record["frames"][-1]
    for (a, b), output in zip(xor_result["inputs"], xor_result["outputs"]):
        assert final[cell_at(record, a, b)] // LEVELS == int(output[0] > 0.5)
        assert final[cell_at(record, a, b)] % LEVELS == LEVELS - 1  # a trained network is sure
    assert record["frames"][0] != final
    assert record["points"] == [[0.0, 0.0, 0], [0.0, 1.0, 1], [1.0, 0.0, 1], [1.0, 1.0, 0]]


def test_decision_map_only_for_classifiers_of_two_inputs():
    regression = ('layers = [2, 1]\noutput_activation = "identity"\n'
                  "[train]\nx = [[0, 0], [1, 2]]\ny = [0.5, 3]\nlearning_rate = 0.05\nepochs = 50\n")
    one_input = 'layers = [1, 1]\n[train]\nx = [0, 1]\ny = [0, 1]\n'
    for source in (regression, one_input):
        train = execute_spec("network", source)["train"]
        assert train["decision_map"] is None and len(train["checkpoints"]["epoch"]) == 16


def test_network_weights_have_layer_shapes(xor_result):
    shapes = [(len(w), len(w[0])) for w in xor_result["weights"]]
    assert shapes == [(2, 4), (4, 1)]
    assert [len(b) for b in xor_result["biases"]] == [4, 1]


def test_network_without_training():
    result = execute_spec("network", "layers = [3, 2]\ninput = [1, 2, 3]\n")
    assert result["train"] is None
    assert result["parameter_count"] == 8
    assert len(result["outputs"]) == 1 and len(result["outputs"][0]) == 2


def test_freeze_in_spec_keeps_weights_and_counts_trainable():
    untrained = execute_spec("network", "layers = [2, 4, 1]\n")
    frozen = execute_spec("network", XOR.replace('loss = "cross_entropy"', 'loss = "mse"\nfreeze = [0]'))
    assert frozen["weights"][0] == untrained["weights"][0]
    assert frozen["weights"][1] != untrained["weights"][1]
    assert frozen["frozen"] == [0]
    assert frozen["trainable_parameter_count"] == 5


def test_inline_data_mini_batch_and_softmax_labels():
    source = """\
layers = [2, 3, 2]
output_activation = "softmax"
[train]
x = [[0, 0], [0, 1], [1, 0], [1, 1], [0.9, 0.1], [0.1, 0.9]]
y = [0, 1, 1, 1, 1, 1]
epochs = 300
learning_rate = 0.5
loss = "cross_entropy"
batch_size = 2
"""
    train = execute_spec("network", source)["train"]
    assert train["data"] == "inline" and train["samples"] == 6 and train["batch_size"] == 2
    assert train["final_loss"] < train["initial_loss"]
    assert train["accuracy"] == 1.0
    record = train["decision_map"]
    assert [label for _, _, label in record["points"]] == [0, 1, 1, 1, 1, 1]
    assert record["frames"][-1][cell_at(record, 0, 0)] // LEVELS == 0
    assert record["frames"][-1][cell_at(record, 1, 1)] // LEVELS == 1


def test_regression_data_has_no_accuracy():
    source = (
        'layers = [1, 8, 1]\noutput_activation = "identity"\n'
        '[train]\ndata = "sine"\nepochs = 20\nlearning_rate = 0.05\n'
    )
    train = execute_spec("network", source)["train"]
    assert train["accuracy"] is None
    assert train["final_loss"] < train["initial_loss"]


@pytest.mark.parametrize(
    "source, key",
    [
        ("layers = [2, 0, 1]\n", "layers"),
        ("layers = [2, -3, 1]\n", "layers"),
        ("layers = [2]\n", "layers"),
        ('layers = ["2", 1]\n', "layers"),
        ('layers = [2, 1]\nactivation = "gelu"\n', "activation"),
        ('layers = [2, 1]\noutput_activation = "softmax"\n', "output_activation"),
        ("layers = [2, 1]\nseed = 1.5\n", "seed"),
        ("layers = [2, 1]\nlayer = [2]\n", "layer"),
        ("layers = [2, 1]\ninput = [1, 2, 3]\n", "input"),
        ("layers = [2, 1]\ntrain = 5\n", "train"),
        ('layers = [2, 4, 1]\n[train]\ndata = "xor"\nfreeze = [2]\n', "train.freeze"),
        ('layers = [2, 4, 1]\n[train]\ndata = "spirals"\n', "train.data"),
        ('layers = [3, 1]\n[train]\ndata = "xor"\n', "train.data"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nepoch = 10\n', "train.epoch"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nepochs = 0\n', "train.epochs"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nlearning_rate = -1\n', "train.learning_rate"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nloss = "hinge"\n', "train.loss"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nbatch_size = 0\n', "train.batch_size"),
        ('layers = [2, 1]\noutput_activation = "tanh"\n[train]\ndata = "xor"\nloss = "cross_entropy"\n',
         "train.loss"),
        ("layers = [2, 1]\n[train]\nx = [[0, 1], [1, 0]]\ny = [1]\n", "train.y"),
        ("layers = [2, 1]\n[train]\nx = [[0, 1, 2]]\ny = [1]\n", "train.x"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\nx = [[0, 1]]\n', "train.x"),
        ("layers = [2, 1]\n[train]\nepochs = 5\n", "train.data"),
        ('layers = [2, 1]\n[train]\ndata = "xor"\ntest_fraction = 0.2\n', "train.test_fraction"),
        ('layers = [4, 3]\n[train]\ndata = "iris"\ntest_fraction = 1.5\n', "train.test_fraction"),
        ('layers = [4, 3]\n[train]\ndata = "iris"\ntest_fraction = 0\n', "train.test_fraction"),
        ('layers = [4, 3]\n[train]\ndata = "iris"\ntest_fraction = "a quarter"\n', "train.test_fraction"),
    ],
)
def test_network_spec_errors_name_the_key(source, key):
    assert spec_error("network", source).key == key


def test_nested_error_points_at_its_line():
    source = 'layers = [2, 4, 1]\n\n[train]\ndata = "xor"\nfreeze = [5]\n'
    error = spec_error("network", source)
    assert (error.key, error.line) == ("train.freeze", 5)
    assert "0..1" in error.message
    assert "line 5" in str(error) and "train.freeze" in str(error)


def test_diverging_training_is_reported():
    source = 'layers = [1, 1]\noutput_activation = "identity"\n[train]\nx = [1e100]\ny = [1]\nepochs = 5\n'
    assert spec_error("network", source).key == "train.learning_rate"


# -- rendering ----------------------------------------------------------------


def assert_self_contained(html):
    assert "<math" in html and "<svg" in html
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= ALLOWED_URLS
    assert "<script" not in html.lower()


def test_render_neuron_substitutes_numbers():
    html = render_spec_result("neuron", execute_spec("neuron", NEURON))
    assert_self_contained(html)
    assert "<mn>0.475</mn>" in render_spec_result(
        "neuron", execute_spec("neuron", "inputs = [1]\nweights = [-0.1]\n"))
    assert "<mn>0.3</mn>" in html and "&#x003C3;" in html  # −0.3 and σ
    assert "nn-edge-neg" in html and "nn-edge-pos" in html


def data_attribute(html, name):
    match = re.search(rf'data-{name}="([^"]*)"', html)
    return json.loads(unescape(match.group(1))) if match else None


def test_render_network_with_training(xor_result):
    html = render_spec_result("network", xor_result)
    assert_self_contained(html)
    assert html.count("<svg") == 3  # diagram, loss curve and decision map
    assert "nn-chart" in html and "final loss" in html and "100.0%" in html
    assert "<mn>17</mn>" in html  # parameter count formula
    assert 'class="nn-chart nn-decision-map"' in html
    assert '<tspan class="nn-map-epoch">2000</tspan>' in html


def test_render_network_embeds_its_checkpoints_for_the_epoch_slider(xor_result):
    html = render_spec_result("network", xor_result)
    train = xor_result["train"]
    data = data_attribute(html, "training")
    assert data["epochs"] == train["checkpoints"]["epoch"] and data["losses"] == train["checkpoints"]["loss"]
    assert data["marks"] == x_pixels(train["loss_history"]["epoch"], data["epochs"])
    assert data["marks"] == sorted(data["marks"]) and data["marks"][0] < data["marks"][-1]
    mark = data["marks"][-1]
    assert re.search(rf'<line x1="{mark:g}" x2="{mark:g}" [^>]*class="nn-marker"', html)
    assert data["map"]["frames"] == train["decision_map"]["frames"]
    assert data["map"]["size"] == GRID and len(data["map"]["opacity"]) == data["map"]["levels"] == LEVELS
    untrained = render_spec_result("network", execute_spec("network", "layers = [2, 1]\n"))
    assert data_attribute(untrained, "training") is None


def test_render_neuron_embeds_its_numbers_and_every_definition():
    result = execute_spec("neuron", NEURON + 'activation = "tanh"\n')
    html = render_spec_result("neuron", result)
    data = data_attribute(html, "neuron")
    assert {key: data[key] for key in ("inputs", "weights", "bias", "activation")} == {
        "inputs": [1.0, 2.0], "weights": [0.5, -0.3], "bias": 0.1, "activation": "tanh"}
    assert data["activations"] == ["identity", "sigmoid", "tanh", "relu"]
    definitions = re.findall(r'<div class="nn-definition" data-activation="(\w+)"( hidden)?>', html)
    assert definitions == [("identity", " hidden"), ("sigmoid", " hidden"), ("tanh", ""), ("relu", " hidden")]
    infinite = render_spec_result("neuron", execute_spec("neuron", "inputs = [inf]\nweights = [1]\n"))
    assert data_attribute(infinite, "neuron") is None  # nothing a page could compute with


def test_render_marks_frozen_layers():
    result = execute_spec("network", 'layers = [2, 3, 1]\n[train]\ndata = "and"\nepochs = 5\nfreeze = [1]\n')
    html = render_spec_result("network", result)
    assert_self_contained(html)
    assert "nn-frozen" in html and "frozen" in html
    assert "trainable" in html


def test_render_rejects_unknown_kind():
    with pytest.raises(ValueError):
        render_spec_result("perceptron", {})


def test_svg_uses_current_color_not_fixed_colours(xor_result):
    html = render_spec_result("network", xor_result)
    svg_parts = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    for svg in svg_parts:
        assert "currentColor" in svg
        assert not re.search(r'(stroke|fill)="#', svg)


def test_tex_number():
    assert tex_number(0.4750208) == "0.475"
    assert tex_number(-2.7e-17) == "0"
    assert tex_number(-0.3) == "-0.3"
    assert tex_number(2.0) == "2"
    assert tex_number(1.5e-5) == r"1.50 \times 10^{-5}"


# -- generic SVG helpers ------------------------------------------------------


def test_nice_ticks_cover_range():
    assert nice_ticks(0, 50) == [0, 20, 40, 60]
    ticks = nice_ticks(0.004, 0.64)
    assert ticks[0] <= 0.004 and ticks[-1] >= 0.64 and len(ticks) <= 7


def test_line_chart_escapes_text_and_draws_each_series():
    svg = line_chart_svg({"a<b": ([0, 1, 2], [3, 2, 1]), "c": ([0, 2], [1, 1])}, "x & y", "loss")
    assert "a&lt;b" in svg and "x &amp; y" in svg
    assert "a<b" not in svg and "x & y" not in svg
    assert svg.count("<polyline") == 2
    assert "nn-legend" in svg


def test_line_chart_log_scale_ticks_are_powers_of_ten():
    svg = line_chart_svg({"loss": ([0, 1, 2], [1.0, 0.1, 0.001])}, "epoch", "loss", log_y=True)
    y_labels = re.findall(r'class="nn-tick"[^>]*text-anchor="end"[^>]*>([^<]+)<', svg)
    assert y_labels == ["0.001", "0.01", "0.1", "1"]
    with pytest.raises(ValueError):
        line_chart_svg({"loss": ([0, 1], [1.0, 0.0])}, "epoch", "loss", log_y=True)


def test_plot_accepts_numpy_arrays_and_shows_as_svg():
    import numpy as np

    from garden.nn import plot

    chart = plot({"square": (np.arange(4), np.arange(4) ** 2)}, "x", "x squared")
    svg = chart._repr_svg_()
    assert svg.startswith("<svg") and "x squared" in svg
