"""Escape through every layer a section page can show (static/layers.js): the idle warning
and a hard word's dialog (modal dialogs), the Language menu, the sentence bar and the audio
guide's "up one level", in every combination a patient can reach. Each Escape closes the
topmost thing on the screen and nothing under it, and focus goes back to what opened it;
with nothing open, Escape goes up a level with the guide on and does nothing without it."""

import itertools

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS

from layout import FIRST_SECTION, SCREENS
from listening import record, turn_on_guide

# The layers a test opens, topmost first (opened from the bottom up).
OPENABLE = ("word", "menu", "bar")
SENTENCE = "#main p .sentence[data-sentence]"
# The kiosk's idle times (kiosk/idle.py defaults), on Playwright's clock.
IDLE_MS = 120_000


def combinations():
    for guide in (False, True):
        for size in range(len(OPENABLE) + 1):
            for stack in itertools.combinations(OPENABLE, size):
                # A word's dialog cannot open over a menu: keys cannot leave an open menu, and
                # a tap beside it closes it first (static/kiosk.js).
                if {"word", "menu"} <= set(stack):
                    continue
                yield pytest.param(stack, guide, id=f"{'+'.join(stack) or 'nothing'}, guide {'on' if guide else 'off'}")
    # Both menus opened by touch (keys cannot leave an open menu): the Language list lies
    # over the Display panel, so it is the topmost, and the only one left open.
    yield pytest.param(("menus",), False, id="language over display, guide off")
    yield pytest.param(("menus", "bar"), True, id="language over display+bar, guide on")
    # The idle warning comes over whatever was left open.
    yield pytest.param(("idle",), False, id="idle, guide off")
    yield pytest.param(("idle", "menu", "bar"), False, id="idle+menu+bar, guide off")
    yield pytest.param(("idle", "word", "bar"), True, id="idle+word+bar, guide on")


@pytest.fixture
def section(browser, live_server):
    """The leaflet's first section in English, on Playwright's clock (for the idle warning)."""
    context = browser.new_context(viewport=SCREENS["portrait"])
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    # What the scripts report (readJSON's errors); a clip the busy speech worker answered
    # with 503 is asked for again (voice.js), and is no error of theirs.
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and page.console_errors.append(m.text))
    page.clock.install()
    page.goto(live_server + FIRST_SECTION.format(tag="en"))
    record(page)
    yield page
    context.close()


def hush(page):
    """Cut short what the voice is saying (the guide's "on", a menu's name): audio playing
    counts as activity, and the idle warning would wait for it."""
    page.evaluate("kiosk.voice.hush()")
    page.wait_for_function("() => kiosk.voice.audio.paused || kiosk.voice.audio.ended")


def mark(locator, name):
    """Name the element that opened a layer, so the test can ask for focus back on it."""
    locator.evaluate("(el, name) => el.setAttribute(`data-opened-${name}`, '')", name)
    return locator.page.locator(f"[data-opened-{name}]")


def tap(page, locator, guide):
    """A patient's tap: with the guide on, the first tap says the item and the second acts."""
    locator.click()
    if guide:
        locator.click()


# How each layer is opened, how the test sees that it is open, and what opened it.
def open_bar(page, guide):
    sentence = page.locator(SENTENCE).first
    sentence.evaluate("s => { s.tabIndex = -1; s.focus(); }")  # as the guide's arrow keys do
    page.keyboard.press("Enter")
    expect(page.locator("#sentence-bar")).to_be_visible()
    return mark(sentence, "bar")


def open_menu(page, guide):
    summary = page.locator("#language-menu summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#language-menu")).to_have_attribute("open", "")
    return mark(summary, "menu")


def open_menus(page, guide):
    for menu in ("display-menu", "language-menu"):
        tap(page, page.locator(f"#{menu} summary"), guide)
        expect(page.locator(f"#{menu}")).to_have_attribute("open", "")
    return mark(page.locator("#language-menu summary"), "menus")


def open_word(page, guide):
    # A hard word outside the chosen sentence, by touch: keys cannot leave an open menu.
    term = page.locator(f"#main a[data-term]:not({SENTENCE}:first-of-type a)").last
    tap(page, term, guide)
    expect(page.locator("#word-dialog")).to_have_attribute("open", "")
    return mark(term, "word")


def open_idle(page, guide):
    hush(page)
    page.evaluate("document.activeElement.setAttribute('data-opened-idle', '')")
    page.clock.run_for(IDLE_MS + 1_000)
    expect(page.locator("#idle-warning")).to_have_attribute("open", "")
    return page.locator("[data-opened-idle]")


OPEN = {"bar": open_bar, "menu": open_menu, "menus": open_menus, "word": open_word, "idle": open_idle}
NO_MENU = "details.top-menu[open]"
SHOWN = {
    "bar": lambda page: expect(page.locator("#sentence-bar")).to_be_visible(),
    "menu": lambda page: expect(page.locator("#language-menu")).to_have_attribute("open", ""),
    "menus": lambda page: expect(page.locator("#language-menu")).to_have_attribute("open", ""),
    "word": lambda page: expect(page.locator("#word-dialog")).to_have_attribute("open", ""),
    "idle": lambda page: expect(page.locator("#idle-warning")).to_have_attribute("open", ""),
}
GONE = {
    "bar": lambda page: expect(page.locator("#sentence-bar")).to_be_hidden(),
    "menu": lambda page: expect(page.locator("#language-menu")).not_to_have_attribute("open", ""),
    "menus": lambda page: expect(page.locator(NO_MENU)).to_have_count(0),
    "word": lambda page: expect(page.locator("#word-dialog")).not_to_have_attribute("open", ""),
    "idle": lambda page: expect(page.locator("#idle-warning")).not_to_have_attribute("open", ""),
}


@pytest.mark.parametrize(("stack", "guide"), combinations())
def test_escape_closes_only_the_topmost_layer_and_focus_goes_back_to_its_opener(section, stack, guide):
    page = section
    if guide:
        turn_on_guide(page)
    openers = {}
    for name in reversed(stack):
        openers[name] = OPEN[name](page, guide)
    for at, name in enumerate(stack):
        page.keyboard.press("Escape")
        GONE[name](page)
        for under in stack[at + 1:]:
            SHOWN[under](page)
        expect(openers[name]).to_be_focused()
        assert page.url.endswith(SECTIONS[0])
    # Nothing open: up a level with the guide (as Back does), at the new page's heading;
    # without it, nothing happens at all.
    before = page.evaluate("document.activeElement.outerHTML")
    page.keyboard.press("Escape")
    if guide:
        page.wait_for_url(f"**/{LEAFLET}/")
        expect(page.locator("#page-heading")).to_be_focused()
    else:
        # A frame later, a page turn would have begun (htmx:beforeRequest).
        page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        assert page.url.endswith(SECTIONS[0])
        assert page.evaluate("document.activeElement.outerHTML") == before
        for name in stack:
            GONE[name](page)
    assert page.console_errors == []



@pytest.mark.parametrize("menu", ["#display-menu", "#language-menu"])
def test_a_tap_beside_an_open_menu_closes_it_and_acts_as_without_it(browser, live_server, menu):
    """A walk found the Display menu left open over the text after a tap beside it."""
    context = browser.new_context(viewport=SCREENS["portrait"], has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server + FIRST_SECTION.format(tag="ar"))
        page.locator(f"{menu} summary").tap()
        expect(page.locator(menu)).to_have_attribute("open", "")
        # A point of the page the open menu does not cover: a hard word if one is uncovered.
        x, y, on_a_word = page.evaluate("""() => {
            for (const term of document.querySelectorAll('#main a.term')) {
                const r = term.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (y > 0 && y < innerHeight && document.elementFromPoint(x, y)?.closest('a.term') === term) return [x, y, true];
            }
            for (let y = innerHeight - 8; y > 0; y -= 16) {
                const hit = document.elementFromPoint(innerWidth / 2, y);
                if (hit?.closest('#main') && !hit.closest('a, button, summary, .sentence')) return [innerWidth / 2, y, false];
            }
            return null;
        }""")
        page.touchscreen.tap(x, y)
        expect(page.locator(menu)).not_to_have_attribute("open", "")
        assert page.url.endswith(SECTIONS[0])
        if on_a_word:  # and the tap did what it does with no menu open
            expect(page.locator("#word-dialog")).to_have_attribute("open", "")
    finally:
        context.close()
