"""The review screen (issue 32) in a real browser, by keyboard alone: say who reviews, approve a
message, ask for a change, move on; with the staff screen's touch sizes, at 200 % text too."""

import shutil

import pytest
from playwright.sync_api import expect

from axe import run_axe
from helpers import LEAFLET
from kiosk import create_app
from kiosk.i18n.catalogs import TRANSLATIONS, leaflet_domain
from kiosk.review.states import State
from kiosk.speech import ThreadExecutor
from kiosk.staff import pin
from kiosk.state import app_state
from layout import TARGET_BOXES
from live import serving
from speech.fakes import FakeEngine

PIN = "482913"
DOMAIN = leaflet_domain(LEAFLET)
TARGET_PX = 64


@pytest.fixture(scope="module")
def review_app(tmp_path_factory):
    """A kiosk with a PIN, a fake engine (the Listen buttons have clips) and its own copy of the
    catalogs, which the screen writes its records beside."""
    translations = tmp_path_factory.mktemp("review") / "translations"
    shutil.copytree(TRANSLATIONS, translations)
    app = create_app({"TESTING": True, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                     instance_path=str(tmp_path_factory.mktemp("instance")), speech_executor=ThreadExecutor(FakeEngine))
    pin.save(app.instance_path, PIN)
    try:
        yield app
    finally:
        app_state(app).speech.close()


@pytest.fixture(scope="module")
def server(review_app):
    with serving(review_app) as url:
        yield url


def tab_to(page, name: str, limit: int = 60, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused control is named `name`, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")
        if focused == name or page.evaluate("document.activeElement.id") == name:
            return
    raise AssertionError(f"{name!r} was not reached by {'Shift+Tab' if back else 'Tab'}")


def small_targets(page):
    return [b for b in page.evaluate(TARGET_BOXES) if b["w"] < TARGET_PX or b["h"] < TARGET_PX]


def test_review_by_keyboard_alone(browser, server, review_app):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="en-GB")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(server + "/staff/")
        page.get_by_label("Staff PIN").focus()
        page.keyboard.type(PIN)
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Staff screen")
        tab_to(page, "Review texts: approve, or ask for changes (clinicians and medical translators)")
        page.keyboard.press("Enter")
        expect(page.locator("h1")).to_have_text("Review texts")
        # The finding of the independent read is listed first, before anyone reviews.
        expect(page.locator(".review-comments li").first).to_contain_text("Call your doctor if they last or get worse.")

        # Who is reviewing: typed, and the role chosen with the arrow keys, as radio buttons are.
        tab_to(page, "name")
        page.keyboard.type("Luis Pérez")
        page.keyboard.press("Tab")
        page.keyboard.press("ArrowDown")  # from the first role to the second: medical translator
        expect(page.get_by_label("Medical translator: approves translations")).to_be_checked()
        tab_to(page, "Start reviewing")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Reviewing as Luis Pérez (medical translator).").first).to_be_focused()

        assert run_axe(page) == []
        assert small_targets(page) == []

        page.goto(f"{server}/staff/review/es/{DOMAIN}/")
        # However many texts the leaflet has now (part 6 added answers to the teach-back).
        total = len(app_state(review_app).reviews.messages(DOMAIN, "es"))
        assert run_axe(page) == []
        assert small_targets(page) == []
        tab_to(page, "Start at message 1")
        page.keyboard.press("Enter")
        expect(page.locator("#message-heading")).to_have_text(f"Message 1 of {total}")
        expect(page.locator("#message-heading")).to_be_focused()  # the message, not the top bar
        expect(page.locator(".review-texts [lang=es]")).to_have_text("Inyecciones en puntos gatillo")
        expect(page.get_by_role("button", name="Listen to the Spanish")).to_be_visible()
        expect(page.get_by_role("button", name="Listen to the English")).to_be_visible()
        assert run_axe(page) == []
        assert small_targets(page) == []

        tab_to(page, "Approve")
        page.keyboard.press("Enter")
        notice = page.get_by_text("Approved: message 1. This is message 2.")
        expect(notice).to_be_focused()
        expect(page.locator("#message-heading")).to_have_text(f"Message 2 of {total}")
        assert app_state(review_app).reviews.messages(DOMAIN, "es")[0].state is State.APPROVED

        # Ask for a change on message 2: the comment is required, and kept.
        tab_to(page, "comment")
        page.keyboard.type("Use the word the clinic uses.")
        tab_to(page, "Ask for a change")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Change asked for: message 2. This is message 3.")).to_be_focused()
        second = app_state(review_app).reviews.messages(DOMAIN, "es")[1]
        assert second.state is State.NEEDS_EDITING and second.comment == "Use the word the clinic uses."

        # Back with the large Previous button, then on with Next.
        tab_to(page, "‹ Previous message")
        page.keyboard.press("Enter")
        expect(page.locator("#message-heading")).to_have_text(f"Message 2 of {total}")
        expect(page.locator("#review-state")).to_contain_text("Use the word the clinic uses.")
        tab_to(page, "Next message ›")
        page.keyboard.press("Enter")
        expect(page.locator("#message-heading")).to_have_text(f"Message 3 of {total}")

        # 200 % text: nothing scrolls sideways, and the targets stay large.
        page.evaluate("document.documentElement.style.fontSize = '250%'")  # 200 % of the staff screen's 125 %
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        assert small_targets(page) == []
        assert errors == []
    finally:
        context.close()
