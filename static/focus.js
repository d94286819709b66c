// Where focus goes, and when the audio guide must not announce it.

let hushed = 0;

// Run `action` (which moves focus: a dialog's showModal) without the audio
// guide announcing where focus lands: the caller says something better.
export function quietly(action) {
  hushed += 1;
  try { action(); } finally { hushed -= 1; }
}

// Focus `element` without the audio guide announcing it (the player keeps
// reading after an automatic page turn, and must not be talked over).
export function focusQuietly(element) {
  quietly(() => element.focus({ preventScroll: true }));
}

// Whether focus is being moved quietly now (guide.js then says nothing).
export const isQuietFocus = () => hushed > 0;

// htmx never moves focus after a swap. Move it to the new page heading so a
// screen reader (and the audio guide) announces the new page and keyboard
// users start there; the player may ask for another element instead
// (focusAfterSwap) to keep the patient on the control they used.
let wanted = null;

// After the next page arrives, focus the element `selector` finds there
// (quietly: without the guide announcing it), not the page's heading.
export function focusAfterSwap(selector, { quiet: hush = false } = {}) {
  wanted = { selector, quiet: hush };
}

export function focusArrivedPage() {
  const asked = wanted;
  wanted = null;
  const keep = asked && document.querySelector(asked.selector);
  if (keep) {
    if (asked.quiet) focusQuietly(keep);
    else keep.focus({ preventScroll: true });
    return;
  }
  const heading = document.getElementById("page-heading");
  if (heading) {
    heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }
}

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

// Scroll so that everything from `first` to `last` (a sentence and the bar under it, a
// question and its answers) is on the screen together, centred; where it is taller than
// the screen, from its start. scrollIntoView shows one element, and "nearest" left a
// question at the foot of the screen with its answers below it (at 200% text).
export function showTogether(first, last = first) {
  const top = first.getBoundingClientRect().top;
  const bottom = last.getBoundingClientRect().bottom;
  // Not under a Play/Pause docked at the foot of the screen (player.js, kiosk.css).
  const dock = document.querySelector(".player.is-playing.is-away .player-dock");
  const room = window.innerHeight - (dock ? dock.getBoundingClientRect().height : 0);
  const margin = Math.min(32, room / 20);
  const tall = bottom - top;
  const offset = tall + 2 * margin <= room ? (room - tall) / 2 : margin;
  window.scrollTo({ top: window.scrollY + top - offset, behavior: reducedMotion.matches ? "auto" : "smooth" });
}
