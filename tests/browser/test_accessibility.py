"""Accessible and touch-first, measured in a real browser."""

import pytest

from helpers import LEAFLET, SECTIONS


# axe with the language menu open and over a word's dialog, and the size and spacing of
# every target, are checked on every page in every language and display in test_screens.py.


@pytest.mark.parametrize("url", [f"/en/{LEAFLET}/{SECTIONS[0]}", f"/ar/{LEAFLET}/{SECTIONS[0]}"])
def test_body_text_is_at_least_24px(page, live_server, url):
    page.goto(live_server + url)
    sizes = page.evaluate(
        "() => [...document.querySelectorAll('main p, main li')]"
        ".map(el => parseFloat(getComputedStyle(el).fontSize))"
    )
    assert sizes and min(sizes) >= 24


def test_keyboard_reaches_the_language_menu_and_next(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[0]}")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim().split(/\\s+/)[0]"))
    assert "Language" in reached
    assert "Next" in reached
    # Enter on the focused Next link moves on, as a tap would.
    while page.evaluate("document.activeElement.textContent.trim()") != "Next ›":
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    assert page.locator("main h1").inner_text() == "What is a Trigger Point Injection?"
