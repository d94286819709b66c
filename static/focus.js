// Where focus goes, and when the audio guide must not announce it.

let quiet = null;

// Focus `element` without the audio guide announcing it (the player keeps
// reading after an automatic page turn, and must not be talked over).
export function focusQuietly(element) {
  quiet = element;
  element.focus({ preventScroll: true });
  quiet = null;
}

// Whether `element` is being focused by focusQuietly (guide.js says nothing).
export const isQuietFocus = (element) => element === quiet;

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
