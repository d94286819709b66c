// What every script of the kiosk needs to know about the page: the data it
// carries for them, when a page has arrived, and htmx.
//
// Modules (this and the files that import it) run once, after the first page
// is parsed. A later page is swapped in by htmx (#main for Previous and Next,
// the whole body for a boosted link) or is a full load that runs them again.
//
// How a module joins the kiosk:
//   - It imports what it uses (this file, focus.js, voice.js, layers.js): no
//     module reads another's globals or relies on the order templates/page.html
//     loads them in; htmx is taken through htmx() below.
//   - It does what each page needs in onPage(callback), not on its own test of
//     whether a page has arrived.
//   - It never listens for keydown or click itself. It registers its handlers
//     with layers.js, in its layer (dialog, menu, sentence, guide, page), with
//     on(layer, "keydown" | "click", handler), the handler returning true when it
//     has used the event up; a layer that Escape can close says so with layer().
//     layers.js alone decides who is asked first, and stops an event used up.
//     (Only watching, acting on no key: idle.js notes any activity itself.)
//   - It reads the data the page renders for it with readJSON(id).

// Data the page renders for the scripts, in a data-json attribute: not a
// <script type="application/json">, which htmx strips from every swap. null
// when this page has no such part (no player on the start screen). A part that
// is not valid JSON, or a name asked of it that it does not carry (a phrase
// renamed on one side only), is an error on the console, and the first a thrown
// one: before, either turned a feature off without a word.
export function readJSON(id) {
  const el = document.getElementById(id);
  if (!el) return null;
  let data;
  try {
    data = JSON.parse(el.dataset.json);
  } catch (error) {
    console.error(`readJSON: #${id} does not hold valid JSON in data-json:`, error);
    throw error;
  }
  if (data === null || typeof data !== "object" || Array.isArray(data)) return data;
  return new Proxy(data, {
    get(target, name, receiver) {
      // Symbols and what JSON.stringify and await probe for are not the page's names.
      if (typeof name === "string" && !(name in target) && name !== "toJSON" && name !== "then") {
        console.error(`readJSON: #${id} has no "${name}" (has ${Object.keys(target).join(", ")})`);
      }
      return Reflect.get(target, name, receiver);
    },
  });
}

// htmx, loaded by templates/page.html as a classic script (deferred, before the
// modules). Taken from window here only, so that a page without it fails here,
// by name, and no module uses the global itself.
export function htmx() {
  if (!window.htmx) throw new Error("page.js: htmx is not loaded (templates/page.html loads it before the modules)");
  return window.htmx;
}

// "A page arrived" is one event, `kiosk:page` on document: for the first page
// (detail.swapped false) once every module has set up, and for each page htmx
// swaps in (true). Listeners run in the order the modules were loaded.
// display.js, a classic script run before first paint, listens too.
function announce(swapped) {
  document.dispatchEvent(new CustomEvent("kiosk:page", { detail: { swapped } }));
}

// Deferred and module scripts have all run by DOMContentLoaded.
document.addEventListener("DOMContentLoaded", () => announce(false));
// afterSettle fires for each settled element: for the swapped target, and
// again for the out-of-band language menu, which reports #main as its
// detail.target; so test the event's own target.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.id === "main" || event.target === document.body) announce(true);
});

// `callback(swapped)` for every page that arrives.
export function onPage(callback) {
  document.addEventListener("kiosk:page", (event) => callback(event.detail.swapped));
}
