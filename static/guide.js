// The audio guide, after Trace Center's EZ Access: a patient who cannot see
// the screen moves through the page with Tab or the arrow keys (or by
// touching), hears every item in the page's language, and asks for help with
// "?". It speaks only once turned on (the first button on every page, or
// "?"), and stays on across pages until it is turned off or the kiosk resets.
//
// Every word comes from the page: each item carries its clips in data-say
// ([[clip URL, lang, words], ...]); hints and help are in #guide-phrases and
// #page-help. Everything is said through the kiosk's one voice (voice.js), as
// asides: a section being read carries on after the guide has spoken.

import { isQuietFocus } from "./focus.js";
import { beforeLayers, focusScope, layer, on, touching } from "./layers.js";
import { onPage, readJSON } from "./page.js";
import { voice } from "./voice.js";

const settings = voice.settings;
const phrases = () => readJSON("guide-phrases") || {};

// What a first tap has picked: a second tap on the same item acts.
let armed = null;
let focusBeforeTap = null;
// Help is said in layers; "?" again skips to the next one.
let help = null;

const isOn = () => settings.guide && document.getElementById("guide-toggle") !== null;
// A leaflet's sentence (data-sentence, static/ask.js) is a stop for the arrow keys and a tap,
// said by its own clip; Tab passes over them, from control to control, as before.
const SENTENCE = "#main .sentence[data-sentence][data-clip]";
const STOP = `[data-say], ${SENTENCE}`;
const saysOf = (el) => {
  if (el.matches(SENTENCE) && !el.dataset.say) return [[el.dataset.clip, el.closest("[lang]").getAttribute("lang"), el.textContent]];
  try { return JSON.parse(el.dataset.say); } catch { return []; }
};
const visible = (el) => (el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null);
// Within an open modal dialog (the idle warning) or an open menu (Language,
// Display, drawn over the page) only its own items, its button included,
// until it is closed: the topmost that keeps focus (layers.js).
const scope = focusScope;
const items = (withSentences) => [...scope().querySelectorAll(withSentences ? STOP : "[data-say]")].filter(visible);
const FOCUSABLE = "a[href], button, summary, input, select, textarea, [tabindex]";

function kindOf(el) {
  if (el.matches("a[href]")) return "link";
  if (el.matches("button")) return "button";
  if (el.matches("summary")) return "menu";
  if (el.matches("h1, h2, h3")) return "heading";
  return null;
}

// The item's words, then the hint for its kind the first time one is met.
function speak(el) {
  const parts = [...saysOf(el)];
  const kind = kindOf(el);
  const hint = kind && phrases()[`${touching() ? "touch-" : ""}hint-${kind}`];
  if (hint && !settings.hinted.includes(kind)) {
    settings.hinted.push(kind);
    voice.save();
    parts.push(...hint.say);
  }
  help = null;
  voice.say(parts, { aside: true });
}

function focus(el) {
  if (!el.matches(FOCUSABLE)) el.tabIndex = -1; // text items: focusable by script only
  el.focus();
  el.scrollIntoView({ block: "nearest" });
}

function move(delta, withSentences = false) {
  const list = items(withSentences);
  if (!list.length) return;
  const here = document.activeElement;
  const at = list.indexOf(here);
  let next;
  if (at !== -1) next = (at + delta + list.length) % list.length;
  else if (here && here !== document.body && scope().contains(here)) {
    // Not a stop of this list (a sentence, reached by the arrow keys, when Tab moves):
    // go on from where it stands in the page, not from the top.
    const after = list.findIndex((el) => here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    const first = after === -1 ? list.length : after;
    next = delta > 0 ? first % list.length : (first - 1 + list.length) % list.length;
  } else next = delta > 0 ? 0 : list.length - 1;
  focus(list[next]);
}

function sayHelp() {
  const page = readJSON("page-help") || {};
  const layers = [page.where, page.what, (phrases().keys || {}).say].filter((l) => l && l.length);
  const start = help && voice.saying(help.options) ? help.layer + 1 : 0;
  if (start >= layers.length) { voice.hush(); help = null; return; }
  const run = (layer) => {
    const options = { aside: true, onend() { if (layer + 1 < layers.length) run(layer + 1); else help = null; } };
    help = { layer, options };
    voice.say(layers[layer], options);
  };
  run(start);
}

// The caption lies over the foot of the screen (kiosk.css): the page keeps room for the
// tallest it has been, so that nothing it says hides the end of the page or the item focus
// moves to, and nothing moves when it empties.
function measureCaption() {
  const caption = document.getElementById("guide-caption");
  if (!caption || !("ResizeObserver" in window)) return;
  let room = 0;
  new ResizeObserver(() => {
    const height = Math.ceil(caption.getBoundingClientRect().height);
    if (height <= room) return;
    room = height;
    document.documentElement.style.setProperty("--guide-caption-room", `calc(${room}px + 1rem)`);
  }).observe(caption);
}
measureCaption();

function showState() {
  const toggle = document.getElementById("guide-toggle");
  if (toggle) toggle.setAttribute("aria-pressed", String(settings.guide));
  const caption = document.getElementById("guide-caption");
  if (caption) caption.hidden = !settings.guide;
  document.documentElement.classList.toggle("guide-on", settings.guide);
}

function turnOn(then) {
  settings.guide = true;
  voice.save();
  showState();
  const on = phrases().on;
  voice.say(on ? on.say : [], { aside: true, onend: then });
}

function turnOff() {
  settings.guide = false;
  settings.hinted = [];
  voice.save();
  armed = null;
  help = null;
  showState();
  const off = phrases().off;
  voice.say(off ? off.say : [], { aside: true });
}

// Escape goes up one level, as the kiosk's own Back button does: the layer under all
// but the page (layers.js), so only when nothing is open over the page (in the idle warning, Escape
// answers "I'm still here"; in a menu, it closes the menu).
layer("guide", {
  isOpen: isOn,
  close() {
    const back = document.getElementById("back-link");
    if (back) back.click();
  },
});

document.addEventListener("focusin", (event) => {
  const el = event.target;
  if (el !== armed) armed = null;
  if (!isOn() || isQuietFocus() || !el.matches || !el.matches(STOP)) return;
  speak(el);
});

// "?" asks for help anywhere, and turns the guide on if it is off.
on("guide", "keydown", (event) => {
  if (event.key !== "?") return false;
  if (!isOn()) turnOn(sayHelp); else sayHelp();
  return true;
});

on("guide", "keydown", (event) => {
  if (!isOn() || event.altKey || event.ctrlKey || event.metaKey) return false;
  const rtl = document.documentElement.dir === "rtl";
  const steps = {
    Tab: event.shiftKey ? -1 : 1,
    ArrowDown: 1,
    ArrowUp: -1,
    ArrowRight: rtl ? -1 : 1,
    ArrowLeft: rtl ? 1 : -1,
  };
  if (event.key in steps) {
    move(steps[event.key], event.key !== "Tab");
    return true;
  }
  if (event.key === "Enter" && !event.target.matches(FOCUSABLE.replace(", [tabindex]", ""))) {
    // Enter on a text item (a heading, a notice) says it again. (On a sentence it opens
    // the sentence bar: ask.js, a layer above, has used it up by now.)
    const el = event.target.closest(STOP);
    if (el) { speak(el); return true; }
  }
  return false;
});

// Touch to hear, tap again to act: asked before any layer (layers.js), so the first tap
// is used up before htmx, the player or the link itself sees it. Keyboard activation (a
// click with detail 0) always acts at once, and so does the guide's own button, so it can
// always be turned off.
window.addEventListener("pointerdown", () => { focusBeforeTap = document.activeElement; }, { capture: true, passive: true });
beforeLayers((event) => {
  if (!isOn() || event.detail === 0) return false;
  const item = event.target.closest(STOP);
  if (!item || item.id === "guide-toggle") return false;
  if (item === armed) { armed = null; return false; }
  if (document.activeElement !== item) focus(item); // focusin says it
  else if (focusBeforeTap === item) speak(item); // already focused: say it again
  armed = item;
  return true;
});

// A menu (Language, Display) says that it opened, and how to go on in it,
// and, with its name, that it closed. `toggle` does not bubble: listen
// while it is captured.
document.addEventListener("toggle", (event) => {
  const menu = event.target;
  if (!isOn() || !menu.matches("details.top-menu")) return;
  const open = menu.open ? (touching() ? "menu-open-touch" : "menu-open") : null;
  const parts = open ? [] : [...saysOf(menu.querySelector("summary"))];
  const phrase = phrases()[open || "menu-closed"];
  if (phrase) parts.push(...phrase.say);
  help = null;
  voice.say(parts, { aside: true });
}, true);

on("guide", "click", (event) => {
  if (!event.target.closest("#guide-toggle")) return false;
  if (settings.guide) turnOff(); else turnOn();
  return true;
});

function arrive() {
  showState();
  // A page loaded with the guide on (a language switch, Escape to the top)
  // starts at its heading, and says it.
  const heading = document.getElementById("page-heading");
  if (isOn() && heading) heading.focus({ preventScroll: true });
}

onPage((swapped) => (swapped ? showState() : arrive()));
