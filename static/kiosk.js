// Kiosk behaviour on top of htmx. No inline script anywhere: a strict CSP
// (script-src 'self') allows the kiosk's own files, modules included.

import { focusArrivedPage, focusQuietly } from "./focus.js";
import { layer, on } from "./layers.js";
import { onPage } from "./page.js";

// A page swapped in gets focus at its heading, or where the player asked.
onPage((swapped) => { if (swapped) focusArrivedPage(); });

// htmx does not swap in an error answer (a stale link, a server restart with
// other content). Load it as a whole page instead, so the patient sees the
// translated error page and its way home rather than a button that does nothing.
document.addEventListener("htmx:responseError", (event) => {
  window.location.replace(event.detail.pathInfo.requestPath);
});

// Every step replaces the history entry instead of adding one (htmx does so
// with hx-replace-url; full page loads, such as a language switch, are made
// here), so that after a reset the browser's Back leads to no patient's page.
// The kiosk's own Back button goes up a level instead.
on("page", "click", (event) => {
  const link = event.target.closest('a[href][hx-boost="false"]');
  if (!link || event.button !== 0 || event.ctrlKey || event.metaKey) return false;
  window.location.replace(link.href);
  return true;
});

// Escape closes an open menu (Language, Display) and returns to its button,
// quietly: the audio guide says the button's name with "closed" (guide.js).
// While it is open, Tab goes round its own button and items (layers.js).
const openMenu = () => document.querySelector("details.top-menu[open]");
function closeMenu() {
  const menu = openMenu();
  menu.open = false;
  focusQuietly(menu.querySelector("summary"));
}
layer("menu", { isOpen: () => openMenu() !== null, close: closeMenu, scope: openMenu });

// A tap beside an open menu closes it, and goes on to what it was on, as if the menu had not
// been open (as a popover's light dismiss does): a walk found the Display menu left open over
// the text after a tap beside it; and a patient who taps Audio guide, or Next, with a menu
// open means that button.
on("menu", "click", (event) => {
  const menu = openMenu();
  if (!menu || menu.contains(event.target) || event.target.closest("details.top-menu > summary")) return false;
  closeMenu();
  return false;
});

// One menu at a time. Both panels open in the same place under the top bar, so a second
// menu opened by touch lay under the first, unseen, and Escape closed the hidden one.
// The other closes before this one opens, so the guide says "closed" first, then "open".
on("menu", "click", (event) => {
  const summary = event.target.closest("details.top-menu > summary");
  if (!summary || summary.parentElement.open) return false;
  for (const other of document.querySelectorAll("details.top-menu[open]")) other.open = false;
  return false;  // the summary opens its own menu
});

// htmx notes the page's address in sessionStorage for its history support,
// on load and after every swap. The kiosk keeps no page of a patient's, not
// even its address: take it out again (htmx falls back to location itself).
function forgetTheAddress() {
  try { sessionStorage.removeItem("htmx-current-path-for-history"); } catch { /* nothing kept */ }
}
forgetTheAddress();
document.addEventListener("htmx:replacedInHistory", forgetTheAddress);
document.addEventListener("htmx:pushedIntoHistory", forgetTheAddress);

// The language menu names every language in its own script, but a page links
// only its own script's fonts (Chinese alone is 60 KB a weight, even cut to the
// kiosk's characters).
// Opening the menu links the rest; a face is then fetched only for the names
// drawn with it. `toggle` does not bubble: listen while it is captured.
document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (menu.id !== "language-menu" || !menu.open) return;
  let urls = [];
  try { urls = JSON.parse(menu.dataset.fonts || "[]"); } catch { return; }
  const linked = new Set([...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.getAttribute("href")));
  for (const url of urls) {
    if (linked.has(url)) continue;
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = url;
    document.head.append(link);
  }
}, true);
