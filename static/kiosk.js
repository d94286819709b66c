// Kiosk behaviour on top of htmx. No inline script anywhere: a strict CSP
// can allow this file alone.
"use strict";

// htmx never moves focus after a swap. Move it to the new page heading so a
// screen reader announces the new section and keyboard users start there.
// afterSettle fires for each settled element; the out-of-band language menu
// reports #main as its detail.target, so test the event's own target.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.id === "main") {
    const heading = document.getElementById("page-heading");
    if (heading) {
      heading.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }
});
