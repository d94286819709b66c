// Read-aloud player: plays a section sentence by sentence from cached clips,
// through the kiosk's one voice (voice.js).
//
// The sentences are the <span class="sentence" data-clip> elements of the
// section text itself, so the patient hears exactly what is shown. Labels,
// statuses and their clips come translated in #player-phrases; there are no
// user-visible strings in this file. No inline script, no eval: a strict CSP
// can allow this file alone.

import { focusAfterSwap } from "./focus.js";
import { on } from "./layers.js";
import { onPage, readJSON } from "./page.js";
import { voice } from "./voice.js";

const state = {
  index: 0,            // sentence being played or about to be
  playing: false,
  wholeLeaflet: false, // "Listen to the whole leaflet": move on at the end
  advancing: false,    // the player itself is turning the page
  ended: false,        // the section was read to its end: Previous sentence is its last
};
// The options object identifies our utterances to the voice. The guide and
// a setting's name are said as asides, over the reading, which then goes
// on where it was; anything else said stops the reading, which pauses.
let reading = null;

const player = () => document.getElementById("player");
const sentences = () => [...document.querySelectorAll("#main .sentence[data-clip]")];
const phrases = () => readJSON("player-phrases") || {};
const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

// Changes of state go to the polite live region; the sentence counter is
// shown beside it but never announced (it would talk over the clip).
function status(key) {
  const el = player();
  if (!el) return;
  const phrase = key ? phrases()[key] : null;  // "": no status (a page turn)
  el.querySelector(".player-status").textContent = phrase ? phrase.text : "";
  el.classList.toggle("is-playing", state.playing);
}

function showPosition() {
  const el = player();
  if (!el) return;
  const list = sentences();
  const template = (phrases().position || {}).text || "";
  el.querySelector(".player-position").textContent = list.length && (state.playing || state.index > 0)
    ? template.replace("{number}", state.index + 1).replace("{total}", list.length) : "";
}

function showToggle() {
  const el = player();
  if (!el) return;
  // The label itself says what a press will do (no aria-pressed: a toggle
  // whose name also changes is announced confusingly). Its clip changes too.
  const phrase = phrases()[state.playing ? "pause" : "play"];
  const button = el.querySelector('[data-action="toggle"]');
  if (!phrase || !button) return;
  button.textContent = phrase.text;
  button.dataset.say = JSON.stringify(phrase.say);
  el.classList.toggle("is-playing", state.playing);
}

function showEnd(shown) {
  const end = player() && player().querySelector(".player-end");
  if (end) end.hidden = !shown;
}

function highlight(current) {
  for (const span of sentences()) {
    const on = span === current;
    span.classList.toggle("speaking", on);
    if (on) span.setAttribute("aria-current", "true");
    else span.removeAttribute("aria-current");
  }
  if (current) {
    // "In short" may be folded to its heading (understand.js): open it to read it.
    const folded = current.closest("details:not([open])");
    if (folded) folded.open = true;
    current.scrollIntoView({ block: "center", behavior: reducedMotion.matches ? "auto" : "smooth" });
  }
}

function playAt(index) {
  const list = sentences();
  if (!list.length) return;
  state.index = Math.max(0, Math.min(index, list.length - 1));
  state.ended = false;
  const span = list[state.index];
  const wasPlaying = state.playing;
  state.playing = true;
  showEnd(false);
  highlight(span);
  showToggle();
  showPosition();
  if (!wasPlaying) status("playing");
  const lang = span.closest("[lang]").getAttribute("lang");
  // Callbacks of an utterance that has since been replaced are ignored.
  const options = {
    onend() { if (reading === options) finished(); },
    onstop() { if (reading === options) interrupted(); },
    onerror() { if (reading === options) fail(); },
  };
  reading = options;
  voice.say([[span.dataset.clip, lang, span.textContent]], options);
  // Warm the cache for the next sentence so playback runs on without a gap.
  const next = list[state.index + 1];
  if (next) fetch(next.dataset.clip).catch(() => {});
}

// "Listen from here" on a tapped sentence (ask.js): read on from that sentence, as Play would.
export function playFrom(span) {
  const at = sentences().indexOf(span);
  if (at === -1) return false;
  state.wholeLeaflet = false;
  playAt(at);
  return true;
}

// Something other than an aside was said over the reading: pause.
function interrupted() {
  if (!state.playing) return;
  state.playing = false;
  showToggle();
  status("paused");
}

function idle() {
  state.playing = false;
  reading = null;
  highlight(null);
  showToggle();
}

function stop(statusKey = "stopped") {
  const was = reading;
  reading = null;
  state.playing = false;
  if (was && voice.saying(was)) voice.stop();
  state.index = 0;
  state.ended = false;
  state.wholeLeaflet = false;
  idle();
  showPosition();
  showEnd(false);
  status(statusKey);
}

// Never guess: say the audio failed, aloud as well as on screen, and stop.
function fail() {
  stop("error");
  const phrase = phrases().error;
  if (phrase) voice.say(phrase.say);
}

// The sentence ended, or the patient skipped past it with Next sentence.
function finished() {
  const list = sentences();
  if (state.index + 1 < list.length) {
    playAt(state.index + 1);
    return;
  }
  const next = document.querySelector('#main a[rel="next"]');
  if (state.wholeLeaflet && next) {
    state.advancing = true;
    // Keep focus on the control the patient used (Pause), not the new
    // heading, and let the guide keep quiet about it: the reading goes on.
    focusAfterSwap('#player [data-action="toggle"]', { quiet: true });
    next.click(); // htmx swaps the next section in; its arrival plays it
    return;
  }
  endOfSection();
}

// Say so, shown and spoken, and offer the next section (or the contents).
function endOfSection() {
  const hadFocus = player() && player().contains(document.activeElement);
  state.wholeLeaflet = false;
  idle();
  state.index = 0;  // Play starts the section again
  state.ended = true;
  showPosition();
  status("end");
  showEnd(true);
  const offer = player().querySelector(".player-end a");
  const phrase = phrases().end;
  voice.say(phrase ? phrase.say : [], {
    onend() {
      // The patient was using the player: the way on is the next control.
      if (hadFocus && offer && offer.isConnected) offer.focus();
    },
  });
}

// Said with the audio guide on, as an aside: what a control did, where nothing else shows it aloud.
function guideSays(phrase) {
  if (voice.settings.guide && phrase) voice.say(phrase.say, { aside: true });
}

// A setting was stepped: apply it, show it and say it, as an aside: a
// reading carries on after it, where it was (at the new speed or volume).
function step(name, delta) {
  const settings = voice.settings;
  const list = phrases()[name] || [];
  const index = name === "speed" ? settings.rate + delta : settings.volume + delta;
  if (name === "speed") voice.setRate(index); else voice.setVolume(index);
  showSettings();
  const current = list[name === "speed" ? settings.rate : settings.volume];
  if (current) voice.say(current.say, { aside: true });
}

function showSettings() {
  const all = phrases();
  for (const [name, index] of [["speed", voice.settings.rate], ["volume", voice.settings.volume]]) {
    const output = document.getElementById(`${name}-value`);
    const phrase = (all[name] || [])[index];
    if (!output || !phrase) continue;
    output.textContent = phrase.text;
    output.dataset.say = JSON.stringify(phrase.say);
  }
}

const actions = {
  toggle() {
    if (state.playing) {
      voice.pause();
      state.playing = false;
      showToggle();
      status("paused");
      // The live region tells a screen reader; a patient with the audio guide hears it too
      // (as an aside: the reading stays paused where it was, voice.js).
      guideSays(phrases().paused);
    } else if (reading && voice.saying(reading)) {
      state.playing = true;
      voice.resume();
      showToggle();
      status("playing");
    } else {
      playAt(state.index);
    }
  },
  // After the end, the sentence before it is the last one, not the heading (index 0).
  previous() { playAt(state.ended ? sentences().length - 1 : state.index - 1); },
  repeat() { playAt(state.index); },
  next() { if (state.playing || reading) finished(); else playAt(state.index + 1); },
  stop() { stop(); },
  more() {
    voice.settings.more = !voice.settings.more;
    voice.save();
    showMore();
    if (!voice.settings.guide) return;
    // With the audio guide, opened: on to the first control it shows, which the guide
    // says (guide.js); closed: said, as a menu is.
    const first = voice.settings.more && document.querySelector("#player-more button");
    if (first) first.focus();
    else guideSays((readJSON("guide-phrases") || {})["menu-closed"]);
  },
  "speed-down"() { step("speed", -1); },
  "speed-up"() { step("speed", 1); },
  "volume-down"() { step("volume", -1); },
  "volume-up"() { step("volume", 1); },
  "listen-all"(event) {
    // The link goes to the first section (a real href without JavaScript);
    // with JavaScript it also starts the whole leaflet playing. On the
    // first section itself there is nothing to load: play it here, and
    // keep htmx from reloading the page under the player (the click is used up).
    state.wholeLeaflet = true;
    const first = event.target.closest("a");
    if (first && first.getAttribute("href") === location.pathname) {
      state.advancing = false;
      playAt(0);
      return true;
    }
    state.advancing = true;
    return false;  // htmx follows the link
  },
};

// A player action is decided before htmx acts on the same click (layers.js asks before
// htmx; the listen-all link is also an htmx link). The buttons' clicks are used up.
on("page", "click", (event) => {
  const control = event.target.closest("[data-action]");
  if (!control || !(control.dataset.action in actions)) return false;
  const name = control.dataset.action;
  const used = actions[name](event);
  return name === "listen-all" ? used : true;
});

// One voice at a time: any navigation the patient starts stops the speech.
document.addEventListener("htmx:beforeRequest", () => {
  if (!state.advancing) stop("");
});

// Dock Play/Pause and Stop (CSS: .is-away) while the whole player is off
// screen: were any of it in sight, the docked bar could cover its buttons.
const away = new IntersectionObserver((entries) => {
  for (const entry of entries) entry.target.classList.toggle("is-away", !entry.isIntersecting);
});

// The further controls (sentence steps, speed, volume, whole leaflet),
// shown on demand and kept so from page to page.
function showMore() {
  const more = document.getElementById("player-more");
  const toggle = document.querySelector('#player [data-action="more"]');
  if (!more || !toggle) return;
  more.hidden = !voice.settings.more;
  toggle.setAttribute("aria-expanded", String(voice.settings.more));
}

function setUp() {
  showSettings();
  showToggle();
  showMore();
  // The first sentence is ready before the patient taps Play.
  const first = sentences()[0];
  if (first) voice.prepare(first.dataset.clip);
  away.disconnect();
  const whole = document.getElementById("player");
  if (whole) away.observe(whole);
}

onPage((swapped) => {
  if (!swapped) { setUp(); return; }
  const keep = state.advancing && state.wholeLeaflet;
  state.advancing = false;
  state.playing = false;
  reading = null;
  setUp();
  if (keep && player()) {
    state.wholeLeaflet = true;
    playAt(0);
  } else {
    state.index = 0;
    state.wholeLeaflet = false;
    state.ended = false;
  }
});
