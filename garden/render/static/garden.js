// garden's one script: every page reads fully without it; each section below adds one thing.
// The site's root (relative to this page, so any base path and file:// work) is <body data-root>.
"use strict";

const gardenRoot = document.body.dataset.root || "";

// --- search ---

// --- previews ---

// --- graph ---

// --- neurons ---

// --- live reload ---
// Only on pages `garden serve` marked (<body data-live="PAGE" data-live-version="N">): follow the
// server's change events and reload when this page's file, or a file it loaded, changed. A hidden
// tab lets go of its connection (browsers allow few per server) and asks what it missed when shown.

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

function liveReloadConcerns(changed, page) {
  const root = new URL(gardenRoot || "./", location.href);
  const loaded = liveReloadLoadedFiles();
  return changed.some((path) => path === page || loaded.has(new URL(path, root).href));
}

function liveReloadConnect(live) {
  const events = new EventSource(gardenRoot + "_garden/events?since=" + encodeURIComponent(live.version));
  events.addEventListener("change", (event) => {
    if (liveReloadConcerns(JSON.parse(event.data), live.page)) {
      events.close();
      location.reload();
    } else {
      live.version = event.lastEventId;
    }
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
