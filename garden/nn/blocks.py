"""The ``neuron`` and ``network`` fenced blocks: TOML spec in, result dict out.

``execute_spec`` validates a block body and runs it, returning plain lists and
floats (JSON-serialisable); ``render_spec_result`` turns that into HTML.
"""

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from .activations import ACTIVATION_NAMES, ELEMENTWISE_NAMES
from .datasets import DATASET_NAMES, load_dataset
from .decision import DecisionRecorder, map_area
from .losses import LOSS_NAMES, accuracy
from .network import Network
from .neuron import Neuron
from .real_data import PACKAGE, REAL_DATASET_NAMES, confusion_counts, load_labelled, scale, stratified_split
from .render import render_network, render_neuron
from .spec import MissingPackage, SpecError, SpecTable, parse_toml

__all__ = ["SpecError", "execute_spec", "render_spec_result"]

NEURON_KEYS = ("inputs", "weights", "bias", "activation", "expect")
NETWORK_KEYS = ("layers", "activation", "output_activation", "seed", "train", "input", "expect")
TRAIN_KEYS = ("data", "x", "y", "test_fraction", "epochs", "learning_rate", "loss", "freeze", "batch_size")
DATA_NAMES = DATASET_NAMES + REAL_DATASET_NAMES
TEST_FRACTION = 0.25  # of a real data set, held out to test the trained network on

MAX_WIDTH = 256
MAX_EPOCHS = 100_000
# epochs × samples × parameters: keeps a site build from stalling on one block.
MAX_TRAINING_WORK = 2_000_000_000
MAX_HISTORY_POINTS = 200
CHECKPOINTS = 16  # epochs whose loss (and decision map) a page's epoch slider shows


def execute_spec(kind: str, source: str) -> dict[str, Any]:
    """Validate and run a ``neuron`` or ``network`` block body."""
    runners = {"neuron": _run_neuron, "network": _run_network}
    if kind not in runners:
        raise SpecError(f"unknown block kind {kind!r}; expected neuron or network")
    spec = SpecTable(parse_toml(source), source)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        return runners[kind](spec)


def render_spec_result(kind: str, result: dict[str, Any]) -> str:
    """HTML fragment (MathML formula, SVG diagram, training charts) for a result."""
    renderers = {"neuron": render_neuron, "network": render_network}
    if kind not in renderers:
        raise ValueError(f"unknown block kind {kind!r}; expected neuron or network")
    return renderers[kind](result)


def _expect(spec: SpecTable) -> dict[str, Any] | None:
    """The optional ``expect`` table, stored untouched for checking elsewhere."""
    table = spec.table("expect")
    if table is None:
        return None
    try:
        json.dumps(table.data)
    except TypeError:
        raise spec.error("expect", "expect may only hold numbers, strings, booleans and arrays") from None
    return table.data


def _run_neuron(spec: SpecTable) -> dict[str, Any]:
    spec.check_keys(NEURON_KEYS)
    inputs = spec.numbers("inputs")
    weights = spec.numbers("weights")
    if not inputs:
        raise spec.error("inputs", "inputs must not be empty")
    if len(weights) != len(inputs):
        raise spec.error(
            "weights", f"weights has {len(weights)} numbers but inputs has {len(inputs)}; "
            "a neuron needs one weight per input"
        )
    bias = spec.number("bias", 0.0)
    activation = spec.choice("activation", ELEMENTWISE_NAMES, "sigmoid")
    neuron = Neuron(weights, bias, activation)
    return {
        "kind": "neuron",
        "inputs": inputs,
        "weights": weights,
        "bias": bias,
        "activation": activation,
        "z": float(neuron.pre_activation(inputs)),
        "a": float(neuron(inputs)),
        "expect": _expect(spec),
    }


def _run_network(spec: SpecTable) -> dict[str, Any]:
    spec.check_keys(NETWORK_KEYS)
    widths = spec.integers("layers")
    if len(widths) < 2:
        raise spec.error("layers", "layers needs at least two widths (input and output), e.g. [2, 4, 1]")
    if any(not 1 <= width <= MAX_WIDTH for width in widths):
        raise spec.error("layers", f"layer widths must be between 1 and {MAX_WIDTH}, got {widths}")
    activation = spec.choice("activation", ACTIVATION_NAMES, "tanh")
    output_activation = spec.choice("output_activation", ACTIVATION_NAMES, "sigmoid")
    if output_activation == "softmax" and widths[-1] < 2:
        raise spec.error("output_activation", "softmax needs at least two outputs")
    seed = spec.integer("seed", 0)
    network = Network(widths, activation, output_activation, seed)

    train_table = spec.table("train")
    training = _train(network, train_table) if train_table is not None else None
    frozen = training["freeze"] if training else []

    inputs = spec.rows("input", widths[0]) if spec.has("input") else None
    return {
        "kind": "network",
        "layers": widths,
        "activation": activation,
        "output_activation": output_activation,
        "seed": seed,
        "weights": [layer.weights.tolist() for layer in network.dense],
        "biases": [layer.biases.tolist() for layer in network.dense],
        "frozen": frozen,
        "parameter_count": network.parameter_count(),
        "trainable_parameter_count": network.parameter_count(exclude=frozen),
        "train": training,
        "inputs": inputs,
        "outputs": network(np.array(inputs)).tolist() if inputs is not None else None,
        "expect": _expect(spec),
    }


@dataclass(frozen=True)
class TrainingData:
    """What a network trains on (``y`` shaped like its outputs) and, for a real data set, the test
    split held out from it: inputs and class labels, with the classes' names."""

    name: str
    x: np.ndarray
    y: np.ndarray
    test: tuple[np.ndarray, np.ndarray] | None = None
    classes: tuple[str, ...] = ()
    fraction: float | None = None


def _training_data(network: Network, spec: SpecTable) -> TrainingData:
    """A built-in data set, inline ``x``/``y`` arrays, or the training split of a real data set."""
    n_in, n_out = network.layers[0], network.layers[-1]
    if spec.has("data"):
        for key in ("x", "y"):
            if spec.has(key):
                raise spec.error(key, "give either data or inline x and y, not both")
        name = spec.choice("data", DATA_NAMES)
        if name in REAL_DATASET_NAMES:
            return _held_out(network, spec, name)
        x, y = load_dataset(name, seed=network.seed)
        if x.shape[1] != n_in:
            raise spec.error(
                "data", f"data set {name!r} has {x.shape[1]} inputs but layers starts with {n_in}"
            )
    elif spec.has("x") or spec.has("y"):
        name = "inline"
        x = np.array(spec.rows("x", n_in))
        y = np.array(spec.rows("y", 1 if n_out > 1 and _is_flat(spec, "y") else n_out))
        if len(y) != len(x):
            raise spec.error("y", f"y has {len(y)} samples but x has {len(x)}")
    else:
        raise spec.error("data", f"train needs data (one of {', '.join(DATA_NAMES)}) or inline x and y")
    if spec.has("test_fraction"):
        raise spec.error("test_fraction", f"test_fraction is for the real data sets "
                                          f"({', '.join(REAL_DATASET_NAMES)}), which hold out a test split")
    if y.shape[1] != n_out:  # one column of class labels for several (softmax) outputs
        labels = y.ravel()
        if not np.all((labels == np.round(labels)) & (labels >= 0) & (labels < n_out)):
            key = "data" if name != "inline" else "y"
            raise spec.error(key, f"targets have 1 column but the network has {n_out} outputs; "
                             f"one column must hold class labels 0..{n_out - 1}")
        y = np.eye(n_out)[labels.astype(int)]
    return TrainingData(name, x, y)


def _held_out(network: Network, spec: SpecTable, name: str) -> TrainingData:
    """The training split of a real data set, scaled, with its test split held out (stratified,
    drawn with the block's seed)."""
    fraction = spec.number("test_fraction", TEST_FRACTION)
    if not 0 < fraction < 1:
        raise spec.error("test_fraction", f"test_fraction must be between 0 and 1, got {fraction:g}")
    try:
        data = load_labelled(name)
    except ImportError as error:
        if (error.name or "").partition(".")[0] != "sklearn":
            raise
        problem = spec.error("data", f'data = "{name}" needs {PACKAGE}: pip install \'garden[data]\'')
        raise MissingPackage(problem.message, line=problem.line) from None
    n_in, n_out = network.layers[0], network.layers[-1]
    width, classes = data.x.shape[1], len(data.classes)
    if n_in != width:
        raise spec.top_error("layers", f"data set {name!r} has {width} inputs, so layers must start with "
                                       f"{width}, not {n_in}")
    if n_out != classes:
        raise spec.top_error("layers", f"data set {name!r} has {classes} classes, so the output layer "
                                       f"needs {classes} outputs, not {n_out}")
    train, test = stratified_split(data.labels, fraction, network.seed)
    x_train, x_test = scale(name, data.x[train], data.x[test])
    return TrainingData(name, x_train, np.eye(classes)[data.labels[train]], (x_test, data.labels[test]),
                        data.classes, fraction)


def _test_result(network: Network, data: TrainingData) -> dict[str, Any] | None:
    """Accuracy and confusion matrix of the trained network on the held-out test split."""
    if data.test is None:
        return None
    x, labels = data.test
    predicted = network(x).argmax(axis=-1)
    return {
        "fraction": data.fraction,
        "samples": len(labels),
        "accuracy": float(np.mean(predicted == labels)),
        "classes": list(data.classes),
        "confusion": confusion_counts(labels, predicted, len(data.classes)),
    }


def _is_flat(spec: SpecTable, key: str) -> bool:
    value = spec.data.get(key)
    return isinstance(value, list) and all(not isinstance(v, list) for v in value)


def _train(network: Network, spec: SpecTable) -> dict[str, Any]:
    spec.check_keys(TRAIN_KEYS)
    data = _training_data(network, spec)
    name, x, y = data.name, data.x, data.y
    epochs = spec.integer("epochs", 1000, low=1, high=MAX_EPOCHS)
    learning_rate = spec.number("learning_rate", 0.5, positive=True)
    loss = spec.choice("loss", LOSS_NAMES, "mse")
    if loss == "cross_entropy":
        if network.output_activation not in ("sigmoid", "softmax"):
            raise spec.error("loss", "cross_entropy needs output_activation sigmoid or softmax")
        if np.any((y < 0) | (y > 1)):
            raise spec.error("loss", "cross_entropy needs targets between 0 and 1")
    batch_size = spec.optional_integer("batch_size", low=1)
    freeze = sorted(set(spec.integers("freeze", [])))
    if any(not 0 <= index < len(network.dense) for index in freeze):
        raise spec.error("freeze", f"freeze holds layer indices 0..{len(network.dense) - 1}, got {freeze}")
    if epochs * len(x) * network.parameter_count() > MAX_TRAINING_WORK:
        raise spec.error("epochs", "training would take too long; use fewer epochs or a smaller network")

    classification = bool(np.all((y == 0) | (y == 1)))
    checkpoints = _downsample(epochs + 1, CHECKPOINTS)
    recorder = None
    area = map_area(x) if network.layers[0] == 2 else None
    if classification and area is not None and np.all(np.isfinite(area)):
        recorder = DecisionRecorder(network, area, frozenset(checkpoints))
        recorder(0)
    initial_loss = network.loss(x, y, loss)
    history = [initial_loss] + network.train(x, y, epochs, learning_rate, loss, batch_size, freeze, recorder)
    if not np.all(np.isfinite(history)):
        raise spec.error("learning_rate", "training diverged (the loss overflowed); lower learning_rate")
    shown = _downsample(len(history), MAX_HISTORY_POINTS)
    return {
        "data": name,
        "samples": len(x),
        "epochs": epochs,
        "learning_rate": learning_rate,
        "loss": loss,
        "batch_size": batch_size,
        "freeze": freeze,
        "loss_history": {"epoch": shown, "loss": [history[i] for i in shown]},
        "checkpoints": {"epoch": checkpoints, "loss": [history[i] for i in checkpoints]},
        "decision_map": recorder.record(x, y) if recorder is not None else None,
        "initial_loss": initial_loss,
        "final_loss": history[-1],
        "accuracy": accuracy(network(x), y) if classification else None,
        "test": _test_result(network, data),
    }


def _downsample(length: int, count: int) -> list[int]:
    """At most ``count`` evenly spread indices into ``length`` items, always with first and last."""
    points = np.linspace(0, length - 1, min(length, count))
    return sorted({int(round(p)) for p in points})
