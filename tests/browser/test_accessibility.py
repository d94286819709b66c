"""Accessible and touch-first, measured in a real browser."""

import pytest

from helpers import LEAFLET, SECTIONS

from axe import run_axe
from layout import TARGET_BOXES, gap, overlapping

PAGES = [
    "/",
    "/en/",
    f"/en/{LEAFLET}/",
    *(f"/en/{LEAFLET}/{s}" for s in SECTIONS),
    f"/ar/{LEAFLET}/{SECTIONS[2]}",
    f"/es/{LEAFLET}/{SECTIONS[0]}",
    f"/ar/{LEAFLET}/print",
    "/en/no-such-page/",
]


def open_page(page, url, with_menu):
    page.goto(url)
    if with_menu:
        page.locator("#language-menu summary").click()
    return page


@pytest.mark.parametrize("url", PAGES)
def test_axe_finds_no_wcag_violations_with_the_language_menu_open(page, live_server, url):
    # With the menu closed, every page in every language is checked in test_screens.py.
    open_page(page, live_server + url, with_menu=True)
    assert run_axe(page) == []


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("with_menu", [False, True], ids=["menu-closed", "menu-open"])
def test_every_target_is_at_least_64px_and_8px_apart(page, live_server, url, with_menu):
    open_page(page, live_server + url, with_menu)
    boxes = page.evaluate(TARGET_BOXES)
    assert len(boxes) >= 2
    # A hard word marked in the text is a link inside its sentence, as tall
    # as the line: WCAG 2.5.8 exempts a target in a sentence, whose size the
    # line-height of the text around it sets, from the size and spacing rule,
    # and "Words in this section" gives every such word a large button of its
    # own (checked here like any other). Exempt from size and spacing only;
    # it must still overlap no other target, or a tap could land on the wrong one.
    inline = [b for b in boxes if b["inline"]]
    assert overlapping(boxes) == []
    boxes = [b for b in boxes if not b["inline"]]
    small = [b for b in boxes if b["w"] < 64 or b["h"] < 64]
    assert small == []
    crowded = [
        (a["name"], b["name"], gap(a, b))
        for i, a in enumerate(boxes)
        for b in boxes[i + 1:]
        if gap(a, b) < 8
    ]
    assert crowded == []
    # Beside a large target an inline word keeps the spacing (the exception
    # covers words among words, not a link crowding a button).
    beside = [(w["name"], b["name"]) for w in inline for b in boxes if gap(w, b) < 8]
    assert beside == []


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
