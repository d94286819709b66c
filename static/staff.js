// The staff screen's only script.

// A Print button on the bilingual view, shown only when it can work (without
// JavaScript, the browser's own Print).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});

// A notice ("Settings saved.", a session that had ended) takes the focus, so a
// screen reader reads it out; it is already in view (the redirect's #fragment,
// or the top of the page). htmx is not involved: these come with a whole page.
document.querySelector("[data-notice]")?.focus();

// The server ends a staff session after 5 idle minutes, but a page already on
// the screen would stay there, showing staff information to the next patient.
// So after as long without a touch or a key, load the staff screen again: the
// server then asks for the PIN.
(() => {
  const seconds = Number(document.body.dataset.staffIdle);
  const home = document.body.dataset.staffHome;
  if (!seconds || !home) return;
  let timer = null;
  const restart = () => {
    clearTimeout(timer);
    timer = setTimeout(() => window.location.replace(home), (seconds + 1) * 1000);
  };
  for (const kind of ["pointerdown", "keydown", "wheel"]) document.addEventListener(kind, restart, { passive: true });
  restart();
})();
