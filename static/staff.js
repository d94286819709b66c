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

// Patients' questions (templates/staff/partials/questions.html), swapped in by htmx's
// poll: on a question never seen on this page, a short quiet chime and the count of open
// questions in the title, so staff notice from across the room or another tab. The chime
// is made here (WebAudio: two soft sine notes), not a sound file; staff can turn it off,
// and this browser remembers that. Browsers let a page make sound only after a touch or
// key on it, so the first one also wakes the chime up.
(() => {
  const list = () => document.getElementById("questions");
  if (!list()) return;
  const baseTitle = document.title;
  const CHIME_OFF = "kiosk-staff-chime-off";
  let seen = null;
  let audio = null;

  const chimeOn = () => { try { return localStorage.getItem(CHIME_OFF) !== "1"; } catch { return true; } };
  const context = () => {
    if (!audio && window.AudioContext) audio = new AudioContext();
    if (audio && audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  };
  for (const kind of ["pointerdown", "keydown"]) document.addEventListener(kind, context, { passive: true, once: true });

  function chime() {
    const ctx = chimeOn() && context();
    if (!ctx) return;
    const start = ctx.currentTime + 0.02;
    [[880, 0], [660, 0.18]].forEach(([frequency, delay]) => {
      const tone = ctx.createOscillator();
      const level = ctx.createGain();
      tone.type = "sine";
      tone.frequency.value = frequency;
      // Quiet, and faded in and out so it never clicks.
      level.gain.setValueAtTime(0, start + delay);
      level.gain.linearRampToValueAtTime(0.08, start + delay + 0.02);
      level.gain.exponentialRampToValueAtTime(0.0001, start + delay + 0.5);
      tone.connect(level).connect(ctx.destination);
      tone.start(start + delay);
      tone.stop(start + delay + 0.55);
    });
    document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);  // tests count them
  }

  function update() {
    const el = list();
    if (!el) return;
    const ids = el.dataset.ids ? el.dataset.ids.split(" ") : [];
    document.title = ids.length ? `(${ids.length}) ${baseTitle}` : baseTitle;
    if (seen !== null && ids.some((id) => !seen.has(id))) chime();
    seen = new Set(ids);
  }

  const toggle = document.getElementById("chime-toggle");
  const showToggle = () => {
    toggle.setAttribute("aria-pressed", String(chimeOn()));
    toggle.textContent = chimeOn() ? toggle.dataset.on : toggle.dataset.off;
  };
  if (toggle) {
    toggle.hidden = false;
    showToggle();
    toggle.addEventListener("click", () => {
      try { if (chimeOn()) localStorage.setItem(CHIME_OFF, "1"); else localStorage.removeItem(CHIME_OFF); } catch { /* kept for this page only */ }
      showToggle();
    });
  }

  // The list is replaced whole: keep the focus on the same Done button (or the list) across it.
  let focusedId = null;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (event.detail.target && event.detail.target.id === "questions") {
      const active = document.activeElement;
      focusedId = active && list().contains(active) ? active.id : null;
    }
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    if (!event.detail.elt || !list() || !(event.detail.elt === list() || list().contains(event.detail.elt))) return;
    update();
    if (focusedId) {
      const again = document.getElementById(focusedId);
      if (again) again.focus();
      focusedId = null;
    }
  });
  update();
})();
