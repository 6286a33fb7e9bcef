// garden's one script: every page reads fully without it; each section below adds one thing.
// The site's root (relative to this page, so any base path and file:// work) is <body data-root>.
"use strict";

const gardenRoot = document.body.dataset.root || "";

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
  let pagefind = null;
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
    pagefind ??= import(new URL(gardenRoot + "pagefind/pagefind.js", location.href).href).then(async (module) => {
      await module.options({ baseUrl: "/", excerptLength: 24 }); // result URLs from the site's root
      return module;
    });
    return pagefind;
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

// --- graph ---

// --- neurons ---
