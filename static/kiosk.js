// Kiosk behaviour on top of htmx. No inline script anywhere: a strict CSP
// can allow this file alone.
"use strict";

// htmx never moves focus after a swap. Move it to the new page heading so a
// screen reader announces the new section and keyboard users start there.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.target && event.detail.target.id === "main") {
    const heading = document.getElementById("page-heading");
    if (heading) {
      heading.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    }
  }
});
