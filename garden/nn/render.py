"""HTML fragments for executed ``neuron`` and ``network`` blocks.

Formulas are built as LaTeX with the actual numbers filled in and converted
to MathML; diagrams and charts are inline SVG.  No scripts, no external files:
what the site's script needs to make a block interactive (a neuron's numbers,
a training run's checkpoints) rides along as JSON in a ``data-`` attribute.
"""

import json
from collections.abc import Sequence
from math import isfinite
from typing import Any

from latex2mathml.converter import convert

from .activations import ELEMENTWISE_NAMES
from .confusion import confusion_svg
from .decision import decision_map_svg, map_geometry
from .diagrams import network_svg, neuron_svg, value_label
from .svg import esc, line_chart_svg, x_pixels

STYLE = (
    "<style>"
    ".nn-block{margin:1em 0}"
    ".nn-block svg{max-width:100%;height:auto;display:block;margin:.5em 0}"
    ".nn-edge-pos{stroke:var(--nn-positive,#3b82f6)}"
    ".nn-edge-neg{stroke:var(--nn-negative,#f97316)}"
    ".nn-class-0{fill:var(--nn-negative,#f97316)}.nn-class-1{fill:var(--nn-positive,#3b82f6)}"
    ".nn-class-2{fill:#16a34a}.nn-class-3{fill:#a855f7}"
    ".nn-table{border-collapse:collapse;font-size:.9em;margin:.5em 0}"
    ".nn-table th,.nn-table td{padding:.15em .7em;text-align:left;"
    "border-bottom:1px solid rgba(128,128,128,.35)}"
    "</style>"
)

TEX_ACTIVATIONS = {
    "identity": "",
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "relu": r"\operatorname{ReLU}",
    "softmax": r"\operatorname{softmax}",
}
TEX_DEFINITIONS = {
    "identity": r"a = z",
    "sigmoid": r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    "tanh": r"\tanh(z) = \frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}",
    "relu": r"\operatorname{ReLU}(z) = \max(0, z)",
}


def tex_number(value: float) -> str:
    """A number for LaTeX: up to three decimals, scientific when tiny
    (but not for rounding noise below 1e-9)."""
    short = f"{value:.3f}".rstrip("0").rstrip(".")
    if short in ("0", "-0") and abs(value) >= 1e-9:
        mantissa, exponent = f"{value:.2e}".split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return "0" if short == "-0" else short


def _factor(value: float) -> str:
    """A number safe to multiply: negatives and powers of ten in parentheses."""
    number = tex_number(value)
    return f"({number})" if number.startswith("-") or "times" in number else number


def math(latex: str) -> str:
    """A block MathML element for a LaTeX string."""
    return convert(latex, display="block")


def _table(rows: Sequence[tuple[str, object]], caption: str) -> str:
    body = "".join(f"<tr><th scope=\"row\">{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="nn-table"><caption>{esc(caption)}</caption>{body}</table>'


def data_attribute(name: str, data: dict[str, Any]) -> str:
    """`` data-NAME="JSON"`` for the site's script, escaped for an attribute value."""
    return f' data-{name}="{esc(json.dumps(data, separators=(",", ":"), allow_nan=False))}"'


# -- neuron -------------------------------------------------------------------


def neuron_formulas(result: dict[str, Any]) -> list[str]:
    """LaTeX for z in symbols, z with the numbers, and a with the numbers."""
    inputs, weights, bias = result["inputs"], result["weights"], result["bias"]
    terms = " + ".join(rf"{_factor(w)} \cdot {_factor(x)}" for w, x in zip(weights, inputs))
    bias_term = rf"- {tex_number(-bias)}" if tex_number(bias).startswith("-") else f"+ {tex_number(bias)}"
    z, a, name = tex_number(result["z"]), tex_number(result["a"]), result["activation"]
    symbol = TEX_ACTIVATIONS[name]
    output = rf"a = z = {a}" if not symbol else rf"a = {symbol}(z) = {symbol}({z}) = {a}"
    return [
        rf"z = \sum_{{i=1}}^{{{len(inputs)}}} w_i a_i + b",
        rf"z = {terms} {bias_term} = {z}",
        output,
    ]


def _neuron_data(result: dict[str, Any]) -> str:
    """The neuron's numbers for the page's sliders; none when one is not finite."""
    numbers = [*result["inputs"], *result["weights"], result["bias"]]
    if not all(isfinite(number) for number in numbers):
        return ""
    return data_attribute("neuron", {
        "inputs": result["inputs"], "weights": result["weights"], "bias": result["bias"],
        "activation": result["activation"], "activations": list(ELEMENTWISE_NAMES)})


def render_neuron(result: dict[str, Any]) -> str:
    """Formulas with numbers, and a diagram of the neuron.

    Every activation's definition is there, all but the neuron's own ``hidden``, for the
    page's activation menu to show."""
    symbols, numbers, output = (math(tex) for tex in neuron_formulas(result))
    definitions = "".join(
        f'<div class="nn-definition" data-activation="{name}"{"" if name == result["activation"] else " hidden"}>'
        f"{math(TEX_DEFINITIONS[name])}</div>" for name in ELEMENTWISE_NAMES)
    formulas = f'{symbols}<div class="nn-z">{numbers}</div>{definitions}<div class="nn-a">{output}</div>'
    diagram = neuron_svg(result["inputs"], result["weights"], result["bias"],
                         result["z"], result["a"], result["activation"])
    return (f'<div class="nn-block nn-neuron"{_neuron_data(result)}>{STYLE}'
            f'<div class="nn-formulas">{formulas}</div>{diagram}</div>')


# -- network ------------------------------------------------------------------


def network_formulas(result: dict[str, Any]) -> list[str]:
    """One equation per layer, the parameter count, and the loss if trained."""
    widths, count = result["layers"], len(result["layers"]) - 1
    lines = []
    for layer in range(count):
        name = result["output_activation"] if layer == count - 1 else result["activation"]
        inner = rf"a^{{({layer})}} W^{{({layer})}} + b^{{({layer})}}"
        applied = inner if name == "identity" else rf"{TEX_ACTIVATIONS[name]}\left({inner}\right)"
        shape = rf"W^{{({layer})}} \in \mathbb{{R}}^{{{widths[layer]} \times {widths[layer + 1]}}}"
        lines.append(rf"a^{{({layer + 1})}} = {applied}, \quad {shape}")

    def sizes(layers: Sequence[int]) -> str:
        return " + ".join(rf"({widths[l]} \cdot {widths[l + 1]} + {widths[l + 1]})" for l in layers)

    lines.append(rf"N = {sizes(range(count))} = {result['parameter_count']}")
    trainable = [l for l in range(count) if l not in result["frozen"]]
    if result["frozen"]:
        shown = sizes(trainable) if trainable else "0"
        lines.append(rf"N_{{\text{{trainable}}}} = {shown} = {result['trainable_parameter_count']}")
    if result["train"]:
        lines.append(_loss_formula(result["train"], widths[-1]))
    return lines


def _loss_formula(train: dict[str, Any], outputs: int) -> str:
    n = train["samples"]
    if train["loss"] == "mse":
        m = n * outputs
        return rf"L = \frac{{1}}{{{m}}} \sum_{{k=1}}^{{{m}}} (\hat{{y}}_k - y_k)^2"
    if outputs == 1:
        return (rf"L = -\frac{{1}}{{{n}}} \sum_{{k=1}}^{{{n}}} \left[y_k \ln \hat{{y}}_k"
                rf" + (1 - y_k) \ln(1 - \hat{{y}}_k)\right]")
    return (rf"L = -\frac{{1}}{{{n}}} \sum_{{k=1}}^{{{n}}} \sum_{{c=1}}^{{{outputs}}}"
            rf" y_{{kc}} \ln \hat{{y}}_{{kc}}")


def loss_chart(train: dict[str, Any]) -> str:
    """The loss curve, the last epoch marked; log scale when the loss spans more than two decades."""
    epochs, losses = train["loss_history"]["epoch"], train["loss_history"]["loss"]
    log_y = min(losses) > 0 and max(losses) / min(losses) > 100
    y_label = f"{train['loss']} loss" + (" (log scale)" if log_y else "")
    return line_chart_svg({"loss": (epochs, losses)}, "epoch", y_label,
                          title="Training loss", log_y=log_y, marker=epochs[-1])


def _training_data(train: dict[str, Any]) -> str:
    """The checkpoints for the page's epoch slider: epochs, losses, where each sits on the loss
    chart, and the decision maps with how to draw them."""
    checkpoints, decisions = train["checkpoints"], train["decision_map"]
    return data_attribute("training", {
        "epochs": checkpoints["epoch"],
        "losses": checkpoints["loss"],
        "marks": x_pixels(train["loss_history"]["epoch"], checkpoints["epoch"]),
        "map": {**map_geometry(), "frames": decisions["frames"]} if decisions else None,
    })


def training_table(result: dict[str, Any]) -> str:
    train, test = result["train"], result["train"].get("test")
    samples = f"{train['samples']} samples" if test is None else \
        f"{train['samples']} training samples, {test['samples']} held out for testing"
    rows: list[tuple[str, object]] = [
        ("data", f"{train['data']} ({samples})"),
        ("epochs", train["epochs"]),
        ("learning rate", value_label(train["learning_rate"])),
        ("batch size", train["batch_size"] or "full batch"),
        ("loss function", train["loss"]),
        ("initial loss", f"{train['initial_loss']:.4g}"),
        ("final loss", f"{train['final_loss']:.4g}"),
    ]
    if train["accuracy"] is not None:
        rows.append(("accuracy" if test is None else "training accuracy", f"{train['accuracy']:.1%}"))
    if test is not None:
        rows.append(("test accuracy", f"{test['accuracy']:.1%}"))
    rows.append(("parameters", result["parameter_count"]))
    if result["frozen"]:
        frozen = ", ".join(map(str, result["frozen"]))
        trainable = f"{result['trainable_parameter_count']} (layer {frozen} frozen)"
        rows.append(("trainable parameters", trainable))
    return _table(rows, "Training")


def outputs_table(inputs: list[list[float]], outputs: list[list[float]]) -> str:
    def row(values: list[float]) -> str:
        return ", ".join(value_label(v) for v in values)

    body = "".join(f"<tr><td>{esc(row(x))}</td><td>{esc(row(y))}</td></tr>" for x, y in zip(inputs, outputs))
    return ('<table class="nn-table nn-outputs"><caption>Outputs</caption>'
            f"<tr><th>input</th><th>output</th></tr>{body}</table>")


def render_network(result: dict[str, Any]) -> str:
    """Layer equations, weight diagram, and (if trained) loss curve and tables."""
    parts = [
        STYLE,
        '<div class="nn-formulas">' + "".join(math(tex) for tex in network_formulas(result)) + "</div>",
        network_svg(result["layers"], result["weights"], result["frozen"]),
    ]
    train = result["train"]
    if train:
        picture = decision_map_svg(train["decision_map"], train["epochs"]) if train["decision_map"] else ""
        test = train.get("test")
        if test is not None:
            picture += confusion_svg(test["classes"], test["confusion"], test["accuracy"], train["epochs"])
        parts.append(f'<div class="nn-training"{_training_data(train)}>'
                     f'{loss_chart(train)}{picture}{training_table(result)}</div>')
    if result["outputs"] is not None:
        parts.append(outputs_table(result["inputs"], result["outputs"]))
    return f'<div class="nn-block nn-network">{"".join(parts)}</div>'
