// The idle reset (WCAG 2.2.1). After the idle time with no touch, no key and
// no audio playing, a warning is shown and spoken; "I'm still here" keeps
// the page. Without an answer the kiosk stops the audio, forgets every
// setting (sessionStorage and localStorage are cleared) and goes back to the
// start screen, replacing the history entry: the kiosk never adds one, so
// the browser's Back cannot lead to the last patient's pages.

import { on } from "./layers.js";
import { readJSON } from "./page.js";
import { voice } from "./voice.js";

// Watches one page: a page swapped in keeps the same watch, and a full load
// (the reset's own included) starts a new one.
function watch(settings) {
  let lastActive = Date.now();
  let warnedAt = null;
  const warning = { onend() {} }; // identifies the warning's speech to the voice
  const dialog = () => document.getElementById("idle-warning");

  function active() {
    if (warnedAt === null) lastActive = Date.now();
  }
  // Capture phase: activity counts before anything else handles the event.
  for (const type of ["pointerdown", "keydown", "wheel", "touchstart"]) {
    window.addEventListener(type, active, { capture: true, passive: true });
  }

  // settings.countdown holds the text for each count, 1 second left first:
  // each in the plural form its language needs ("1 second", "2 seconds").
  function showLeft(seconds) {
    const detail = document.getElementById("idle-detail");
    const text = settings.countdown[seconds - 1];
    if (detail && text) detail.textContent = text;
  }

  function warn() {
    warnedAt = Date.now();
    const box = dialog();
    if (box && !box.open) box.showModal();
    showLeft(settings.warning);
    voice.say(settings.say, warning);
  }

  // Only a deliberate answer keeps the page: the button, or Escape. (Closing
  // the dialog on any key would let that key's click land on whatever had
  // focus before it.)
  function stay() {
    if (warnedAt === null) return;
    warnedAt = null;
    lastActive = Date.now();
    if (voice.saying(warning)) voice.stop();
    const box = dialog();
    if (box && box.open) box.close();
  }

  function pristine() {
    let kept = 0;
    try { kept = sessionStorage.length + localStorage.length; } catch { kept = 0; }
    return location.pathname === settings.start && kept === 0;
  }

  // Once: the interval goes on until the start screen has loaded, and each
  // further location.replace would abort the one under way.
  let resetting = false;
  function reset() {
    if (resetting) return;
    resetting = true;
    voice.stop();
    try {
      sessionStorage.clear();
      localStorage.clear();
    } catch { /* storage unavailable: nothing was kept */ }
    window.location.replace(settings.start);
  }

  on("dialog", "click", (event) => {
    if (!event.target.closest("#idle-stay")) return false;
    stay();
    return true;
  });
  document.addEventListener("cancel", (event) => {
    if (event.target.id === "idle-warning") stay();
  }, true);

  setInterval(() => {
    const now = Date.now();
    if (warnedAt === null) {
      // A patient who is listening is never reset, and an untouched start
      // screen has nothing to reset: an empty waiting room stays quiet.
      if (!voice.audio.paused || pristine()) lastActive = now;
      else if (now - lastActive >= settings.idle * 1000) warn();
      return;
    }
    const left = Math.ceil(settings.warning - (now - warnedAt) / 1000);
    if (left <= 0) reset();
    else showLeft(left);
  }, 250);
}

const settings = readJSON("idle-settings");
if (settings) watch(settings);
