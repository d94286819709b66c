// The kiosk's one voice: a single <audio> element that says everything, the
// leaflet's sentences and the audio guide's words alike, so nothing can ever
// speak over anything else. Saying something new stops what was being said,
// at once (EN 301 549 5.1.3.5). Only an aside (the guide naming an item, a
// setting's new value) is said over a reading without ending it: the reading
// waits where it was and carries on after it.
//
// Also the patient's listening settings (speed, volume, guide on or off).
// They live in sessionStorage so that they survive a language switch, which
// is a full page load, and nowhere else: they are gone when the kiosk resets.
// No strings live here; every text comes translated from the page.

import { readJSON } from "./page.js";

const STORE = "kiosk-listening";

const steps = readJSON("voice-settings") || { rates: [1], volumes: [1], normalRate: 0, defaultVolume: 0 };

const settings = {
  rate: steps.normalRate,      // index into steps.rates
  volume: steps.defaultVolume, // index into steps.volumes
  guide: false,
  hinted: [],                  // kinds of item whose hint the guide has said
  more: false,                 // the player's further controls shown
};
try { Object.assign(settings, JSON.parse(sessionStorage.getItem(STORE)) || {}); } catch { /* defaults */ }
const clamp = (value, list) => Math.max(0, Math.min(Number(value) || 0, list.length - 1));
settings.rate = clamp(settings.rate, steps.rates);
settings.volume = clamp(settings.volume, steps.volumes);

function save() {
  try { sessionStorage.setItem(STORE, JSON.stringify(settings)); } catch { /* private mode: per page */ }
}

const audio = new Audio();
audio.preload = "auto";
// Keep the voice's pitch when the patient slows it down or speeds it up.
audio.preservesPitch = true;

let current = null; // { parts, index, options } of what is being said
// What an aside is said over: { said, time, playing }, the utterance, where
// it was in its clip, and whether it was playing (it comes back as it was).
let held = null;

function applySettings() {
  audio.playbackRate = steps.rates[settings.rate];
  audio.defaultPlaybackRate = audio.playbackRate;
  audio.volume = steps.volumes[settings.volume];
}

// Empty while nothing is said, which hides it (kiosk.css: .guide-caption:empty).
function showCaption(part) {
  const caption = document.getElementById("guide-caption");
  if (!caption) return;
  caption.textContent = part ? part[2] : "";
  if (part) caption.setAttribute("lang", part[1]);
}

// Whether the element holds `url` already, loaded or loading without error:
// then it plays from the start without being fetched and decoded again (the
// clip at a URL never changes). This is what makes Play sound at once.
function holds(url) {
  return audio.getAttribute("src") === url && !audio.error;
}

function playPart() {
  const part = current.parts[current.index];
  if (holds(part[0])) {
    if (audio.currentTime) audio.currentTime = 0;
  } else {
    audio.src = part[0];
  }
  applySettings();
  showCaption(part);
  const said = current;
  audio.play().catch((error) => {
    // AbortError: something newer was said first; that is not a failure.
    // A clip that did not load (audio.error: a busy kiosk's 503) rejects
    // play() too, but the error listener below asks for it again first.
    if (error.name !== "AbortError" && !audio.error && said === current) failed();
  });
}

function failed() {
  const said = current;
  current = null;
  showCaption(null);
  if (said && said.options.onerror) said.options.onerror();
  comeBack();
}

// Say `parts` ([[clip URL, lang, words], ...]) in order, stopping whatever
// was being said (its onstop runs). onend runs when all were said.
// With { aside: true } what was being said is held instead, where it was,
// and comes back after the aside (playing on, or still paused); an aside
// said over another aside replaces it. Anything else said drops both.
function say(parts, options = {}) {
  if (options.aside) setAside(); else interrupt();
  if (!parts || !parts.length) {
    if (options.onend) options.onend();
    comeBack();
    return;
  }
  current = { parts, index: 0, options };
  playPart();
}

function interrupt() {
  const was = current;
  const under = held && held.said;
  current = null;
  held = null;
  audio.pause();
  showCaption(null);
  if (was && was.options.onstop) was.options.onstop();
  if (under && under.options.onstop) under.options.onstop();
}

function setAside() {
  const was = current;
  current = null;
  if (was && !was.options.aside) {
    held = { said: was, time: audio.currentTime, playing: !audio.paused };
  }
  audio.pause();
  showCaption(null);
  if (was && was.options.aside && was.options.onstop) was.options.onstop();
}

// After an aside, what it was said over carries on from where it was. The
// clip is set again (the aside's took its place) and starts at that time:
// Chromium keeps a currentTime set before the clip is loaded.
function comeBack() {
  if (current || !held) return;
  const { said, time, playing } = held;
  held = null;
  current = said;
  const part = said.parts[said.index];
  if (!holds(part[0])) audio.src = part[0];
  audio.currentTime = time;
  applySettings();
  if (!playing) return;
  showCaption(part);
  audio.play().catch((error) => {
    if (error.name !== "AbortError" && !audio.error && said === current) failed();
  });
}

// End the aside being said now; what it was said over comes back, playing
// or paused as asked (as it was, without `playing`).
function endAside(playing) {
  if (!held) return false;
  const aside = current;
  current = null;
  if (playing !== undefined) held.playing = playing;
  audio.pause();
  showCaption(null);
  if (aside && aside.options.onstop) aside.options.onstop();
  comeBack();
  return true;
}

audio.addEventListener("ended", () => {
  if (!current) return;
  current.index += 1;
  current.retries = 0;
  if (current.index < current.parts.length) {
    playPart();
    return;
  }
  const done = current;
  current = null;
  showCaption(null);
  if (done.options.onend) done.options.onend();
  comeBack(); // unless onend said something new
});
// A clip that is still being rendered while many others wait comes back 503
// (Retry-After: 5 s): ask again a few times before saying the audio failed.
const RETRY_DELAYS_MS = [1000, 2500, 5000];
audio.addEventListener("error", () => {
  if (!current || !audio.getAttribute("src")) return;
  const said = current;
  const tries = said.retries || 0;
  if (tries >= RETRY_DELAYS_MS.length) { failed(); return; }
  said.retries = tries + 1;
  setTimeout(() => { if (said === current) playPart(); }, RETRY_DELAYS_MS[tries]);
});

export const voice = {
  audio,
  steps,
  settings,
  save,
  say,
  // Stop speaking, asides and what they were said over (each onstop runs).
  stop: interrupt,
  // Stop an aside; what it was said over carries on as it was.
  hush() { if (!endAside()) interrupt(); },
  // Pause and resume what is being said, where it is, keeping its owner.
  // An aside is cut short: Pause and Play are meant for what it was said over.
  pause() { if (!endAside(false)) audio.pause(); },
  resume() {
    if (endAside(true)) return true;
    if (!current) return false;
    applySettings();
    audio.play().catch(() => failed());
    return true;
  },
  // Load `url` ahead, while nothing is being said, so that saying it later
  // starts at once (the player readies the page's first sentence).
  prepare(url) {
    if (current || held || !url || holds(url)) return;
    audio.src = url;
  },
  // Whether `options` (as passed to say) is what is being said now.
  // Held under an aside, it still counts as being said.
  saying(options) {
    return (current !== null && current.options === options) || (held !== null && held.said.options === options);
  },
  setRate(index) { settings.rate = clamp(index, steps.rates); applySettings(); save(); },
  setVolume(index) { settings.volume = clamp(index, steps.volumes); applySettings(); save(); },
};
applySettings();

// Leaving the page (a full load, such as a language switch) ends speech.
window.addEventListener("pagehide", () => audio.pause());

// For the browser tests and for looking in from the developer tools only:
// no file of the kiosk reads it (each imports what it uses).
window.kiosk = Object.freeze({ voice });
