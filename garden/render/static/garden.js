// garden's one script: every page reads fully without it; each section below adds one thing.
// The site's root (relative to this page, so any base path and file:// work) is <body data-root>.
"use strict";

const gardenRoot = document.body.dataset.root || "";
let searchModule = null; // Pagefind's module, once loaded: loaded again after `garden serve` made a new index
let searchIndexVersion = 0;

// --- search ---
// The header's search field, shown where the site has a Pagefind index (<body data-search>): results as
// you type, the matched words marked. Pagefind loads its index with import() and fetch, which browsers
// refuse to pages opened from disk: there the field says how to serve the site instead.
const searchField = (() => {
  const box = document.querySelector(".search");
  if (!box || !("search" in document.body.dataset)) return null;
  const input = box.querySelector("input");
  const results = box.querySelector(".search-results");
  const fromDisk = location.protocol === "file:";
  const shownResults = 8;
  box.hidden = false;

  const show = (...nodes) => {
    results.replaceChildren(...nodes);
    results.hidden = nodes.length === 0;
  };
  const note = (text) => {
    const p = document.createElement("p");
    p.className = "search-note";
    p.textContent = text;
    return p;
  };
  const load = () => {
    const version = searchIndexVersion ? `?index=${searchIndexVersion}` : ""; // a new URL: a module of its own
    searchModule ??= import(new URL(gardenRoot + "pagefind/pagefind.js" + version, location.href).href)
      .then(async (module) => {
        await module.options({ baseUrl: "/", excerptLength: 24 }); // result URLs from the site's root
        return module;
      });
    return searchModule;
  };
  // Pagefind's excerpt is the page's text, `<` and `>` escaped, with the matched words in <mark>: it is
  // rebuilt here from text pieces, so nothing of a note is ever read as markup.
  const excerpt = (html) => {
    const p = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).forEach((piece, i, pieces) => {
      if (piece === "<mark>" || piece === "</mark>") return;
      const text = piece.replaceAll("&lt;", "<").replaceAll("&gt;", ">");
      if (pieces[i - 1] === "<mark>") {
        const mark = document.createElement("mark");
        mark.textContent = text;
        p.append(mark);
      } else {
        p.append(text);
      }
    });
    return p;
  };
  const run = async () => {
    const term = input.value;
    if (fromDisk) return show(note("Search needs the site served over http: python -m http.server -d site"));
    if (!term.trim()) return show();
    let found;
    try {
      found = await (await load()).debouncedSearch(term, {}, 120);
      if (found === null || input.value !== term) return; // a later keystroke took over
      found = await Promise.all(found.results.slice(0, shownResults).map((result) => result.data()));
    } catch {
      return show(note("Search is not available on this site."));
    }
    if (input.value !== term) return;
    if (!found.length) return show(note(`Nothing found for \u201c${term.trim()}\u201d.`));
    const list = document.createElement("ol");
    for (const item of found) {
      const link = document.createElement("a");
      link.href = gardenRoot + item.url.replace(/^\//, ""); // Pagefind's URLs start at the site root
      link.textContent = item.meta.title || item.url;
      const entry = document.createElement("li");
      entry.append(link, excerpt(item.excerpt));
      list.append(entry);
    }
    show(list);
  };
  const links = () => [...results.querySelectorAll("a")];

  input.addEventListener("input", run);
  input.addEventListener("focus", () => { if (fromDisk || input.value.trim()) run(); });
  results.addEventListener("mousedown", (event) => event.preventDefault()); // a click must not close the list first
  box.addEventListener("focusout", (event) => { if (!box.contains(event.relatedTarget)) results.hidden = true; });
  box.addEventListener("keydown", (event) => {
    const at = links().indexOf(document.activeElement);
    if (event.key === "Escape") {
      results.hidden = true;
      document.activeElement.blur();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      const next = event.key === "ArrowDown" ? at + 1 : at - 1;
      if (at === -1 && event.key === "ArrowUp") return;
      event.preventDefault();
      (next < 0 ? input : links()[Math.min(next, links().length - 1)] || input).focus();
    }
  });
  return input;
})();

// --- keys ---
// `/` and Ctrl+K (⌘K) go to the search field, unless the reader is typing somewhere else.
document.addEventListener("keydown", (event) => {
  if (!searchField || event.defaultPrevented || event.altKey) return;
  const typing = event.target.closest?.("input, textarea, select, [contenteditable]:not([contenteditable=false])");
  const slash = event.key === "/" && !typing && !event.ctrlKey && !event.metaKey;
  const ctrlK = (event.key || "").toLowerCase() === "k" && (event.ctrlKey || event.metaKey) && !event.shiftKey;
  if (slash || ctrlK) {
    event.preventDefault();
    searchField.focus();
    searchField.select();
  }
});

// --- previews ---
// Hovering a link to a page of the garden, or focusing it from the keyboard, shows the page's title and
// first blocks (for a link to a block, that block) in a popover; Escape or moving away closes it. The
// build writes each page's preview as previews/<page>.js, which hands it to gardenPreview(): a script
// rather than fetched JSON, because a page opened from disk may load scripts but not fetch files.
// Touch screens get no popovers: a tap follows the link.

const PREVIEW_LINKS = ["a.wikilink", "a.tag", "a.attribute-key", "a.block-link", "a.block-ref-source",
  "a.embed-source", ".builds-on a", ".tagged a", ".reference-group h3 a", "table.all-pages a", ".day h2 a"]
  .map((selector) => `main ${selector}`).join(", ");
const PREVIEW_DELAY_MS = 300;
const previewLoads = new Map(); // page key -> promise of its preview (null when it could not be loaded)
const previewArrivals = new Map(); // page key -> resolves the promise of a load under way
let previewBox = null;
let previewLink = null; // the link hovered or focused
let previewTimer = 0;

function gardenPreview(key, data) {
  const resolve = previewArrivals.get(key);
  if (resolve) {
    previewArrivals.delete(key);
    resolve(data);
  }
}

function previewTarget(link) {
  if (link.getAttribute("href").startsWith("#")) return null; // a link to nothing, or within this page
  const root = new URL(gardenRoot || "./", location.href);
  const url = new URL(link.href, location.href);
  if (!url.href.startsWith(root.href) || !url.pathname.endsWith(".html")) return null;
  const path = url.pathname.slice(root.pathname.length, -".html".length);
  try {
    return { key: decodeURIComponent(path), anchor: decodeURIComponent(url.hash.slice(1)),
             src: new URL(`previews/${path}.js`, root).href };
  } catch {
    return null;
  }
}

function previewLoad(target) {
  if (!previewLoads.has(target.key)) {
    previewLoads.set(target.key, new Promise((resolve) => {
      previewArrivals.set(target.key, resolve);
      const script = document.createElement("script");
      script.src = target.src;
      script.onload = script.onerror = () => {
        script.remove();
        gardenPreview(target.key, null);
      };
      document.head.append(script);
    }));
  }
  return previewLoads.get(target.key);
}

async function previewShow(link) {
  const target = previewTarget(link);
  if (!target) return;
  const data = await previewLoad(target);
  if (previewLink !== link || !data) return;
  const title = document.createElement("p");
  title.className = "preview-title";
  title.textContent = data.title;
  const body = document.createElement("div");
  body.className = "preview-body";
  const blocks = data.blocks || {};
  // HTML the build rendered from the note and sanitised for previews (garden/render/previews.py)
  body.innerHTML = Object.hasOwn(blocks, target.anchor) ? blocks[target.anchor] : data.html;
  previewBox.replaceChildren(title, body);
  previewBox.hidden = false;
  previewPlace(link);
  link.setAttribute("aria-describedby", previewBox.id);
}

function previewPlace(link) {
  const anchor = link.getClientRects()[0] || link.getBoundingClientRect();
  const box = previewBox.getBoundingClientRect();
  const left = Math.max(8, Math.min(anchor.left, document.documentElement.clientWidth - box.width - 8));
  const below = anchor.bottom + 6 + box.height <= window.innerHeight || anchor.top < box.height + 6;
  const top = below ? anchor.bottom + 6 : anchor.top - box.height - 6;
  previewBox.style.left = `${left + window.scrollX}px`;
  previewBox.style.top = `${top + window.scrollY}px`;
}

function previewHide() {
  clearTimeout(previewTimer);
  if (previewLink) previewLink.removeAttribute("aria-describedby");
  previewLink = null;
  previewBox.hidden = true;
}

function previewLinkOf(event) {
  return event.target instanceof Element ? event.target.closest(PREVIEW_LINKS) : null;
}

function previewInit() {
  if (window.matchMedia("(hover: none), (pointer: coarse)").matches) return;
  previewBox = document.createElement("div");
  previewBox.className = "preview";
  previewBox.id = "garden-preview";
  previewBox.setAttribute("role", "tooltip");
  previewBox.hidden = true;
  document.body.append(previewBox);
  document.addEventListener("mouseover", (event) => {
    const link = previewLinkOf(event);
    if (!link || link === previewLink) return;
    previewHide();
    previewLink = link;
    previewTimer = setTimeout(() => previewShow(link), PREVIEW_DELAY_MS);
  });
  document.addEventListener("mouseout", (event) => {
    const link = previewLinkOf(event);
    if (link && link === previewLink && !link.contains(event.relatedTarget)) previewHide();
  });
  document.addEventListener("focusin", (event) => {
    const link = previewLinkOf(event);
    if (!link || !link.matches(":focus-visible")) return;
    previewHide();
    previewLink = link;
    previewShow(link);
  });
  document.addEventListener("focusout", (event) => {
    if (previewLinkOf(event) === previewLink) previewHide();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") previewHide();
  });
}

previewInit();

// --- graph ---
// Hovering or focusing a note in a graph lights up the note, its neighbours and their links, and dims
// the rest. The global graph pans when dragged with a mouse and zooms with the wheel or its + and −
// buttons, by changing its viewBox; without JavaScript it is a still picture of links.

const GRAPH_ZOOM_STEP = 1.25;

function graphLighting(svg) {
  const nodes = new Map([...svg.querySelectorAll(".graph-node")].map((node) => [node.dataset.node, node]));
  const neighbours = new Map([...nodes.keys()].map((number) => [number, { nodes: [], edges: [] }]));
  for (const edge of svg.querySelectorAll(".graph-edge")) {
    const [a, b] = edge.dataset.ends.split(" ");
    neighbours.get(a).nodes.push(nodes.get(b));
    neighbours.get(b).nodes.push(nodes.get(a));
    neighbours.get(a).edges.push(edge);
    neighbours.get(b).edges.push(edge);
  }
  const unlight = () => {
    svg.classList.remove("is-lit");
    for (const element of svg.querySelectorAll(".lit")) element.classList.remove("lit");
  };
  const light = (event) => {
    const node = event.target instanceof Element ? event.target.closest(".graph-node") : null;
    if (!node) return;
    unlight();
    const around = neighbours.get(node.dataset.node);
    for (const element of [node, ...around.nodes, ...around.edges]) element.classList.add("lit");
    svg.classList.add("is-lit");
  };
  svg.addEventListener("mouseover", light);
  svg.addEventListener("focusin", light);
  svg.addEventListener("mouseout", (event) => {
    if (!(event.relatedTarget instanceof Element && event.relatedTarget.closest(".graph-node"))) unlight();
  });
  svg.addEventListener("focusout", unlight);
}

function graphPanZoom(svg, controls) {
  const initial = svg.getAttribute("viewBox");
  const [, , fullWidth] = initial.split(" ").map(Number);
  const viewBox = () => svg.getAttribute("viewBox").split(" ").map(Number);
  const show = (...box) => svg.setAttribute("viewBox", box.map((value) => Math.round(value * 10) / 10).join(" "));
  const zoom = (factor, x, y) => { // factor < 1 zooms in; the point (x, y) stays where it is
    const [left, top, width, height] = viewBox();
    const scale = Math.min(Math.max(factor, fullWidth / 10 / width), (2 * fullWidth) / width);
    show(x - (x - left) * scale, y - (y - top) * scale, width * scale, height * scale);
  };
  const zoomAtCentre = (factor) => {
    const [left, top, width, height] = viewBox();
    zoom(factor, left + width / 2, top + height / 2);
  };
  svg.addEventListener("wheel", (event) => {
    event.preventDefault();
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    zoom(Math.exp(event.deltaY * 0.002), point.x, point.y);
  }, { passive: false });
  let drag = null;
  let dragged = false; // the pointer moved the graph: the click that ends it follows no link
  svg.addEventListener("pointerdown", (event) => {
    dragged = false;
    if (event.button !== 0 || event.pointerType === "touch") return;
    drag = { x: event.clientX, y: event.clientY, box: viewBox(), scale: svg.getScreenCTM().a, pointer: event.pointerId };
  });
  svg.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (!dragged && Math.hypot(dx, dy) < 4) return;
    if (!dragged) {
      dragged = true;
      svg.setPointerCapture(drag.pointer);
      svg.classList.add("is-dragging");
    }
    const [left, top, width, height] = drag.box;
    show(left - dx / drag.scale, top - dy / drag.scale, width, height);
  });
  const drop = () => {
    drag = null;
    svg.classList.remove("is-dragging");
  };
  svg.addEventListener("pointerup", drop);
  svg.addEventListener("pointercancel", drop);
  svg.addEventListener("click", (event) => {
    if (dragged) event.preventDefault();
  }, true);
  controls.hidden = false;
  controls.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-zoom]") : null;
    if (!button) return;
    if (button.dataset.zoom === "reset") svg.setAttribute("viewBox", initial);
    else zoomAtCentre(button.dataset.zoom === "in" ? 1 / GRAPH_ZOOM_STEP : GRAPH_ZOOM_STEP);
  });
}

function graphInit(root = document) {
  for (const svg of root.querySelectorAll("svg.graph")) graphLighting(svg);
  const global = root.querySelector("svg.graph-global");
  const controls = root.querySelector(".graph-controls");
  if (global && controls) graphPanZoom(global, controls);
}

graphInit();

// --- neurons ---
// A neuron's result gets sliders for its inputs, weights and bias and a menu of activations: z and a
// are computed again as garden.nn computes them, and its formulas and diagram redrawn. A trained
// network gets a slider over the checkpoints its run recorded: the loss then, its place on the loss
// curve and the decision map. Numbers are written as garden's Python writes them.

const nnMathNS = "http://www.w3.org/1998/Math/MathML";
const nnSvgNS = "http://www.w3.org/2000/svg";
const nnActivations = {  // garden.nn.activations
  identity: (z) => z,
  sigmoid: (z) => { const e = Math.exp(-Math.abs(z)); return z >= 0 ? 1 / (1 + e) : e / (1 + e); },
  tanh: (z) => Math.tanh(z),
  relu: (z) => Math.max(z, 0),
};
const nnFormulaSymbols = { identity: "", sigmoid: "σ", tanh: "tanh", relu: "ReLU" };  // garden.nn.render
const nnDiagramSymbols = { identity: "id", sigmoid: "σ", tanh: "tanh", relu: "ReLU" };  // garden.nn.diagrams

// abs × 10^places lies exactly halfway between two integers: JS rounds it up, Python to the even one.
function nnIsTie(abs, places) {
  if (places >= 0) {
    const scaled = abs * 2 ** (places + 1);
    return Number.isInteger(scaled) && scaled % 2 === 1;
  }
  const twice = abs * 2, unit = 10 ** -places;
  return Number.isInteger(twice) && twice % unit === 0 && (twice / unit) % 2 === 1;
}

function nnToEven(rounded, tie) {  // JS's rounding of an exact tie (away from zero) moved to the even neighbour
  const [digits, exponent] = rounded.split("e");
  const last = Number(digits.at(-1));
  if (!tie || last % 2 === 0) return rounded;
  return digits.slice(0, -1) + (last - 1) + (exponent === undefined ? "" : "e" + exponent);
}

function nnSpecial(x) {  // how Python writes inf and nan
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

function nnFixed(x, places) {  // Python's f"{x:.{places}f}"
  if (!Number.isFinite(x)) return nnSpecial(x);
  const abs = Math.abs(x);
  return (x < 0 || Object.is(x, -0) ? "-" : "") + nnToEven(abs.toFixed(places), nnIsTie(abs, places));
}

function nnExponent(x, places) {  // Python's f"{x:.{places}e}" as [mantissa, exponent]
  const abs = Math.abs(x);
  const exponent = Number(abs.toExponential(places).split("e")[1]);
  const [mantissa, rounded] = nnToEven(abs.toExponential(places), nnIsTie(abs, places - exponent)).split("e");
  return [(x < 0 ? "-" : "") + mantissa, Number(rounded)];
}

function nnTrim(text) {  // insignificant zeros (and a bare point) off a decimal
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function nnGeneral(x, digits) {  // Python's f"{x:.{digits}g}"
  if (!Number.isFinite(x)) return nnSpecial(x);
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponent] = nnExponent(x, digits - 1);
  if (exponent < -4 || exponent >= digits) {
    return `${nnTrim(mantissa)}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return nnTrim(nnFixed(x, digits - 1 - exponent));
}

function nnLabel(x) {  // garden.nn.diagrams.value_label
  return Math.abs(x) < 1e-9 ? "0" : nnGeneral(x, 3);
}

function nnTexNumber(x) {  // garden.nn.render.tex_number, as [digits, power of ten or null]
  const short = nnTrim(nnFixed(x, 3));
  if ((short === "0" || short === "-0") && Math.abs(x) >= 1e-9) return nnExponent(x, 2);
  return [short === "-0" ? "0" : short, null];
}

function nnSubscript(number) {
  return String(number).replace(/\d/g, (digit) => "₀₁₂₃₄₅₆₇₈₉"[digit]);
}

function nnMath(tag, ...children) {
  const element = document.createElementNS(nnMathNS, tag);
  element.append(...children);
  return element;
}

function nnMathNumber([digits, exponent], parenthesised = false) {  // as latex2mathml writes tex_number
  const negative = digits.startsWith("-");
  const nodes = [nnMath("mn", negative ? digits.slice(1) : digits)];
  if (negative) nodes.unshift(nnMath("mo", "−"));
  if (exponent !== null) {
    const power = nnMath("mn", String(Math.abs(exponent)));
    nodes.push(nnMath("mo", "×"), nnMath("msup", nnMath("mn", "10"),
      exponent < 0 ? nnMath("mrow", nnMath("mo", "−"), power) : power));
  }
  if (parenthesised && (negative || exponent !== null)) return [nnMath("mrow", nnParen("("), ...nodes, nnParen(")"))];
  return nodes;
}

function nnParen(text) {
  const paren = nnMath("mo", text);
  paren.setAttribute("stretchy", "false");
  return paren;
}

function nnFormulaZ(state, z) {  // z = w₁·a₁ + … ± b = z, as garden.nn.render.neuron_formulas
  const nodes = [nnMath("mi", "z"), nnMath("mo", "=")];
  state.weights.forEach((weight, i) => {
    if (i > 0) nodes.push(nnMath("mo", "+"));
    nodes.push(...nnMathNumber(nnTexNumber(weight), true), nnMath("mo", "·"),
      ...nnMathNumber(nnTexNumber(state.inputs[i]), true));
  });
  const bias = nnTexNumber(state.bias);
  const negative = bias[0].startsWith("-");
  nodes.push(nnMath("mo", negative ? "−" : "+"), ...nnMathNumber(negative ? nnTexNumber(-state.bias) : bias),
    nnMath("mo", "="), ...nnMathNumber(nnTexNumber(z)));
  return nnMath("mrow", ...nodes);
}

function nnFormulaA(activation, z, a) {  // a = f(z) = f(z value) = a value
  const symbol = nnFormulaSymbols[activation];
  const nodes = [nnMath("mi", "a"), nnMath("mo", "=")];
  if (!symbol) nodes.push(nnMath("mi", "z"));
  else {
    const applied = (...argument) => [nnMath("mi", symbol), nnParen("("), ...argument, nnParen(")")];
    nodes.push(...applied(nnMath("mi", "z")), nnMath("mo", "="), ...applied(...nnMathNumber(nnTexNumber(z))));
  }
  nodes.push(nnMath("mo", "="), ...nnMathNumber(nnTexNumber(a)));
  return nnMath("mrow", ...nodes);
}

function nnDrawNeuron(svg, state, z, a) {  // the numbers and edges of garden.nn.diagrams.neuron_svg
  const largest = Math.max(...state.weights.map(Math.abs));
  svg.querySelectorAll("line.nn-edge").forEach((edge, i) => {
    const weight = state.weights[i];
    const strength = largest > 0 ? Math.abs(weight) / largest : 0;
    edge.setAttribute("class", `nn-edge nn-edge-${weight >= 0 ? "pos" : "neg"}`);
    edge.setAttribute("stroke-width", String(Number((0.5 + 3 * strength).toFixed(2))));
    edge.setAttribute("stroke-opacity", String(Number((0.2 + 0.8 * strength).toFixed(2))));
    if (weight < 0) edge.setAttribute("stroke-dasharray", "5 3");
    else edge.removeAttribute("stroke-dasharray");
    edge.querySelector("title").textContent = `w = ${nnLabel(weight)}`;
  });
  svg.querySelectorAll("text.nn-weight").forEach((text, i) => {
    text.textContent = `w${nnSubscript(i + 1)} = ${nnLabel(state.weights[i])}`;
  });
  svg.querySelectorAll("text.nn-input-value").forEach((text, i) => { text.textContent = nnLabel(state.inputs[i]); });
  svg.querySelector(".nn-bias-label").textContent = `b = ${nnLabel(state.bias)}`;
  svg.querySelector(".nn-z-label").textContent = `z = ${nnLabel(z)}`;
  svg.querySelector(".nn-activation-symbol").textContent = nnDiagramSymbols[state.activation];
  svg.querySelector(".nn-output-value").textContent = nnLabel(a);
  const label = `Neuron with ${state.inputs.length} inputs: z = ${nnLabel(z)}, a = ${nnLabel(a)}`;
  svg.setAttribute("aria-label", label);
  svg.querySelector("title").textContent = label;
}

function nnShowNeuron(block, state) {
  const z = state.inputs.reduce((sum, input, i) => sum + input * state.weights[i], 0) + state.bias;
  const a = nnActivations[state.activation](z);
  block.querySelector(".nn-z math").replaceChildren(nnFormulaZ(state, z));
  block.querySelectorAll(".nn-definition").forEach((definition) => {
    definition.hidden = definition.dataset.activation !== state.activation;
  });
  block.querySelector(".nn-a math").replaceChildren(nnFormulaA(state.activation, z, a));
  nnDrawNeuron(block.querySelector("svg.nn-neuron-diagram"), state, z, a);
}

function nnControl(name, control, shown) {  // a labelled row of the controls
  const label = document.createElement("label");
  const caption = document.createElement("span");
  caption.textContent = name;
  label.append(caption, control);
  if (shown) label.append(shown);
  return label;
}

function nnSlider(name, value, change) {  // ±(1, 2 or 5 × 10^k), at least ±2 and twice the value
  const need = Math.max(2, 2 * Math.abs(value));
  const power = 10 ** Math.floor(Math.log10(need));
  const reach = [1, 2, 5, 10].map((times) => times * power).find((bound) => bound >= need);
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min: String(-reach), max: String(reach), step: String(power / 100),
    value: String(value) });
  const shown = document.createElement("output");
  shown.textContent = nnLabel(value);
  input.addEventListener("input", () => {
    shown.textContent = nnLabel(Number(input.value));
    change(Number(input.value));
  });
  return nnControl(name, input, shown);
}

function nnMenu(names, chosen, change) {
  const select = document.createElement("select");
  for (const name of names.filter((name) => name in nnActivations)) select.append(new Option(name, name));
  select.value = chosen;
  select.addEventListener("change", () => change(select.value));
  return nnControl("activation", select);
}

function nnNeuron(block) {
  const data = JSON.parse(block.dataset.neuron);
  const state = { inputs: [...data.inputs], weights: [...data.weights], bias: data.bias,
    activation: data.activation };
  const set = (apply) => (value) => { apply(value); nnShowNeuron(block, state); };
  const controls = document.createElement("fieldset");
  controls.className = "nn-controls";
  const legend = document.createElement("legend");
  legend.textContent = "Try other numbers";
  controls.append(legend);
  state.inputs.forEach((input, i) => controls.append(
    nnSlider(`input a${nnSubscript(i + 1)}`, input, set((value) => { state.inputs[i] = value; }))));
  state.weights.forEach((weight, i) => controls.append(
    nnSlider(`weight w${nnSubscript(i + 1)}`, weight, set((value) => { state.weights[i] = value; }))));
  controls.append(nnSlider("bias b", state.bias, set((value) => { state.bias = value; })),
    nnMenu(data.activations, state.activation, set((value) => { state.activation = value; })));
  block.querySelector(".nn-formulas").after(controls);
}

function nnDrawMap(svg, map, frame, epoch) {  // as garden.nn.decision draws a map
  const cells = map.frames[frame];
  const runs = new Map();  // cell value -> path data of its runs of cells
  for (let row = 0; row < map.size; row++) {
    let start = 0;
    for (let column = 1; column <= map.size; column++) {
      const value = cells[row * map.size + start];
      if (column < map.size && cells[row * map.size + column] === value) continue;
      const width = (column - start) * map.cell;
      const run = `M${map.left + start * map.cell} ${map.top + row * map.cell}h${width}v${map.cell}h-${width}z`;
      runs.set(value, (runs.get(value) || "") + run);
      start = column;
    }
  }
  const paths = [...runs.keys()].sort((p, q) => p - q).map((value) => {
    const path = document.createElementNS(nnSvgNS, "path");
    path.setAttribute("d", runs.get(value));
    path.setAttribute("class", `nn-region nn-class-${Math.floor(value / map.levels) % map.palette}`);
    path.setAttribute("fill", "currentColor");
    path.setAttribute("fill-opacity", String(map.opacity[value % map.levels]));
    return path;
  });
  svg.querySelector(".nn-regions").replaceChildren(...paths);
  svg.querySelector(".nn-map-epoch").textContent = String(epoch);
}

function nnTraining(box) {
  const data = JSON.parse(box.dataset.training);
  const last = data.epochs.length - 1;
  const input = document.createElement("input");
  Object.assign(input, { type: "range", min: "0", max: String(last), step: "1", value: String(last) });
  const shown = document.createElement("output");
  const describe = (index) => {  // the loss as the training table writes it
    shown.textContent = `${data.epochs[index]} · loss ${nnGeneral(data.losses[index], 4)}`;
  };
  describe(last);
  const marker = box.querySelector(".nn-marker");
  const map = box.querySelector("svg.nn-decision-map");
  input.addEventListener("input", () => {
    const index = Number(input.value);
    describe(index);
    marker.setAttribute("x1", String(data.marks[index]));
    marker.setAttribute("x2", String(data.marks[index]));
    if (map && data.map) nnDrawMap(map, data.map, index, data.epochs[index]);
  });
  const controls = nnControl("epoch", input, shown);
  controls.className = "nn-controls nn-epochs";
  box.prepend(controls);
}

function nnInit(root = document) {
  root.querySelectorAll(".nn-neuron[data-neuron]").forEach(nnNeuron);
  root.querySelectorAll(".nn-training[data-training]").forEach(nnTraining);
}

nnInit();


// --- live reload ---
// Only on pages `garden serve` marked (<body data-live="PAGE" data-live-version="N">): follow the
// server's change events. When only this page's file changed, its new HTML (sent along with the
// change, else fetched) is put in place of the old: the header, main and footer (the search field,
// its text and the scroll position stay). When a file it loaded changed (a stylesheet, a script, a
// picture), or the new page needs other ones, it is loaded again. A hidden tab lets go of its connection (browsers allow few per
// server) and asks what it missed when shown.

function liveReloadLoadedFiles() {
  const loaded = new Set();
  for (const entry of performance.getEntriesByType("resource")) {
    const url = new URL(entry.name);
    url.search = "";
    url.hash = "";
    loaded.add(url.href);
  }
  return loaded;
}

// What a change means for this page: "none", "page" (only its own HTML) or "files" (something it
// loaded). A new search index is none of these: the next search loads it.
function liveReloadConcern(changed, page) {
  const root = new URL(gardenRoot || "./", location.href);
  const self = new URL(page, root).href;
  const loaded = liveReloadLoadedFiles();
  loaded.delete(self); // fetched by an earlier update in place
  const others = changed.filter((path) => !path.startsWith("pagefind/"));
  if (others.some((path) => path !== page && loaded.has(new URL(path, root).href))) return "files";
  return changed.includes(page) ? "page" : "none";
}

// After a new search index: the next search loads Pagefind afresh, and with it the new index.
function liveReloadSearchIndex(changed) {
  if (searchModule && changed.some((path) => path.startsWith("pagefind/"))) {
    searchModule = null;
    searchIndexVersion += 1;
  }
}

// The parts of a page that an update in place cannot change: its stylesheets and scripts, where the
// site's root is, whether it has search.
function liveReloadFrame(doc) {
  const sources = [...doc.querySelectorAll("link[rel~=stylesheet], script[src], base")]
    .map((element) => element.outerHTML);
  return JSON.stringify([sources, doc.body.dataset.root, "search" in doc.body.dataset]);
}

const LIVE_PARTS = ["header.site-header", "main#main", "footer.site-footer"]; // what an update replaces
const LIVE_HEAD = "title, meta[name=description], meta[property], link[rel=canonical]"; // and in the head

// Put the freshly served `doc` in place of this page; false when it needs a load of its own.
function liveReloadSwap(doc) {
  if (liveReloadFrame(doc) !== liveReloadFrame(document)) return false;
  if (!LIVE_PARTS.every((part) => document.querySelector(part) && doc.querySelector(part))) return false;
  const search = document.querySelector("header.site-header .search");
  const freshSearch = doc.querySelector("header.site-header .search");
  if (Boolean(search) !== Boolean(freshSearch)) return false;
  if (search) freshSearch.replaceWith(search); // what the reader typed, and its results, stay
  for (const element of document.head.querySelectorAll(LIVE_HEAD)) element.remove();
  document.head.append(...[...doc.head.querySelectorAll(LIVE_HEAD)].map((element) => document.adoptNode(element)));
  if (previewBox) previewHide();
  for (const part of LIVE_PARTS) document.querySelector(part).replaceWith(document.adoptNode(doc.querySelector(part)));
  document.body.dataset.liveVersion = doc.body.dataset.liveVersion;
  const main = document.querySelector("main#main");
  graphInit(main);
  nnInit(main);
  return true;
}

// The page's new HTML: as the server sent it with the change (`pushed`), else fetched.
async function liveReloadUpdate(pushed) {
  let html = pushed;
  if (html === null) {
    const response = await fetch(location.href, { cache: "no-store" });
    if (!response.ok) return false;
    html = await response.text();
  }
  return liveReloadSwap(new DOMParser().parseFromString(html, "text/html"));
}

function liveReloadConnect(live) {
  const query = "?since=" + encodeURIComponent(live.version) + "&page=" + encodeURIComponent(live.page);
  const events = new EventSource(gardenRoot + "_garden/events" + query);
  let updating = Promise.resolve(true);
  let pushed = { version: null, html: null };
  events.addEventListener("page", (event) => {
    pushed = { version: event.lastEventId, html: JSON.parse(event.data) };
  });
  events.addEventListener("change", (event) => {
    const changed = JSON.parse(event.data);
    liveReloadSearchIndex(changed);
    const concern = liveReloadConcern(changed, live.page);
    const html = pushed.version === event.lastEventId ? pushed.html : null;
    live.version = event.lastEventId;
    if (concern === "none") return;
    if (concern === "page") {
      updating = updating.then((swapped) => swapped && liveReloadUpdate(html)).catch(() => false);
      updating.then((swapped) => { if (!swapped) location.reload(); });
      return;
    }
    events.close();
    location.reload();
  });
  events.addEventListener("error", () => events.close());  // the server stopped: no retries
  return events;
}

function liveReloadStart() {
  const body = document.body;
  if (body.dataset.live === undefined) return;
  const live = {page: body.dataset.live, version: body.dataset.liveVersion, events: null};
  const follow = () => {
    if (live.events) live.events.close();
    live.events = document.hidden ? null : liveReloadConnect(live);
  };
  document.addEventListener("visibilitychange", follow);
  follow();
}

liveReloadStart();
