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

// htmx does not swap in an error answer (a stale link, a server restart with
// other content). Load it as a whole page instead, so the patient sees the
// translated error page and its way home rather than a button that does nothing.
document.addEventListener("htmx:responseError", (event) => {
  window.location.assign(event.detail.pathInfo.requestPath);
});
