"""Every kiosk screen puts the leaflet first, at every text size and in high
contrast, in every language: measured in the browser."""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, LOCALES, SECTIONS, expected

from axe import axe_options, load_axe, violations
from layout import (
    FIRST_LINE_ON_SCREEN, LANGUAGES_ON_SCREEN, NEVER_HYPHENATED, SPLIT_WORDS, TARGET_BOXES, TEXT_SHARE, pages_in,
    target_problems,
)

PORTRAIT = {"width": 1080, "height": 1920}
LANDSCAPE = {"width": 1920, "height": 1080}
NARROW = {"width": 320, "height": 640}
SCREENS = {"portrait": PORTRAIT, "landscape": LANDSCAPE}
# In this order, so that the page is in the standard theme when its first screen is measured
# (after these, at 100%): choosing a text size re-fits "In short", choosing a theme does not.
DISPLAYS = {
    "contrast": {"theme": "contrast"},
    "text-100": {"size": "100"},
    "text-150": {"size": "150"},
    "text-200": {"size": "200"},
}
SIZES = ("100", "150", "200")
# The least share of a section's first screen the leaflet's text fills at each text
# size: the larger sizes make the leaflet larger, not the kiosk's own buttons, so
# the text still comes first at 200%.
TEXT_FIRST = {"100": 0.40, "150": 0.40, "200": 0.30}

# A display chosen on a page, as the Display menu's buttons choose it (static/display.js).
CHOOSE = """setting => {
  document.querySelector(`[data-set-size="${setting.size || '100'}"]`).click();
  document.querySelector(`[data-set-theme="${setting.theme || 'standard'}"]`).click();
  return [document.documentElement.dataset.textSize, document.documentElement.dataset.theme];
}"""
# High contrast changes colours only: in it, axe checks them alone.
COLOUR_RULES = ["color-contrast", "color-contrast-enhanced", "link-in-text-block"]
# Whether the page scrolls sideways: [] if not, else what sticks out (to say why).
SCROLLS_SIDEWAYS = """() => {
  if (document.documentElement.scrollWidth <= innerWidth) return [];
  const wide = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > innerWidth + 1);
  return ['scrolls', ...wide.map(el => el.tagName + '.' + el.className).slice(0, 5)];
}"""
# One step of the walk in one call to the browser (under load, each call waits its turn
# with two other test processes and their browsers): choose a display if asked, let the
# page react (understand.js re-fits "In short" in a MutationObserver, after this task),
# then measure the parts asked for.
LOOK = f"""async ({{setting, parts, axeOptions}}) => {{
  const shown = setting ? ({CHOOSE})(setting) : null;
  await new Promise(resolve => setTimeout(resolve));
  document.body.getBoundingClientRect();  // laid out now, so the faces its text needs are asked for
  await document.fonts.ready;
  const seen = {{shown, scrollY, menuOpen: document.querySelector('#language-menu').open}};
  if (parts.includes('axe')) seen.axe = await axe.run(document, axeOptions);
  if (parts.includes('targets')) seen.targets = ({TARGET_BOXES})();
  if (parts.includes('sideways')) seen.sideways = ({SCROLLS_SIDEWAYS})();
  if (parts.includes('first screen')) seen.firstScreen = {{
    share: Math.round(({TEXT_SHARE})() * 1000) / 1000,
    "first line": ({FIRST_LINE_ON_SCREEN})(),
    split: ({SPLIT_WORDS})({list(NEVER_HYPHENATED)!r}),
  }};
  if (parts.includes('languages')) seen.languages = ({LANGUAGES_ON_SCREEN})();
  return seen;
}}"""


def look(page, *parts, setting=None, rules=None):
    """One step of the walk (LOOK): `setting` chosen first, if given, then `parts` measured."""
    seen = page.evaluate(LOOK, {"setting": setting, "parts": parts, "axeOptions": axe_options(rules)})
    if setting is not None:
        assert seen["shown"] == [setting.get("size", "100"), setting.get("theme", "standard")], (page.url, setting)
    if "axe" in parts:
        seen["axe"] = violations(seen["axe"])
    return seen


@contextmanager
def open_language_menu(page):
    page.locator("#language-menu summary").click()
    yield
    page.keyboard.press("Escape")
    expect(page.locator("#language-menu")).not_to_have_attribute("open", "")


def with_the_menu_open(address):
    """Pages also looked at with the language menu open (it covers part of the page): every
    English page (the start screen counts as English), and each other language's first
    section and print view."""
    return address == "/" or address.startswith("/en/") or address.endswith((SECTIONS[0], "/print"))


def look_at(page, url):
    """Everything these tests check on one page, from one load of it in portrait: each
    display chosen in turn from the Display menu, as a patient chooses it, then the same
    page in landscape and 320 px wide. What depends on the window's shape is measured
    again after each change: the kiosk's layout is CSS, and static/understand.js re-fits
    "In short" to the window it is in, so a resized page is laid out as one loaded at
    that size (test_understanding_browser checks the re-fit)."""
    address = urlsplit(url).path
    section = address.rsplit("/", 1)[-1] in SECTIONS
    seen = {"axe": {}, "targets": {}, "sideways": {}, "first screen": {}, "menu": {}}
    page.goto(url)
    for display, setting in DISPLAYS.items():
        axe = display in ("text-100", "contrast")
        parts = ("axe", "targets", "sideways") if axe else ("targets", "sideways")
        now = look(page, *parts, setting=setting, rules=COLOUR_RULES if display == "contrast" else None)
        if axe:
            seen["axe"][display] = now["axe"]
        seen["targets"][display], seen["sideways"][display] = now["targets"], now["sideways"]
        if display == "text-100" and with_the_menu_open(address):
            with open_language_menu(page):
                now = look(page, "axe", "targets")
                assert now["menuOpen"], url
                seen["axe"]["menu open"], seen["targets"]["menu open"] = now["axe"], now["targets"]
    for screen, viewport in SCREENS.items():
        page.set_viewport_size(viewport)
        for size in SIZES:
            now = look(page, *(("first screen",) if section else ()), setting={"size": size})
            if section:
                assert now["scrollY"] == 0, url  # a first screen, from the top
                seen["first screen"][screen, size] = now["firstScreen"]
            if address.endswith(SECTIONS[0]) and size in ("150", "200"):
                with open_language_menu(page):  # LOOK waits for every script's face it loads
                    now = look(page, "languages")
                    assert now["menuOpen"], url
                    seen["menu"][screen, size] = now["languages"]
    look(page, setting={})
    page.set_viewport_size(NARROW)
    seen["sideways"]["320 px"] = look(page, "sideways")["sideways"]
    page.set_viewport_size(PORTRAIT)
    if address.endswith(SECTIONS[0]):
        # A hard word's dialog, open over the section and its question (understand.js).
        expect(page.locator("#teach-back")).to_be_visible()
        page.locator("#main a.term").first.click()
        expect(page.locator("#word-dialog")).to_have_attribute("open", "")
        seen["axe"]["word dialog"] = look(page, "axe")["axe"]
        page.keyboard.press("Escape")
        expect(page.locator("#word-dialog")).not_to_have_attribute("open", "")
    return seen


@pytest.fixture(scope="module")
def looked_at(browser, live_server):
    """Every page of a language, each looked at once (look_at), shared by the tests below."""
    seen = {}

    def looked_at(tag):
        if tag not in seen:
            context = browser.new_context(viewport=PORTRAIT)
            try:
                load_axe(context)
                page = context.new_page()
                seen[tag] = {url: look_at(page, live_server + url) for url in pages_in(tag)}
            except Exception as error:  # each test of the language fails with it, without looking again
                seen[tag] = error
            finally:
                context.close()
        if isinstance(seen[tag], Exception):
            raise seen[tag]
        return seen[tag]

    return looked_at


def pytest_generate_tests(metafunc):
    """Each EveryPage class's tests, once for each language of its group."""
    if metafunc.cls is not None and issubclass(metafunc.cls, EveryPage):
        metafunc.parametrize("tag", metafunc.cls.TAGS)


class EveryPage:
    """What is seen on every page of each language in TAGS (look_at). The languages are in
    three groups, a class each, which the test command's processes share out between them
    (--dist loadscope): in one process, looking at all 14 took 7 minutes under load, longer
    than the rest of the suite took in the others."""

    TAGS: tuple[str, ...] = ()

    def test_every_page_passes_axe_at_100_percent_in_high_contrast_and_under_the_open_menus(self, looked_at, tag):
        """Text size changes neither colour nor ARIA: axe runs at 100% (every rule) and in
        high contrast (the colour rules), and over the language menu and a word's dialog."""
        seen = looked_at(tag)
        assert "word dialog" in seen[f"/{tag}/{LEAFLET}/{SECTIONS[0]}"]["axe"]
        assert "menu open" in seen[f"/{tag}/{LEAFLET}/print"]["axe"]
        failing = {(url, when): found for url, page in seen.items() for when, found in page["axe"].items() if found}
        assert failing == {}

    def test_every_target_is_at_least_64px_and_8px_apart_and_none_overlap_in_every_display(self, looked_at, tag):
        seen = looked_at(tag)
        assert all(len(page["targets"]["text-100"]) >= 2 for page in seen.values())
        # Measured with the menu open indeed: its 14 languages are more targets than it covers.
        printed = seen[f"/{tag}/{LEAFLET}/print"]["targets"]
        assert len(printed["menu open"]) > len(printed["text-100"])
        problems = {(url, when): {kind: found for kind, found in target_problems(boxes).items() if found}
                    for url, page in seen.items() for when, boxes in page["targets"].items()}
        assert {key: found for key, found in problems.items() if found} == {}

    def test_no_page_scrolls_sideways_in_any_display_or_at_320_px_wide(self, looked_at, tag):
        sideways = {(url, when): wide for url, page in looked_at(tag).items() for when, wide in page["sideways"].items() if wide}
        assert sideways == {}

    @pytest.mark.parametrize("screen", SCREENS)
    @pytest.mark.parametrize("size", SIZES)
    def test_the_leaflet_text_comes_first_on_every_section_at_every_size(self, looked_at, tag, screen, size):
        """The leaflet's text fills its share of each section's first screen, with its own
        first line whole on it ("In short" folds where it would push that off), and no word
        is broken inside itself."""
        seen = {url: page["first screen"][screen, size] for url, page in looked_at(tag).items() if page["first screen"]}
        assert len(seen) == len(SECTIONS)
        assert {url: s["share"] for url, s in seen.items() if s["share"] < TEXT_FIRST[size]} == {}
        assert [url for url, s in seen.items() if not s["first line"]] == []
        assert {url: s["split"] for url, s in seen.items() if s["split"]} == {}

    def test_at_150_and_200_percent_the_language_menu_shows_every_language_at_once(self, looked_at, tag):
        menus = {key: shown for page in looked_at(tag).values() for key, shown in page["menu"].items()}
        assert len(menus) == 4
        assert {key: shown for key, shown in menus.items() if shown != {"shown": 14, "scrolls": False}} == {}


class TestEveryPageInTheFirstThird(EveryPage):
    TAGS = LOCALES[0::3]


class TestEveryPageInTheSecondThird(EveryPage):
    TAGS = LOCALES[1::3]


class TestEveryPageInTheLastThird(EveryPage):
    TAGS = LOCALES[2::3]


@pytest.mark.parametrize("tag", ["en", "ar", "ur"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_open_language_menu_shows_all_14_at_once_and_its_button_stays(browser, live_server, tag, screen):
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    try:
        page.goto(live_server + f"/{tag}/{LEAFLET}/{SECTIONS[0]}")
        summary = page.locator("#language-menu summary")
        before = summary.bounding_box()
        summary.click()
        assert summary.bounding_box() == before
        assert page.evaluate(LANGUAGES_ON_SCREEN) == {"shown": 14, "scrolls": False}
        page.keyboard.press("Escape")
        expect(page.locator("#language-menu")).not_to_have_attribute("open", "")
        expect(summary).to_be_focused()
    finally:
        context.close()


def test_display_settings_are_one_tap_away_and_last_until_reset(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/")
    page.locator("#display-menu summary").click()
    page.get_by_role("button", name=re.compile("200")).click()
    page.get_by_role("button", name=expected("es", "High contrast")).click()
    root = "document.documentElement.dataset"
    assert page.evaluate(f"[{root}.textSize, {root}.theme]") == ["200", "contrast"]
    page.keyboard.press("Escape")  # closes the menu, back on its button
    expect(page.locator("#display-menu")).not_to_have_attribute("open", "")
    expect(page.locator("#display-menu summary")).to_be_focused()
    # Text grows with the setting: 24 px at 100%, 48 px at 200%.
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('main h1 + *, main p')).fontSize)") >= 48
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    # A language switch (a full page load) keeps it; nothing went to the server.
    page.locator("#language-menu summary").click()
    page.locator("#language-menu a[hreflang=fr]").click()
    page.wait_for_url(re.compile(f"/fr/{LEAFLET}/$"))
    assert page.evaluate(f"[{root}.textSize, {root}.theme]") == ["200", "contrast"]
    expect(page.locator('[data-set-size="200"]')).to_have_attribute("aria-pressed", "true")


def test_forced_colours_keep_the_pressed_state_visible(browser, live_server):
    context = browser.new_context(viewport=PORTRAIT, forced_colors="active")
    page = context.new_page()
    try:
        page.goto(live_server + f"/en/{LEAFLET}/")
        page.locator("#display-menu summary").click()
        pressed = page.locator('[data-set-size="100"]')
        other = page.locator('[data-set-size="150"]')
        style = "el => getComputedStyle(el).borderTopStyle"
        assert (pressed.evaluate(style), other.evaluate(style)) == ("double", "solid")
    finally:
        context.close()


def test_the_skip_link_is_a_full_size_target_when_focused(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[0]}")
    page.keyboard.press("Tab")  # the audio guide
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box["height"] >= 64 and box["y"] >= 0


def test_the_start_screen_asks_in_every_language(page, live_server):
    page.goto(live_server + "/")
    asked = page.evaluate(
        "[...document.querySelectorAll('.ask-in-every-language [lang]')].map(s => [s.lang, s.textContent])"
    )
    assert [lang for lang, _ in asked] == [tag for tag in LOCALES if tag != "en"]
    assert all(text == expected(lang, "Choose your language") for lang, text in asked)
