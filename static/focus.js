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
