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
import { layer, on } from "./layers.js";
import { onPage } from "./page.js";
import { playFrom } from "./player.js";
import { voice } from "./voice.js";

const SENTENCE = "#main .sentence[data-sentence]";
const bar = () => document.getElementById("sentence-bar");
let selected = null;

// `refocus`: back on the sentence, so Tab goes on from it (focus left in the hidden bar
// fell to the page, and the next Tab went to its top); `quiet`: without the guide saying it.
function close({ refocus = false, quiet = false } = {}) {
  const box = bar();
  if (box) box.hidden = true;
  const was = selected;
  if (was) was.classList.remove("selected");
  selected = null;
  if (refocus && was && was.isConnected) {
    if (!was.matches("a[href], button, [tabindex]")) was.tabIndex = -1;
    if (quiet) focusQuietly(was);
    else was.focus();
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

// The bar's own "Listen from here"; "Ask staff about this" is an htmx form, left to htmx.
on("sentence", "click", (event) => {
  const action = event.target.closest("[data-sentence-action]");
  if (!action || action.dataset.sentenceAction !== "listen" || !selected) return false;
  const from = selected;
  close({ refocus: true, quiet: true });  // the player reads from it at once
  playFrom(from);
  return true;
});

// A tap on a sentence opens its bar, or closes it, on the sentence it is open for.
on("sentence", "click", (event) => {
  const span = event.target.closest(SENTENCE);
  // A hard word inside the sentence keeps its own tap (understand.js).
  if (!span || event.target.closest("a, button") || !bar()) return false;
  if (span === selected && !bar().hidden) close();
  else open(span);
  return true;
});

// Escape closes the bar, back on its sentence: under a menu or a dialog, which close
// first, and over the guide's "up one level" (layers.js orders them).
layer("sentence", {
  isOpen: () => Boolean(bar() && !bar().hidden),
  close: () => close({ refocus: true }),
});

// Enter on a sentence opens its bar: a layer above the guide, whose Enter on a text item
// says it again.
on("sentence", "keydown", (event) => {
  if (event.key !== "Enter" || event.altKey || event.ctrlKey || event.metaKey) return false;
  if (!event.target.matches || !event.target.matches(SENTENCE)) return false;
  open(event.target);
  return true;
});

// What "Ask staff about this" answers (kiosk/ask_staff/views.py) is always the kiosk's own
// fragment, in the patient's language, whatever its status (429: a limit; 503: it could not
// be kept; 404: a stale page): shown and said. Anything else (a proxy's error page, no answer
// at all) means the question was not asked: the page says so from its own words, never
// leaving "told" or nothing. A poll that fails is simply tried again: the patient was told.
const ANSWERS = ".ask-answer, .ask-status";
const OURS = 'class="ask-said"';
let focusWasIn = null;

function unreached(area) {
  const words = document.getElementById("ask-unreached");
  if (!area || !words) return;
  area.replaceChildren(words.content.cloneNode(true));
  announce(area, { focus: true });
}

document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, xhr } = event.detail;
  if (!target || !target.matches(ANSWERS)) return;
  focusWasIn = target.contains(document.activeElement) ? target : null;
  const ours = xhr.responseText.includes(OURS);
  event.detail.shouldSwap = ours;
  event.detail.isError = false;
  if (!ours && target.matches(".ask-answer")) unreached(target);
});

document.addEventListener("htmx:sendError", (event) => {
  const form = event.target.closest && event.target.closest("form");
  if (form && form.querySelector('input[name="sentence"]')) unreached(document.querySelector(form.getAttribute("hx-target")));
});

// A question staff were told of gets a status box of its own beside its sentence, out of the
// bar, so closing the bar or choosing another sentence never loses its Cancel, and its poll
// (every few seconds: staff saw to it, or it closed) goes on. Asked again, the server answers
// with the same question: its box replaces the old one.
// It goes at the end of the sentence's block (after its paragraph or heading, at the end of
// its list item), not where the bar opened inside the paragraph: the bar closes once it has
// answered, and a box left mid-paragraph would split the patient's text for as long as the
// question is open.
function keepBeside(status) {
  const bar = status.closest(".sentence-bar");
  if (!bar) return status;  // the teach-back's own box stays where it is
  for (const old of document.querySelectorAll(`.ask-status[data-asked="${CSS.escape(status.dataset.asked)}"]`)) {
    if (old !== status) old.remove();
  }
  const block = (selected || bar).closest("li, p, h2, h3");
  if (block && block.tagName === "LI") block.append(status);
  else if (block) block.after(status);
  else bar.after(status);
  close();
  return status;
}

function announce(box, { focus }) {
  const said = [...box.querySelectorAll(".ask-said")];
  if (!said.length) return;
  if (focus) {
    focusQuietly(said[0]);
    // focusQuietly does not scroll, and at 200% text the answer can land past the foot of
    // the screen: bring it and its cancel button into view.
    box.scrollIntoView({ block: "nearest" });
  }
  try {
    voice.say(said.flatMap((p) => JSON.parse(p.dataset.say || "[]")));
  } catch { /* shown, not said */ }
}

document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (!target || !target.matches(ANSWERS)) return;
  const status = target.querySelector(":scope > .ask-status");
  const box = status ? keepBeside(status) : target;
  // Focus follows an answer the patient asked for; a poll's news is said where focus is,
  // unless the button that had it (Cancel) is gone with the swap.
  announce(box, { focus: target.matches(".ask-answer") || focusWasIn === target });
  focusWasIn = null;
});

onPage(() => { selected = null; });
