// Help to understand on a section's page (kiosk/patient/understanding.py): the word
// dialog for a hard word, and the teach-back question.
//
// Every word comes from the page: the dialog's texts and clips from
// #word-phrases, the question's answers from #teach-back-phrases. The
// question's state lives in the page, and goes with it (a new section, the
// idle reset); only how it went (right first, right after the replay, staff
// offered) is sent, once, to be counted where the kiosk has a server
// (kiosk/counts/: per day, nothing about the patient). Said through the kiosk's one voice
// (voice.js): saying a word or an answer is not an aside, so a section being
// read pauses (Play goes on from its sentence), and the modal dialog never
// leaves a reading running behind it that the patient could not pause.

import { focusQuietly, quietly, showTogether } from "./focus.js";
import { on } from "./layers.js";
import { onPage, readJSON } from "./page.js";
import { voice } from "./voice.js";

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const pageLang = () => document.documentElement.lang;

// A phrase ({text, lang, say}) shown in `el` and said by the guide from it.
function show(el, phrase) {
  el.textContent = phrase.text;
  el.dataset.say = JSON.stringify(phrase.say);
  // Only English can differ from the page's language (a fallback).
  if (phrase.lang !== pageLang()) { el.lang = phrase.lang; el.dir = "ltr"; }
  else { el.removeAttribute("lang"); el.removeAttribute("dir"); }
}

// ---- The word dialog ----------------------------------------------------

let opener = null;  // the hard word the dialog was opened from
let shown = null;   // its phrases
let saying = null;  // the options of what the dialog is saying

const dialog = () => document.getElementById("word-dialog");

function say(parts, options = {}) {
  saying = options;
  voice.say(parts, options);
}

function openWord(link) {
  const box = dialog();
  const data = (readJSON("word-phrases") || {})[link.dataset.term];
  if (!box || !data) return false;
  opener = link;
  shown = data;
  const word = box.querySelector("#word-dialog-word");
  show(word, data.word);
  show(box.querySelector("#word-dialog-definition"), data.definition);
  box.querySelector(".word-english").hidden = true;
  const english = box.querySelector("#word-english");
  if (english) english.hidden = !data.english;
  // Focus starts on the word, quietly: the word and its meaning are said next, whole.
  quietly(() => box.showModal());
  focusQuietly(word);
  say([...data.word.say, ...data.definition.say]);
  return true;
}

function hearEnglish() {
  const box = dialog();
  if (!box || !shown || !shown.english) return;
  const block = box.querySelector(".word-english");
  show(block.querySelector(".word-english-word"), shown.english.word);
  show(block.querySelector(".word-english-definition"), shown.english.definition);
  block.hidden = false;
  say([...shown.english.word.say, ...shown.english.definition.say]);
}

// However it closes (Close, Escape), the dialog's words stop and focus
// returns to the word it was opened from, which the guide then names.
document.addEventListener("close", (event) => {
  if (event.target.id !== "word-dialog") return;
  if (saying && voice.saying(saying)) voice.stop();
  saying = null;
  const back = opener;
  opener = null;
  if (back && back.isConnected) back.focus();
}, true);

// A hard word opens its dialog, and that click is used up (layers.js): htmx does not
// follow the link to the word list (the way there without JavaScript). The guide's
// first tap has been used up before this.
on("page", "click", (event) => {
  const link = event.target.closest("a[data-term]");
  return Boolean(link && event.button === 0 && !event.ctrlKey && !event.metaKey && openWord(link));
});

on("dialog", "click", (event) => {
  if (event.target.closest("#word-close")) dialog().close();
  else if (event.target.closest("#word-english")) hearEnglish();
  else return false;
  return true;
});

// ---- Teach-back -----------------------------------------------------------

const question = () => document.getElementById("teach-back");
const checks = () => readJSON("teach-back-phrases") || {};
let misses = 0;
let counted = false;

// How the question went, sent once per question and page: the first outcome
// is the one counted (a patient offered staff who then answers right was
// still offered staff). A lost count is no harm, so no retry and no error.
function count(outcome) {
  const url = question().dataset.countUrl;
  if (counted || !url) return;
  counted = true;
  fetch(url, { method: "POST", body: new URLSearchParams({ outcome }), keepalive: true }).catch(() => {});
}

function feedback(phrase) {
  const line = question().querySelector(".teach-back-feedback");
  show(line, phrase);
}

// The sentence that holds the answer: scrolled to, highlighted as the
// player highlights a sentence, and said; then the question is asked again.
function showAnswer(then) {
  const sentence = document.getElementById("answer-sentence");
  for (const other of document.querySelectorAll("#main .sentence.speaking")) {
    other.classList.remove("speaking");
    other.removeAttribute("aria-current");
  }
  if (!sentence || !sentence.dataset.clip) { then(); return; }
  sentence.classList.add("speaking", "answer-shown");
  sentence.setAttribute("aria-current", "true");
  sentence.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
  const lang = sentence.closest("[lang]").getAttribute("lang");
  const done = () => {
    sentence.classList.remove("speaking");
    sentence.removeAttribute("aria-current");
  };
  say([[sentence.dataset.clip, lang, sentence.textContent]], { onend() { done(); then(); }, onstop: done });
}

function askAgain() {
  const box = question();
  if (!box || !box.isConnected) return;
  const all = checks();
  feedback(all.retry);
  const heading = box.querySelector("#teach-back-question");
  // The question and every answer on the screen, to be chosen again.
  const answers = box.querySelector(".answers");
  showTogether(heading, answers || heading);
  focusQuietly(heading);
  say([...all.retry.say, ...all.question.say]);
}

function answer(button) {
  const box = question();
  const all = checks();
  const right = Number(button.dataset.answer) === Number(box.dataset.right);
  if (right) {
    count(misses === 0 ? "right-first" : "right-after-replay");
    feedback(all.right);
    const next = box.querySelector(".teach-back-next");
    next.hidden = false;
    const link = next.querySelector("a");
    focusQuietly(link);
    say([...all.right.say, ...JSON.parse(link.dataset.say || "[]")]);
    return;
  }
  misses += 1;
  if (misses === 1) {
    feedback(all.again);
    say(all.again.say, { onend() { showAnswer(askAgain); } });
  } else {
    count("staff-offered");
    // Never "wrong", never a score: a person can explain it better.
    // And they can be asked from here (ask.js answers the form), where the kiosk has a server.
    feedback(all.staff);
    const staff = box.querySelector(".teach-back-staff");
    if (staff) staff.hidden = false;
    say([...all.staff.say, ...(staff ? JSON.parse(staff.querySelector("button").dataset.say || "[]") : [])]);
  }
}

on("page", "click", (event) => {
  const button = event.target.closest("#teach-back .answer");
  if (!button) return false;
  answer(button);
  return true;
});

// ---- "In short" ---------------------------------------------------------------

// Open, unless that pushes the leaflet's own first line off the first
// screen (200% text in Russian on a portrait screen; Urdu's tall lines):
// then folded to its heading. Measured, not guessed from the text size:
// the same box fits some languages and screens and not others.
function fitSummary() {
  const box = document.querySelector("#main .in-short");
  if (!box) return;
  box.open = true;
  if (window.scrollY > 0) return;  // measured on arrival only, from the top
  const first = [...document.querySelectorAll("#main .sentence")]
    .find((s) => !box.contains(s) && (box.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING));
  const line = first && first.getClientRects()[0];
  if (line && line.bottom > window.innerHeight) box.open = false;
}
// Again when the patient changes the text size (display.js sets it on <html>),
// and when the window changes shape: an exported leaflet opened on a PC can be
// resized, and the box must fit the window it is in, not the one it opened in.
// Only from the top: further down, opening the box would move the text being read.
new MutationObserver(fitSummary).observe(document.documentElement, { attributeFilter: ["data-text-size"] });
window.addEventListener("resize", () => { if (window.scrollY === 0) fitSummary(); });

// ---- Each page --------------------------------------------------------------

function setUp() {
  misses = 0;
  counted = false;
  opener = null;
  shown = null;
  // Shown only where it can be checked: without JavaScript it stays hidden.
  const box = question();
  if (box) box.hidden = false;
  fitSummary();
  document.fonts.ready.then(fitSummary);
}

onPage(setUp);
