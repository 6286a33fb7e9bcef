// garden's one script: every page reads fully without it; each section below adds one thing.
// The site's root (relative to this page, so any base path and file:// work) is <body data-root>.
"use strict";

const gardenRoot = document.body.dataset.root || "";

// --- search ---

// --- previews ---

// --- graph ---

// --- neurons ---
