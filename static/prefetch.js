// Instant page turns. While the patient reads a section, the sections that
// Previous and Next lead to are fetched into this page's memory. A tap on
// either then swaps the page in at once, exactly as htmx would have after its
// own request (the same hx-select, out-of-band parts and history step); a
// page not fetched yet (or whose fetch failed) goes the usual htmx way.
//
// Nothing is stored: the pages are public leaflet text, the server marks them
// no-store, and this memory goes with the page (a language switch or the
// idle reset loads a new one).

import { htmx, onPage } from "./page.js";

const TURNS = '#main a[rel="next"][hx-get], #main a[rel="prev"][hx-get]';
// url -> the page's HTML, once its fetch has answered 200. A url with a
// fetch under way is in `asked` only: a tap then does not wait for it.
const ready = new Map();
const asked = new Set();

function fetchTurns() {
  const wanted = new Set([...document.querySelectorAll(TURNS)].map((link) => link.getAttribute("hx-get")));
  for (const url of [...ready.keys()]) if (!wanted.has(url)) ready.delete(url);
  for (const url of [...asked]) if (!wanted.has(url)) asked.delete(url);
  for (const url of wanted) {
    if (ready.has(url) || asked.has(url)) continue;
    asked.add(url);
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      // A redirected answer is another page than the link names: let htmx ask.
      .then((response) => (response.ok && !response.redirected ? response.text() : null))
      .then((html) => { if (html !== null && asked.has(url)) ready.set(url, html); })
      .catch(() => { /* the tap will ask htmx instead */ })
      .finally(() => asked.delete(url));
  }
}

// Before htmx sends its request: answer it from memory instead. Cancelling
// htmx:beforeRequest ends htmx's handling quietly; every other listener
// (the player stops speaking) still hears the event.
document.addEventListener("htmx:beforeRequest", (event) => {
  const link = event.detail.elt;
  if (!link.matches || !link.matches(TURNS)) return;
  const url = link.getAttribute("hx-get");
  const html = ready.get(url);
  if (html === undefined) return;
  event.preventDefault();
  ready.clear();
  // Swapped once the code that clicked has finished, as after htmx's own
  // request: the player clicks Next from inside a clip's end, and a new
  // section started in the middle of that would be stopped by its end.
  queueMicrotask(() => {
    htmx().swap(link.getAttribute("hx-target"), html,
      { swapStyle: link.getAttribute("hx-swap"), swapDelay: 0, settleDelay: 0 },
      { select: link.getAttribute("hx-select"), selectOOB: link.getAttribute("hx-select-oob"), contextElement: link });
    // As hx-replace-url does: the step replaces the history entry.
    history.replaceState({ htmx: true }, "", url);
  });
});

// The first page's turns not before its own load: its fonts and first clip come first.
onPage((swapped) => {
  if (swapped || document.readyState === "complete") fetchTurns();
  else window.addEventListener("load", fetchTurns, { once: true });
});
