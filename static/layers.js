// Which part of the kiosk a key or a click goes to: one dispatcher, one order, for every
// module. Before this, each script had its own listeners, and which one won hung on
// capture or bubble, window or document, script order and stopImmediatePropagation (the
// sentence bar closed under an open menu; Enter on a sentence beat the guide only because
// ask.js listened on window). Now no module listens for keydown or click itself: each
// registers here, and the order lives here alone.
//
// The layers, topmost first:
//   dialog    a modal <dialog> (a hard word, the idle warning). The browser keeps focus in
//             it and sends it `cancel` on Escape; under it, only the guide is asked (it
//             reads whatever is on top). Its buttons: understand.js, idle.js.
//   menu      Language or Display, drawn over the page (kiosk.js). Tab goes round it.
//   sentence  the sentence bar, beside its sentence, and the sentences themselves (ask.js)
//   guide     the audio guide (guide.js): its keys, its button; Escape goes up one level
//   page      everything else: the player, hard words, the teach-back, links
//
// For each key and each click, one listener (window, capture phase: before htmx and the
// element's own) asks the layers' handlers in that order, topmost first, open or not (Enter
// on a sentence opens its bar), each checking its own target. A handler returns true when
// it has used the event up: the dispatcher then prevents its default action, asks no one
// below, and (a click) stops it there, so neither htmx nor the link acts on it either. A
// handler that acts but lets the event go on (htmx follows the link) returns nothing.
//
// Before any layer, a click by touch or mouse goes to the guide's tap (`beforeLayers`):
// with the guide on, the first tap on an item only says it, wherever the item lies.
//
// Escape is the dispatcher's own: the topmost *open* layer closes, and only it.
//
// Two listeners stay outside, on purpose: display.js, the classic script that sets the
// text size before the first paint (it cannot import), keeps its click on the Display
// menu's own buttons, which no handler here claims (a first tap the guide uses up is
// stopped here, before it); and staff.js, on the staff pages, which load none of this.

const ORDER = ["dialog", "menu", "sentence", "guide", "page"];
// Under an open modal dialog the page is inert: only the dialog and the guide are asked.
const UNDER_A_DIALOG = new Set(["dialog", "guide"]);

const modal = () => document.querySelector("dialog:modal");
const layers = new Map(ORDER.map((name) => [name, { isOpen: () => false, close: null, scope: null }]));
layers.set("dialog", { isOpen: () => modal() !== null, close: null, scope: modal });
layers.set("page", { isOpen: () => true, close: null, scope: null });
const handlers = new Map(ORDER.map((name) => [name, { keydown: [], click: [] }]));
let tap = null;

function named(name) {
  if (!ORDER.includes(name)) throw new Error(`layers.js: no layer named ${name}`);
  return name;
}

// How to tell that layer `name` is open (`isOpen()`), how Escape closes it (`close()`),
// and, for a layer that keeps focus while it is open, its element (`scope()`).
export function layer(name, { isOpen, close = null, scope = null }) {
  layers.set(named(name), { isOpen, close, scope });
}

// `handler(event)` for each `type` ("keydown" or "click") event, in layer `name`'s turn;
// it returns true when it has used the event up. Within a layer the handlers act on
// different elements or keys, so their order does not matter.
export function on(name, type, handler) {
  const list = handlers.get(named(name))[type];
  if (!list) throw new Error(`layers.js: no event type ${type}`);
  list.push(handler);
}

// The audio guide's touch to hear: asked about every click before any layer. One only.
export function beforeLayers(handler) {
  if (tap) throw new Error("layers.js: beforeLayers is taken");
  tap = handler;
}

// The topmost open layer's name (the page when nothing is open over it).
export function topmost() {
  return ORDER.find((name) => layers.get(name).isOpen());
}

// The element focus stays in: the topmost open dialog or menu, else the whole document.
export function focusScope() {
  for (const name of ORDER) {
    const { isOpen, scope } = layers.get(name);
    if (scope && isOpen()) return scope() || document;
  }
  return document;
}

// Whether the patient last touched (or clicked) rather than pressed a key: the guide's
// hints say how to go on in the way they are using. Noted here, before any handler runs.
let touch = false;
export const touching = () => touch;
window.addEventListener("pointerdown", () => { touch = true; }, { capture: true, passive: true });

function usedUp(event) {
  event.preventDefault();
  if (event.type === "click") event.stopPropagation();
  return true;
}

function ask(event) {
  const covered = modal() !== null;
  for (const name of ORDER) {
    if (covered && !UNDER_A_DIALOG.has(name)) continue;
    for (const handler of handlers.get(name)[event.type]) {
      if (handler(event) === true) return usedUp(event);
    }
  }
  return false;
}

function escape(event) {
  const top = layers.get(topmost());
  // A dialog closes by the browser's own `cancel`; the page has nothing to close.
  if (top.close) {
    usedUp(event);
    top.close();
  }
}

// Tab goes round an open menu's own controls until it is closed, never on to the page
// behind it (a modal dialog the browser keeps focus in itself). Asked after every layer:
// the audio guide, when on, moves focus itself, to its own stops in the same scope.
function keepTabIn(event) {
  const scope = focusScope();
  if (scope === document || scope.matches("dialog")) return;
  const stops = [...scope.querySelectorAll("summary, a[href], button")].filter((el) => el.checkVisibility());
  if (!stops.length) return;
  const at = stops.indexOf(document.activeElement);
  const step = event.shiftKey ? -1 : 1;
  usedUp(event);
  stops[at === -1 ? 0 : (at + step + stops.length) % stops.length].focus();
}

const modified = (event) => event.altKey || event.ctrlKey || event.metaKey;

window.addEventListener("keydown", (event) => {
  touch = false;
  if (event.defaultPrevented) return;
  if (event.key === "Escape") {
    if (!modified(event)) escape(event);
    return;
  }
  if (ask(event)) return;
  if (event.key === "Tab" && !modified(event)) keepTabIn(event);
}, true);

window.addEventListener("click", (event) => {
  if (event.defaultPrevented) return;
  if (tap && tap(event) === true) { usedUp(event); return; }
  ask(event);
}, true);
