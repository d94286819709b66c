"""Browser figures, in Debian's Chromium driven by Playwright: tap to sound, page turn, first-visit weight.

Each figure has its baseline measured in the same run and the same browser:
- tap Play -> `playing`, against a bare preloaded <audio> holding the same clip;
- Next -> new heading focused, against a full load of the same URL;
- bytes on the wire of a first visit (no baseline: a budget).
"""

from __future__ import annotations

import statistics

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--autoplay-policy=no-user-gesture-required"]
LEAFLET = "trigger-point-injections"

BARE_PAGE = """<!doctype html><html><body>
<audio id="bare" preload="auto" src="{clip}"></audio>
<button id="play">Play</button>
</body></html>"""


def _median(values: list[float]) -> float:
    return statistics.median(values)


def tap_to_sound(browser, base: str, repeats: int) -> dict:
    page_url = f"{base}/en/{LEAFLET}/what-to-expect"
    # The benchmark's own probes run as page scripts: let them past the kiosk's CSP.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    kiosk, bare = [], []
    try:
        for _ in range(repeats):
            page.goto(page_url)
            clip = page.locator("#main .sentence").first.get_attribute("data-clip")
            page.wait_for_function(
                "([url]) => kiosk.voice.audio.getAttribute('src') === url && kiosk.voice.audio.readyState >= 4",
                arg=[clip])
            page.evaluate("() => { window.__probe = (() => { const a = kiosk.voice.audio; let t = null;"
                                          " document.addEventListener('click', () => { t = performance.now(); },"
                                          " { capture: true, once: true });"
                                          " return new Promise(r => a.addEventListener('playing',"
                                          " () => r(performance.now() - t), { once: true })); })(); }")
            page.get_by_role("button", name="Play").click()
            kiosk.append(page.evaluate("window.__probe"))
            page.get_by_role("button", name="Pause").click()

        # The baseline: a bare element with the same clip, preloaded, on a page of the same origin.
        page.route(f"{base}/bench-bare", lambda route: route.fulfill(
            status=200, content_type="text/html", body=BARE_PAGE.format(clip=clip)))
        for _ in range(repeats):
            page.goto(f"{base}/bench-bare")
            page.wait_for_function("document.getElementById('bare').readyState >= 4")
            page.evaluate("() => { window.__probe = (() => { const a = document.getElementById('bare'); let t = null;"
                                          " const b = document.getElementById('play');"
                                          " b.addEventListener('click', () => { t = performance.now(); a.play(); });"
                                          " return new Promise(r => a.addEventListener('playing',"
                                          " () => r(performance.now() - t), { once: true })); })(); }")
            page.click("#play")
            bare.append(page.evaluate("window.__probe"))
    finally:
        context.close()
    return {"kiosk_ms": _median(kiosk), "bare_ms": _median(bare), "repeats": repeats}


def page_turn(browser, base: str, repeats: int) -> dict:
    first = f"{base}/en/{LEAFLET}/what-are-trigger-points"
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    turns, loads = [], []
    try:
        for _ in range(repeats):
            page.goto(first)
            page.wait_for_load_state("load")
            page.wait_for_timeout(300)  # the patient reads a moment (prefetches, if any, may finish)
            page.evaluate("() => { window.__probe = (() => { let t = null;"
                                          " document.addEventListener('click', () => { t = performance.now(); },"
                                          " { capture: true, once: true });"
                                          " return new Promise(r => document.addEventListener('focusin', (e) => {"
                                          "   if (e.target.id === 'page-heading' && t !== null) r(performance.now() - t);"
                                          " })); })(); }")
            target = page.locator('a[rel="next"]').first.get_attribute("href")
            page.locator('a[rel="next"]').first.click()
            turns.append(page.evaluate("window.__probe"))
        for _ in range(repeats):
            page.goto(base + target)
            loads.append(page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime; }"))
    finally:
        context.close()
    return {"turn_ms": _median(turns), "load_ms": _median(loads), "repeats": repeats, "url": target}


def first_visit_bytes(browser, base: str, path: str) -> dict:
    """Bytes on the wire (transfer sizes, headers included) of a first visit with an empty cache."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    sizes: dict[str, int] = {}
    client = context.new_cdp_session(page)
    client.send("Network.enable")
    requests: dict[str, str] = {}
    client.on("Network.requestWillBeSent", lambda e: requests.__setitem__(e["requestId"], e["request"]["url"]))
    client.on("Network.loadingFinished",
              lambda e: sizes.__setitem__(requests.get(e["requestId"], e["requestId"]), e["encodedDataLength"]))
    try:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    fonts = sum(size for url, size in sizes.items() if url.endswith((".woff2", ".woff")))
    sheets = sum(size for url, size in sizes.items() if url.endswith(".css"))
    audio = sum(size for url, size in sizes.items() if "/audio/" in url)
    return {"path": path, "total": sum(sizes.values()), "fonts": fonts, "stylesheets": sheets,
            "audio": audio, "requests": len(sizes)}


def layout_shift(browser, base: str, path: str) -> float:
    """Cumulative layout shift of a first visit, from the browser's layout-shift entries."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.add_init_script("window.__shift = 0; new PerformanceObserver(list => { for (const e of list.getEntries())"
                         " if (!e.hadRecentInput) window.__shift += e.value; })"
                         ".observe({type: 'layout-shift', buffered: true});")
    try:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready.then(() => true)")
        return page.evaluate("window.__shift")
    finally:
        context.close()


def run(base: str, repeats: int = 15) -> dict:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            return {
                "tap": tap_to_sound(browser, base, repeats),
                "turn": page_turn(browser, base, repeats),
                "first_visit": [first_visit_bytes(browser, base, "/"),
                                *(first_visit_bytes(browser, base, f"/{tag}/{LEAFLET}/what-to-expect")
                                  for tag in ("en", "zh-Hans", "ar"))],
                "shift": {"path": f"/zh-Hans/{LEAFLET}/what-to-expect",
                          "cls": layout_shift(browser, base, f"/zh-Hans/{LEAFLET}/what-to-expect")},
            }
        finally:
            browser.close()
