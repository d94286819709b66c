// Tap a sentence (issue 20): a leaflet's sentence (data-sentence, templates/macros.html)
// is selected by a tap, a click or, with the audio guide, Enter, and the one sentence bar
// (templates/partials/sentence_bar.html) opens beside it: "Listen from here" plays on from
// it (player.js), "Ask staff about this" flags it for staff (kiosk/ask_staff.py, an htmx
// form). With the guide on, the first tap says the sentence and the second opens the bar,
// as at every guide stop (guide.js stops the first tap before this sees it); the arrow
// keys step from sentence to sentence, each said. Escape closes the bar.
//
// Nothing is kept: which sentence was asked about lives in the page, and the idle reset
// takes it with the page (the question stays on the staff screen until staff clear it).

import { focusQuietly, showTogether } from "./focus.js";
import { layer } from "./layers.js";
import { onPage } from "./page.js";
import { playFrom } from "./player.js";
import { voice } from "./voice.js";

const SENTENCE = "#main .sentence[data-sentence]";
const bar = () => document.getElementById("sentence-bar");
let selected = null;

function close({ refocus = false } = {}) {
  const box = bar();
  if (box) box.hidden = true;
  const was = selected;
  if (was) was.classList.remove("selected");
  selected = null;
  if (refocus && was && was.isConnected) {
    if (!was.matches("a[href], button, [tabindex]")) was.tabIndex = -1;
    was.focus();
  }
}

function open(span) {
  const box = bar();
  if (!box || !box.querySelector("button")) return false;
  if (selected) selected.classList.remove("selected");
  selected = span;
  span.classList.add("selected");
  const field = box.querySelector('input[name="sentence"]');
  if (field) field.value = span.dataset.sentence;
  box.querySelector(".ask-answer").replaceChildren();
  // Beside the sentence: right after it, inside its paragraph or list item, where the
  // rest of the block goes on below the bar (after a whole paragraph, a long Chinese one at
  // 200% put the bar below the screen); after a heading, which must not hold buttons.
  // One pattern in every language: the flow puts it on the right side.
  const block = span.closest("li, p, h2, h3");
  if (block && (block.tagName === "LI" || block.tagName === "P")) span.after(box);
  else if (block) block.after(box);
  box.hidden = false;
  const first = box.querySelector("button");
  first.focus({ preventScroll: true });  // with the guide on, it is said (guide.js)
  showTogether(span, box);  // the sentence and its bar on the screen together
  return true;
}

document.addEventListener("click", (event) => {
  const action = event.target.closest("[data-sentence-action]");
  if (action) {
    if (action.dataset.sentenceAction === "listen" && selected) {
      const from = selected;
      close();
      playFrom(from);
    }
    return;
  }
  const span = event.target.closest(SENTENCE);
  // A hard word inside the sentence keeps its own tap (understand.js).
  if (!span || event.target.closest("a, button") || !bar()) return;
  if (span === selected && !bar().hidden) close();
  else open(span);
});

// Escape closes the bar, back on its sentence: under a menu or a dialog, which close
// first, and over the guide's "up one level" (layers.js orders them).
layer("sentence", {
  isOpen: () => Boolean(bar() && !bar().hidden),
  close: () => close({ refocus: true }),
});

// Before the guide's own keys (on document): Enter on a sentence opens its bar.
window.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || document.querySelector("dialog[open]")) return;
  if (event.key === "Enter" && event.target.matches && event.target.matches(SENTENCE)) {
    event.preventDefault();
    event.stopImmediatePropagation();
    open(event.target);
  }
}, true);

// A flag that could not be made (a stale page: 404; too many: 429) still says why, in the
// patient's language: the server answers these with the same small fragment.
document.addEventListener("htmx:beforeSwap", (event) => {
  const target = event.detail.target;
  if (target && target.matches(".ask-answer") && event.detail.xhr.status < 500) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The answer is shown and said; focus goes to it (quietly: said once, here).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.matches(".ask-answer")) return;
  const said = target.querySelector(".ask-said");
  if (!said) return;
  focusQuietly(said);
  // focusQuietly does not scroll, and at 200% text the answer lands below the bar's
  // buttons, past the foot of the screen: bring it and its cancel button into view.
  target.scrollIntoView({ block: "nearest" });
  try { voice.say(JSON.parse(said.dataset.say || "[]")); } catch { /* shown, not said */ }
});

onPage(() => { selected = null; });
