// What every script of the kiosk needs to know about the page: the data it
// carries for them, and when a page has arrived.
//
// Modules (this and the files that import it) run once, after the first page
// is parsed. A later page is swapped in by htmx (#main for Previous and Next,
// the whole body for a boosted link) or is a full load that runs them again.

// Data the page renders for the scripts, in a data-json attribute: not a
// <script type="application/json">, which htmx strips from every swap.
export function readJSON(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  try { return JSON.parse(el.dataset.json); } catch { return null; }
}

// "A page arrived" is one event, `kiosk:page` on document: for the first page
// (detail.swapped false) once every module has set up, and for each page htmx
// swaps in (true). Listeners run in the order the modules were loaded.
// display.js, a classic script run before first paint, listens too.
function announce(swapped) {
  document.dispatchEvent(new CustomEvent("kiosk:page", { detail: { swapped } }));
}

// Deferred and module scripts have all run by DOMContentLoaded.
document.addEventListener("DOMContentLoaded", () => announce(false));
// afterSettle fires for each settled element: for the swapped target, and
// again for the out-of-band language menu, which reports #main as its
// detail.target; so test the event's own target.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.id === "main" || event.target === document.body) announce(true);
});

// `callback(swapped)` for every page that arrives.
export function onPage(callback) {
  document.addEventListener("kiosk:page", (event) => callback(event.detail.swapped));
}
