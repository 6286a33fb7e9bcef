"""Interactive neuron and network results in headless Chromium: the page computes and draws what
garden.nn computes and draws for the same numbers."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from garden.model import Source
from garden.nn import Neuron
from garden.nn.blocks import execute_spec, render_spec_result
from garden.nn.decision import region_paths
from garden.nn.diagrams import value_label
from garden.nn.render import tex_number
from garden.notes import parse_note
from garden.syntax import make_parser
from helpers import contrast, page_errors

# (inputs, weights, bias, activation) the test moves the first neuron's controls to
SETTINGS = [
    ([1.0, 0.5, -1.0], [0.25, -1.5, 0.75], -0.3, "sigmoid"),
    ([0.2, -1.9, 1.4], [1.1, 0.6, -0.35], 0.45, "tanh"),
    ([1.0, 0.5, -1.0], [-0.8, 0.4, 0.3], 0.1, "relu"),  # z < 0, so a = 0
    ([1.5, 0.0, 0.0], [0.75, 0.0, 0.0], 0.0, "relu"),  # z = 1.125: the diagram's 3 digits round a tie to even
    ([0.25, 0.0, 0.0], [0.25, 0.0, 0.0], 0.0, "identity"),  # z = 0.0625: the formula's 3 decimals, a tie
    ([0.01, 0.0, 0.0], [0.01, 0.0, 0.0], 0.0, "identity"),  # z = 0.0001: written as 1.00 × 10^-4
    ([-2.0, 2.0, -2.0], [2.0, 2.0, -2.0], -2.0, "sigmoid"),  # the sliders' ends
]


def slide(control, value: str) -> None:
    """Move a range input to `value` as a reader would: its value changes, then `input` fires."""
    control.evaluate("(input, value) => { input.value = value;"
                     " input.dispatchEvent(new Event('input', {bubbles: true})); }", value)


def math_text(html: str) -> str:
    """The text a MathML fragment shows."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def built(html: str, css_class: str) -> str:
    """The text of the formula in garden's `<div class="css_class">` of a rendered block."""
    return math_text(re.search(rf'<div class="{css_class}">(.*?)</div>', html, re.DOTALL).group(1))


def shown_number(tex: str) -> str:
    """tex_number's LaTeX as the page's MathML reads: 1.50 \\times 10^{-5} -> 1.50×10−5."""
    return tex.replace(r" \times 10^{", "×10").replace("}", "").replace("-", "−")


@pytest.fixture
def neuron_page(open_page, shipped_site: Path):
    page, _, _ = open_page()
    errors = page_errors(page)
    page.goto((shipped_site / "neural-network.html").as_uri())
    yield page
    assert errors == []


def test_neuron_controls_compute_what_garden_computes(neuron_page):
    block = neuron_page.locator(".nn-neuron").first
    sliders = block.locator(".nn-controls input[type=range]")
    assert sliders.count() == 7  # three inputs, three weights, the bias
    assert block.locator(".nn-controls select option").all_inner_texts() == ["identity", "sigmoid", "tanh", "relu"]
    for inputs, weights, bias, activation in SETTINGS:
        for index, value in enumerate([*inputs, *weights, bias]):
            slide(sliders.nth(index), repr(value))
        block.locator(".nn-controls select").select_option(activation)
        values = [float(v) for v in sliders.evaluate_all("inputs => inputs.map(input => input.value)")]
        assert values == [*inputs, *weights, bias], "the sliders reach these numbers"

        neuron = Neuron(weights, bias, activation)
        z, a = float(neuron.pre_activation(inputs)), float(neuron(inputs))
        z_line = block.locator(".nn-z math").text_content()
        a_line = block.locator(".nn-a math").text_content()
        assert z_line.split("=")[-1] == shown_number(tex_number(z)), (activation, z)
        assert a_line.split("=")[-1] == shown_number(tex_number(a)), (activation, a)

        spec = f"inputs = {inputs}\nweights = {weights}\nbias = {bias}\nactivation = {json.dumps(activation)}\n"
        html = render_spec_result("neuron", execute_spec("neuron", spec))
        assert (z_line, a_line) == (built(html, "nn-z"), built(html, "nn-a")), "as garden writes them"
        diagram_texts = block.locator("svg.nn-neuron-diagram text").all_text_contents()
        assert diagram_texts == [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", html)]
        edges = block.locator("svg.nn-neuron-diagram line.nn-edge").evaluate_all(
            "edges => edges.map(edge => [edge.getAttribute('class'), edge.getAttribute('stroke-dasharray')])")
        assert edges == [[css, dashes or None] for css, dashes in re.findall(
            r'<line [^>]*class="(nn-edge[^"]*)"[^>]*?(?:stroke-dasharray="([^"]*)")?/?>', html)]
        assert block.locator(".nn-z-label").text_content() == f"z = {value_label(z)}"
        assert block.locator(".nn-output-value").text_content() == value_label(a)
        visible = block.locator(".nn-definition:visible")
        assert visible.count() == 1 and visible.get_attribute("data-activation") == activation


def test_neuron_without_javascript_shows_the_build_and_no_controls(open_page, shipped_site):
    page, _, _ = open_page(java_script_enabled=False)
    page.goto((shipped_site / "neural-network.html").as_uri())
    block = page.locator(".nn-neuron").first
    assert block.locator("input, select, .nn-controls").count() == 0
    assert block.locator(".nn-z math").text_content().endswith("=0.4")
    assert block.locator(".nn-definition:visible").get_attribute("data-activation") == "sigmoid"
    assert page.locator(".nn-training input").count() == 0
    assert page.locator(".nn-decision-map .nn-map-epoch").first.text_content() == "1000"


def trained_network_specs(notes: Path) -> list[str]:
    """The bodies of the network blocks that train, in "Neural Network", read by garden's parser."""
    path = notes / "Neural Network.md"
    note, _ = parse_note(Source(path, "notes/Neural Network.md", "Neural Network.md",
                                path.read_text(encoding="utf-8")), make_parser())
    return [code.source for code in note.code if code.kind == "network" and "[train]" in code.source]


def regions(box) -> list[dict[str, str]]:
    return box.locator(".nn-regions path").evaluate_all(
        "paths => paths.map(path => ({d: path.getAttribute('d'), class: path.getAttribute('class'),"
        " opacity: path.getAttribute('fill-opacity')}))")


def test_epoch_slider_shows_the_recorded_checkpoints(open_page, shipped_build):
    page, _, _ = open_page()
    errors = page_errors(page)
    page.goto((shipped_build.site / "neural-network.html").as_uri())
    (spec,) = trained_network_specs(shipped_build.notes)
    train = execute_spec("network", spec)["train"]
    epochs, losses = train["checkpoints"]["epoch"], train["checkpoints"]["loss"]
    frames = train["decision_map"]["frames"]

    box = page.locator(".nn-training").first
    slider, shown = box.locator(".nn-epochs input[type=range]"), box.locator(".nn-epochs output")
    marker, epoch = box.locator(".nn-marker"), box.locator(".nn-map-epoch")
    assert shown.text_content() == f"{epochs[-1]} · loss {train['final_loss']:.4g}"
    final_picture, final_marker = regions(box), float(marker.get_attribute("x1"))
    assert [path["d"] for path in final_picture] == list(region_paths(frames[-1]).values())

    slide(slider, "0")
    assert shown.text_content() == f"0 · loss {losses[0]:.4g}" == f"0 · loss {train['initial_loss']:.4g}"
    assert epoch.text_content() == "0"
    assert [path["d"] for path in regions(box)] == list(region_paths(frames[0]).values())
    assert regions(box) != final_picture, "the picture changed"
    assert float(marker.get_attribute("x1")) < final_marker

    slide(slider, "5")
    assert shown.text_content() == f"{epochs[5]} · loss {losses[5]:.4g}"
    assert epoch.text_content() == str(epochs[5])

    slide(slider, str(len(epochs) - 1))
    assert regions(box) == final_picture, "the script draws a map as garden drew it"
    assert float(marker.get_attribute("x1")) == final_marker
    assert errors == []


def test_pages_with_results_log_no_errors(open_page, shipped_site):
    pages = [path for path in sorted(shipped_site.glob("*.html")) if "nn-block" in path.read_text(encoding="utf-8")]
    assert len(pages) >= 2
    page, _, failed = open_page()
    errors = page_errors(page)
    for path in pages:
        page.goto(path.as_uri())
        for slider in page.locator(".nn-controls input[type=range]").all():
            slide(slider, "0")
        assert (errors, failed) == ([], []), path.name


CONFUSION_CELLS = """svg => {
  let node = svg, background = "rgba(0, 0, 0, 0)";
  while (node && (background === "rgba(0, 0, 0, 0)" || background === "transparent")) {
    background = getComputedStyle(node).backgroundColor;
    node = node.parentElement;
  }
  return [...svg.querySelectorAll(".nn-confusion-cell")].map(cell => {
    const fill = getComputedStyle(cell.querySelector("rect"));
    return {text: getComputedStyle(cell.querySelector("text")).fill, cell: fill.fill,
            opacity: parseFloat(fill.fillOpacity), background};
  });
}"""


def over(colour: str, opacity: float, background: str) -> str:
    """`colour` at `opacity` over an opaque `background`, as an opaque rgb() colour."""
    top, bottom = (re.findall(r"\d+", value)[:3] for value in (colour, background))
    mixed = (round(int(t) * opacity + int(b) * (1 - opacity)) for t, b in zip(top, bottom))
    return f"rgb({', '.join(map(str, mixed))})"


def test_confusion_matrix_counts_keep_aa_contrast_on_their_shading(open_page, shipped_site):
    page, _, _ = open_page()
    page.goto((shipped_site / "handwritten-digits.html").as_uri())
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        cells = page.locator("svg.nn-confusion").evaluate(CONFUSION_CELLS)
        assert len(cells) == 100
        assert max(cell["opacity"] for cell in cells) > min(cell["opacity"] for cell in cells), "shaded by count"
        ratios = [contrast(cell["text"], over(cell["cell"], cell["opacity"], cell["background"])) for cell in cells]
        assert min(ratios) >= 4.5, (scheme, min(ratios))
