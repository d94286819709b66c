// Text size and contrast for this patient, until the kiosk resets.
//
// A classic script, loaded without defer in <head> (not a module, which would
// wait for the page to be parsed): it sets data-text-size and data-theme on
// <html> before the first paint. The choice lives in sessionStorage only
// (idle.js clears it at a reset); the server keeps nothing about a patient.
"use strict";

(() => {
  const KEY = "kiosk-display";
  const SIZES = ["100", "150", "200"];
  const THEMES = ["standard", "contrast"];
  const root = document.documentElement;
  let chosen = {};
  try { chosen = JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch { chosen = {}; }

  function apply() {
    root.dataset.textSize = SIZES.includes(chosen.size) ? chosen.size : SIZES[0];
    root.dataset.theme = THEMES.includes(chosen.theme) ? chosen.theme : THEMES[0];
    for (const button of document.querySelectorAll("[data-set-size]")) {
      button.setAttribute("aria-pressed", String(button.dataset.setSize === root.dataset.textSize));
    }
    for (const button of document.querySelectorAll("[data-set-theme]")) {
      button.setAttribute("aria-pressed", String(button.dataset.setTheme === root.dataset.theme));
    }
  }

  apply();
  // Again for each page that arrives (page.js), for its buttons' state.
  document.addEventListener("kiosk:page", apply);
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-set-size], [data-set-theme]");
    if (!button) return;
    if (button.dataset.setSize) chosen.size = button.dataset.setSize;
    if (button.dataset.setTheme) chosen.theme = button.dataset.setTheme;
    try { sessionStorage.setItem(KEY, JSON.stringify(chosen)); } catch { /* this page only */ }
    apply();
  });
})();
