"""A kiosk with 40 leaflets, at 200% text (issue 31): the list has no sideways scroll, every
leaflet is a 64 px target in alphabetical order, and the audio guide reaches each one in
that order and says its title."""

import pytest
from playwright.sync_api import expect

from kiosk import create_app
from kiosk.i18n.collation import sort_key
from kiosk.speech import ThreadExecutor
from kiosk.state import app_state
from speech.fakes import FakeEngine

from helpers import make_leaflets
from layout import SCREENS
from listening import clips_of, parts_of, record, turn_on_guide, wait_saying
from live import serving

MANY = 40
TARGET_PX = 64
SIDEWAYS = "() => document.documentElement.scrollWidth - innerWidth"


@pytest.fixture(scope="module")
def many_url(tmp_path_factory):
    """The shipped leaflet and 39 renamed, translated copies (bench/many_leaflets.py), served,
    with the fake engine's voices (English, Spanish, Arabic): clips in milliseconds."""
    folder = tmp_path_factory.mktemp("many")
    settings = make_leaflets(folder / "leaflets", MANY, translations=folder / "translations")
    app = create_app({"TESTING": True, **settings}, instance_path=str(folder / "instance"),
                     speech_executor=ThreadExecutor(FakeEngine))
    with serving(app) as url:
        yield url
    app_state(app).speech.close()


@pytest.mark.parametrize(("tag", "screen"), [("ar", "portrait"), ("en", "landscape")])
def test_forty_leaflets_at_200_percent_by_touch_and_by_the_audio_guide(browser, many_url, tag, screen):
    context = browser.new_context(viewport=SCREENS[screen])
    page = context.new_page()
    page.goto(f"{many_url}/{tag}/")
    page.evaluate("document.querySelector(`[data-set-size='200']`).click()")
    expect(page.locator("html")).to_have_attribute("data-text-size", "200")
    page.evaluate("document.fonts.ready")
    links = page.locator("#main .button-list a")
    expect(links).to_have_count(MANY)
    titles = links.all_text_contents()
    assert titles == sorted(titles, key=sort_key)
    assert page.evaluate(SIDEWAYS) <= 0, "the list scrolls sideways at 200%"
    for box in [links.nth(i).bounding_box() for i in range(MANY)]:
        assert box["width"] >= TARGET_PX and box["height"] >= TARGET_PX, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= SCREENS[screen]["width"], box
    # The guide, by the arrow keys from its own button, reaches every leaflet in the list's
    # order, each on the screen when it is said, and says its title in the page's language.
    record(page)
    turn_on_guide(page)
    reached = []
    for _ in range(MANY + 20):  # the few stops before the list, and every leaflet
        page.keyboard.press("ArrowDown")
        here = page.evaluate("() => document.activeElement.closest('#main .button-list a') ? "
                             "document.activeElement.textContent.trim() : null")
        if here is None:
            if reached:
                break
            continue
        reached.append(here)
        link = links.nth(len(reached) - 1)
        wait_saying(page, clips_of(link)[0])
        assert [lang for _, lang, _ in parts_of(link)] == [tag]
        box = link.bounding_box()
        # (Half a pixel over: scrollIntoView lands on fractional pixels.)
        assert -1 <= box["y"] and box["y"] + box["height"] <= SCREENS[screen]["height"] + 1, (here, box)
    assert reached == titles
    assert page.evaluate(SIDEWAYS) <= 0
    context.close()
