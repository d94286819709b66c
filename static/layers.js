// Escape closes the topmost thing on the screen, and only that: one rule, here, for every
// layer. Before this, each script had its own Escape listener, and which one won hung on
// capture or bubble, script order and stopImmediatePropagation (the sentence bar, closed
// by a window capture listener, closed under an open menu).
//
// The layers, topmost first:
//   dialog    a modal <dialog> (a hard word, the idle warning): the browser's own. It lies
//             in the top layer and Escape sends it `cancel`, so nothing here acts on it.
//   menu      Language or Display, drawn over the page (kiosk.js)
//   sentence  the sentence bar, beside its sentence (ask.js)
//   level     with the audio guide on, up one level, as Back does (guide.js)
// A script says how to tell that its layer is open and how to close it; the order lives here.

const ORDER = ["dialog", "menu", "sentence", "level"];
const layers = new Map([
  ["dialog", { isOpen: () => document.querySelector("dialog[open]") !== null, close: null }],
]);

// `name` (one of ORDER) is open when `isOpen()` says so; Escape on it calls `close()`.
export function layer(name, { isOpen, close }) {
  if (!ORDER.includes(name)) throw new Error(`layers.js: no layer named ${name}`);
  layers.set(name, { isOpen, close });
}

// The topmost open layer's name, or null.
export function topmost() {
  return ORDER.find((name) => layers.has(name) && layers.get(name).isOpen()) || null;
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
  const name = topmost();
  const top = name && layers.get(name);
  if (!top || !top.close) return;  // nothing open, or the browser's dialog: its cancel
  event.preventDefault();
  top.close();
});
