"""The patient's screens at 200% text, by touch and by keyboard (issue 28): what a tap or a
key opens stays on the screen with its buttons, in English, Arabic and Chinese, portrait
and landscape; Escape closes the topmost layer only; every page is reachable by touch."""

import json

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS

from listening import hear_out, record, turn_on_guide, wait_saying

LANGS = ["en", "ar", "zh-Hans"]
SCREENS = {"portrait": {"width": 1080, "height": 1920}, "landscape": {"width": 1920, "height": 1080}}
FIRST = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"

# Whether an element is wholly on the screen, not cut off by a box that scrolls or clips
# (a dialog showed half of Close), and not covered (the point at its centre is its own):
# a button a patient can see and tap.
ON_SCREEN = """el => {
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5) return false;
  for (let box = el.parentElement; box; box = box.parentElement) {
    if (getComputedStyle(box).overflow === "visible") continue;
    const c = box.getBoundingClientRect();
    if (r.top < c.top - 0.5 || r.bottom > c.bottom + 0.5 || r.left < c.left - 0.5 || r.right > c.right + 0.5) return false;
  }
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && (el === hit || el.contains(hit));
}"""


@pytest.fixture
def at(browser, live_server):
    """A page in a language, on a screen, at a text size chosen as the Display menu chooses it."""
    contexts = []

    def at(tag, screen="portrait", size="200", url=FIRST):
        context = browser.new_context(viewport=SCREENS[screen])
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server + url.format(tag=tag))
        page.evaluate("size => document.querySelector(`[data-set-size='${size}']`).click()", size)
        page.evaluate("document.fonts.ready")
        record(page)
        return page

    yield at
    for context in contexts:
        context.close()


def json_of(page, element_id):
    return json.loads(page.locator(f"#{element_id}").get_attribute("data-json"))


def on_screen(locator):
    return locator.evaluate(ON_SCREEN)


def wait_on_screen(page, selector):
    page.wait_for_function(f"() => {{ const el = document.querySelector({json.dumps(selector)}); return el && ({ON_SCREEN})(el); }}")


# ---- The word dialog --------------------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_the_word_dialog_keeps_its_buttons_on_screen_and_scrolls_its_words(at, tag, screen):
    """Its words scroll inside it; Close (and "Hear it in English too") stay on the screen,
    before and after the English is shown, and clear of the docked Pause at the foot."""
    page = at(tag, screen)
    page.locator("#main .term-button").first.click()
    dialog = page.locator("#word-dialog")
    expect(dialog).to_have_attribute("open", "")
    buttons = dialog.locator(".word-dialog-buttons .button")
    assert buttons.count() == (1 if tag == "en" else 2)
    for i in range(buttons.count()):
        assert on_screen(buttons.nth(i)), (tag, screen, buttons.nth(i).text_content())
    if tag != "en":
        dialog.locator("#word-english").click()
        expect(dialog.locator(".word-english-definition")).to_be_visible()
        for i in range(buttons.count()):
            assert on_screen(buttons.nth(i)), (tag, screen, "with English", buttons.nth(i).text_content())
        # What does not fit scrolls, inside the dialog: the English's last line can be reached.
        text = dialog.locator(".word-dialog-text")
        text.evaluate("el => el.scrollTo(0, el.scrollHeight)")
        page.wait_for_function(f"() => ({ON_SCREEN})(document.querySelector('.word-english-definition'))"
                               " || document.querySelector('.word-english-definition').getBoundingClientRect().bottom"
                               " <= document.querySelector('.word-dialog-text').getBoundingClientRect().bottom + 1")
    box = dialog.bounding_box()
    assert box["y"] + box["height"] <= SCREENS[screen]["height"] - 64
    dialog.locator("#word-close").click()
    expect(dialog).not_to_have_attribute("open", "")


# ---- Keys: Escape closes the topmost layer, Tab goes on from a sentence -------------------

SENTENCE = "#main p .sentence[data-sentence]"


def choose_sentence_by_key(page):
    """Focus the first sentence of a paragraph, as the guide's arrow keys do, and open its bar with Enter."""
    page.evaluate(f"() => {{ const s = document.querySelector({json.dumps(SENTENCE)}); s.tabIndex = -1; s.focus(); }}")
    page.keyboard.press("Enter")
    expect(page.locator("#sentence-bar")).to_be_visible()


def open_menu_by_key(page, menu):
    page.locator(f"#{menu} summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#{menu}")).to_have_attribute("open", "")


@pytest.mark.parametrize("guide", [False, True], ids=["guide off", "guide on"])
@pytest.mark.parametrize("menu", ["language-menu", "display-menu"])
def test_escape_closes_the_menu_then_the_sentence_bar_then_goes_up_a_level(at, menu, guide):
    """One Escape, one layer, topmost first: the menu over the page, then the sentence bar
    (back on its sentence), then, with the guide on only, up one level as Back does."""
    page = at("en", "portrait", "100")
    if guide:
        turn_on_guide(page)
    choose_sentence_by_key(page)
    open_menu_by_key(page, menu)
    bar = page.locator("#sentence-bar")
    page.keyboard.press("Escape")
    expect(page.locator(f"#{menu}")).not_to_have_attribute("open", "")
    expect(page.locator(f"#{menu} summary")).to_be_focused()
    expect(bar).to_be_visible()
    page.keyboard.press("Escape")
    expect(bar).to_be_hidden()
    expect(page.locator(SENTENCE).first).to_be_focused()
    assert page.url.endswith(SECTIONS[0])
    page.keyboard.press("Escape")
    if guide:
        page.wait_for_url(f"**/{LEAFLET}/")
    else:
        page.evaluate("new Promise(requestAnimationFrame)")
        assert page.url.endswith(SECTIONS[0])
        expect(page.locator("#page-heading")).to_be_visible()


@pytest.mark.parametrize("guide", [False, True], ids=["guide off", "guide on"])
def test_escape_closes_a_words_dialog_over_the_sentence_bar_and_leaves_the_bar(at, guide):
    page = at("en", "portrait", "100")
    if guide:
        turn_on_guide(page)
    choose_sentence_by_key(page)
    term = page.locator("#main .term-button").first
    term.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("#word-dialog")
    expect(dialog).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    expect(term).to_be_focused()
    bar = page.locator("#sentence-bar")
    expect(bar).to_be_visible()
    page.keyboard.press("Escape")
    expect(bar).to_be_hidden()
    assert page.url.endswith(SECTIONS[0])


@pytest.mark.parametrize("key", ["Tab", "Shift+Tab"])
def test_with_the_guide_tab_goes_on_from_a_sentence_to_the_next_item_after_it(at, key):
    """A sentence is a stop for the arrow keys, not for Tab: Tab from it goes on to the next
    item after it (Shift+Tab the one before it), not back to the top of the page."""
    page = at("en", "portrait", "100")
    turn_on_guide(page)
    sentence = page.locator(SENTENCE).nth(1)
    sentence.evaluate("s => { s.tabIndex = -1; s.focus(); }")
    # The guide's stops in the page's order, around the sentence.
    expected = sentence.evaluate(
        """(s, back) => {
          const items = [...document.querySelectorAll('[data-say]')].filter(el => el.checkVisibility());
          const after = items.filter(el => s.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
          const before = items.filter(el => s.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING);
          const el = back ? before[before.length - 1] : after[0];
          el.dataset.expected = 'yes';
          return el.textContent.trim();
        }""",
        key == "Shift+Tab",
    )
    page.keyboard.press(key)
    expect(page.locator("[data-expected]")).to_be_focused()
    assert expected
