// Read-aloud player: plays a section sentence by sentence from cached clips.
//
// The sentences are the <span class="sentence" data-clip> elements of the
// section text itself, so the patient hears exactly what is shown. Labels and
// status messages come translated from data- attributes on #player; there are
// no user-visible strings in this file. No inline script, no eval: a strict
// CSP can allow this file alone.
"use strict";

(() => {
  const audio = new Audio();
  audio.preload = "auto";
  // Keep the voice's pitch when the patient slows it down or speeds it up.
  audio.preservesPitch = true;

  const state = {
    index: 0,            // sentence being played or about to be
    playing: false,
    wholeLeaflet: false, // "Listen to the whole leaflet": move on at the end
    advancing: false,    // the player itself is turning the page
    rate: 1,
  };

  const player = () => document.getElementById("player");
  const sentences = () => [...document.querySelectorAll("#main .sentence[data-clip]")];

  function say(key, values = {}) {
    const el = player();
    if (!el) return;
    let text = el.dataset[key] || "";
    for (const [name, value] of Object.entries(values)) text = text.replace(`{${name}}`, value);
    el.querySelector(".player-status").textContent = text;
  }

  function showToggle() {
    const el = player();
    if (!el) return;
    // The label itself says what a press will do (no aria-pressed: a toggle
    // whose name also changes is announced confusingly).
    const button = el.querySelector('[data-action="toggle"]');
    button.textContent = state.playing ? el.dataset.labelPause : el.dataset.labelPlay;
  }

  function highlight(current) {
    for (const span of sentences()) {
      const on = span === current;
      span.classList.toggle("speaking", on);
      if (on) span.setAttribute("aria-current", "true");
      else span.removeAttribute("aria-current");
    }
    if (current) current.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function playAt(index) {
    const list = sentences();
    if (!list.length) return;
    state.index = Math.max(0, Math.min(index, list.length - 1));
    const span = list[state.index];
    state.playing = true;
    highlight(span);
    audio.src = span.dataset.clip;
    audio.playbackRate = state.rate;
    say("statusLoading");
    audio.play().then(
      () => say("statusPlaying", { number: state.index + 1, total: list.length }),
      (error) => { if (error.name !== "AbortError") fail(); },
    );
    showToggle();
    // Warm the cache for the next sentence so playback runs on without a gap.
    const next = list[state.index + 1];
    if (next) fetch(next.dataset.clip).catch(() => {});
  }

  function stop(statusKey = "statusStopped") {
    audio.pause();
    audio.removeAttribute("src");
    state.playing = false;
    state.index = 0;
    state.wholeLeaflet = false;
    highlight(null);
    showToggle();
    say(statusKey);
  }

  function fail() {
    // Never guess: say the audio failed and stop, rather than play on.
    stop("statusError");
  }

  audio.addEventListener("ended", () => {
    const list = sentences();
    if (state.index + 1 < list.length) {
      playAt(state.index + 1);
      return;
    }
    const next = document.querySelector('#main a[rel="next"]');
    if (state.wholeLeaflet && next) {
      state.advancing = true;
      next.click(); // htmx swaps the next section in; afterSettle plays it
    } else {
      stop();
    }
  });
  audio.addEventListener("error", () => { if (state.playing) fail(); });

  const actions = {
    toggle() {
      if (state.playing) {
        audio.pause();
        state.playing = false;
        showToggle();
        say("statusPaused");
      } else if (audio.src && audio.currentTime > 0 && !audio.ended) {
        state.playing = true;
        audio.play().catch(fail);
        showToggle();
        say("statusPlaying", { number: state.index + 1, total: sentences().length });
      } else {
        playAt(state.index);
      }
    },
    previous() { playAt(state.index - 1); },
    repeat() { playAt(state.index); },
    next() { playAt(state.index + 1); },
    stop() { stop(); },
    "listen-all"(event) {
      // The link goes to the first section (a real href without JavaScript);
      // with JavaScript it also starts the whole leaflet playing.
      state.wholeLeaflet = true;
      state.advancing = true;
      const first = event.target.closest("a");
      if (first && first.getAttribute("href") === location.pathname) {
        event.preventDefault();
        state.advancing = false;
        playAt(0);
      }
    },
  };

  document.addEventListener("click", (event) => {
    const control = event.target.closest("[data-action]");
    if (!control || !(control.dataset.action in actions)) return;
    actions[control.dataset.action](event);
  });

  document.addEventListener("change", (event) => {
    if (event.target.name === "speed") {
      state.rate = Number(event.target.value) || 1;
      audio.playbackRate = state.rate;
    }
  });

  // One voice at a time: any navigation the patient starts stops the speech.
  document.addEventListener("htmx:beforeRequest", () => {
    if (!state.advancing) stop();
  });
  window.addEventListener("pagehide", () => audio.pause());

  document.addEventListener("htmx:afterSettle", (event) => {
    // Fired once per settled element: for #main and again for the
    // out-of-band language menu (whose detail.target is #main too).
    if (event.target.id !== "main") return;
    const keep = state.advancing && state.wholeLeaflet;
    state.advancing = false;
    // Keep the chosen speed on the new page's controls.
    const radio = document.querySelector(`#player input[name="speed"][value="${state.rate}"]`);
    if (radio) radio.checked = true;
    if (keep && player()) {
      state.wholeLeaflet = true;
      playAt(0);
    } else {
      state.index = 0;
      state.wholeLeaflet = false;
    }
  });
})();
