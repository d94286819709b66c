"""The staff screen in a real browser: PIN, status, a re-render watched to its
end, the bilingual view, axe-core, and the session ending on a patient page."""

import re
import threading

import pytest
from playwright.sync_api import expect

from helpers import (
    BROKEN_LEAFLET, FIXTURES, LEAFLET, LOCALES, copy_slug, leaflets_with_a_broken_one, make_leaflets, wait_until,
)
from kiosk import create_app
from kiosk.counts.tally import Event
from kiosk.speech import ThreadExecutor
from kiosk.staff import pin
from speech.fakes import FakeEngine

from axe import run_axe
from live import serving
from layout import TARGET_BOXES
from kiosk.state import app_state

PIN = "482913"
# The kiosk's sizes, on staff pages too (a touch screen, read standing): text
# 20 CSS px or more, and every target 64 x 64 px.
TEXT_PX = 20
TARGET_PX = 64

# Every visible element with text of its own, and its computed font size.
FONT_SIZES = """
() => [...document.querySelectorAll('body *')]
  .filter(el => el.checkVisibility({visibilityProperty: true}))
  .filter(el => [...el.childNodes].some(n => n.nodeType === Node.TEXT_NODE && n.textContent.trim()))
  .map(el => ({text: el.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(el).fontSize)}))
"""


@pytest.fixture
def touch_page(browser):
    """The kiosk's screen as a nurse meets it: portrait 1080 x 1920, touch."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def small_text(page):
    return [e for e in page.evaluate(FONT_SIZES) if e["px"] < TEXT_PX]


def small_targets(page):
    return [b for b in page.evaluate(TARGET_BOXES) if b["w"] < TARGET_PX or b["h"] < TARGET_PX]


@pytest.fixture(scope="module")
def gate():
    """Holds the fake engine's every clip until the test opens it, so the
    run is seen in progress before it is seen finished."""
    return threading.Event()


@pytest.fixture(scope="module")
def staff_app(tmp_path_factory, gate):
    """A kiosk with a PIN and a fake engine (clips in milliseconds, three voices)."""
    instance = tmp_path_factory.mktemp("staff")
    engine = FakeEngine(gate=gate)
    app = create_app({"TESTING": True}, instance_path=str(instance), speech_executor=ThreadExecutor(lambda: engine))
    pin.save(app.instance_path, PIN)
    try:
        yield app
    finally:
        gate.set()
        app_state(app).speech.close()


@pytest.fixture(scope="module")
def staff_server(staff_app):
    with serving(staff_app) as url:
        yield url


@pytest.fixture(autouse=True)
def fresh_pin_tries(staff_app):
    """Every test logs in from 127.0.0.1: five PIN tries a minute would lock the sixth test out."""
    app_state(staff_app).staff_limiter.reset()


@pytest.fixture
def staff_page(context):
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    yield page
    page.close()


def log_in(page, url):
    page.goto(url + "/staff/")
    expect(page.locator("h1")).to_have_text("Staff screen")
    page.get_by_label("Staff PIN").fill(PIN)
    page.get_by_role("button", name="Open the staff screen").click()
    expect(page.locator("table.languages")).to_be_visible()


def test_staff_log_in_render_audio_read_side_by_side_and_leave(staff_page, staff_server, gate):
    page = staff_page
    log_in(page, staff_server)
    rows = page.locator("table.languages tbody tr")
    expect(rows).to_have_count(len(LOCALES))
    expect(page.locator("#language-es td.voice")).to_have_text("Spanish voice")
    assert int(page.locator("#language-es td.missing").inner_text()) > 0
    assert run_axe(page) == []
    assert small_targets(page) == []

    # Re-render: the bar is shown while the engine is held, then htmx's poll
    # moves it to its end without reloading the page.
    page.get_by_role("button", name="Render missing audio").click()
    bar = page.locator("progress#render-bar")
    expect(bar).to_be_visible()
    expect(page.locator("#render-progress")).to_have_attribute("hx-trigger", "every 2s")
    expect(page.get_by_role("link", name="Refresh")).to_be_visible()
    page.evaluate("window.sameDocument = true")
    page.wait_for_function("document.querySelector('#render-bar').max > 1")
    assert page.evaluate("document.querySelector('#render-bar').value") < page.evaluate("document.querySelector('#render-bar').max")
    gate.set()
    expect(page.locator("#render-progress .done")).to_have_text("Finished: every missing clip was rendered.")
    page.wait_for_function("() => { const b = document.querySelector('#render-bar'); return b.value === b.max; }")
    assert page.evaluate("window.sameDocument") is True  # updated in place, not reloaded
    expect(page.locator("#render-progress")).not_to_have_attribute("hx-trigger", "every 2s")  # polling stopped
    expect(page.locator("#render-announce")).to_have_text("Audio rendering finished.")
    page.reload()
    expect(page.locator("#language-es td.missing")).to_have_text("0")
    assert run_axe(page) == []

    # The Arabic leaflet beside English.
    page.locator("#language-ar").get_by_role("link", name="Trigger Point Injections").click()
    expect(page).to_have_url(f"{staff_server}/staff/ar/{LEAFLET}/")
    arabic = page.locator("td.patient")
    english = page.locator("td.english")
    expect(arabic.first).to_have_attribute("dir", "rtl")
    assert arabic.count() == english.count() > 20
    # Right to left: the Arabic column's text starts at its right edge.
    assert page.evaluate("getComputedStyle(document.querySelector('td.patient')).direction") == "rtl"
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    assert run_axe(page) == []
    assert small_targets(page) == []
    # On paper: both columns, no buttons.
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(page.locator("td.patient").first).to_be_visible()
    expect(page.locator("td.english").first).to_be_visible()
    page.emulate_media(media="screen")

    # Back to the kiosk: the staff session is over.
    page.get_by_role("link", name="Back to the kiosk").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".language-grid li")).to_have_count(len(LOCALES))
    page.goto(staff_server + "/staff/")
    expect(page.get_by_label("Staff PIN")).to_be_visible()
    expect(page.locator("table.languages")).to_have_count(0)
    assert run_axe(page) == []
    assert page.console_errors == []


def test_staff_pages_work_without_javascript(browser, staff_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, staff_server)
        page.get_by_label("Language of the start screen").select_option("es")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Settings saved.")).to_be_visible()
        page.get_by_label("Language of the start screen").select_option("en")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Settings saved.")).to_be_visible()
    finally:
        context.close()


def test_an_abandoned_staff_screen_returns_to_the_pin_form_by_itself(staff_page, staff_server, monkeypatch):
    """The server forgets the session after the idle limit; the screen must not keep showing it."""
    from kiosk.staff import access

    monkeypatch.setattr(access, "IDLE_LIMIT", 3)
    log_in(staff_page, staff_server)
    assert staff_page.locator("body").get_attribute("data-staff-idle") == "3"
    # Nobody touches it: within a few seconds the PIN form is back, and the table gone.
    expect(staff_page.get_by_label("Staff PIN")).to_be_visible()
    expect(staff_page.locator("table.languages")).to_have_count(0)


def test_after_save_the_notice_is_where_the_nurse_looks_and_has_the_focus(touch_page, staff_server):
    page = touch_page
    log_in(page, staff_server)
    page.get_by_role("button", name="Save settings").tap()
    notice = page.get_by_text("Settings saved.")
    expect(notice).to_be_focused()
    box = notice.bounding_box()
    viewport = page.viewport_size
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], box
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], box
    # The section's heading is in view above it, so the nurse knows what was saved.
    heading = page.get_by_role("heading", name="Settings").bounding_box()
    assert 0 <= heading["y"] < box["y"], heading


@pytest.mark.parametrize("where", ["PIN form", "staff screen", "bilingual view"])
def test_staff_text_and_targets_have_the_kiosks_sizes(touch_page, staff_server, staff_app, where):
    page = touch_page
    if where == "PIN form":
        page.goto(staff_server + "/staff/")
        expect(page.get_by_label("Staff PIN")).to_be_visible()
    else:
        # What patients did not understand, with lines to show (kiosk/counts/).
        for _ in range(6):
            app_state(staff_app).tally.add(LEAFLET, "what-to-expect", "es", Event.RIGHT_FIRST)
        log_in(page, staff_server)
        if where == "staff screen":
            expect(page.get_by_text(re.compile(r"^Spanish, section 3: fewer than 5 of \d+ needed the replay$"))).to_be_visible()
            assert run_axe(page) == []
        if where == "bilingual view":
            page.goto(f"{staff_server}/staff/es/{LEAFLET}/")
            expect(page.locator("td.patient").first).to_be_visible()
    # What a closed disclosure hides counts too, once opened.
    for summary in page.locator("details > summary").all():
        summary.tap()
    page.evaluate("document.querySelector('.skip-link').focus()")  # shown when focused
    assert small_text(page) == []
    assert small_targets(page) == []


def test_a_left_out_leaflet_and_a_clinic_leaflet_are_said_at_the_kiosks_sizes(touch_page, tmp_path):
    """The staff screen of a clinic's kiosk: a leaflet file left out, and one of its own leaflets."""
    folder = leaflets_with_a_broken_one(tmp_path / "leaflets")
    (folder / "hand-washing.toml").write_bytes((FIXTURES / "leaflets" / "hand-washing.toml").read_bytes())
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "LEAFLETS_DIR": str(folder)},
                     instance_path=str(tmp_path / "instance"))
    pin.save(app.instance_path, PIN)
    page = touch_page
    with serving(app) as url:
        log_in(page, url)
        expect(page.locator(".attention li").filter(has_text=f"{BROKEN_LEAFLET}.toml")).to_contain_text("line 5, column 1")
        expect(page.locator("#completeness-hand-washing")).to_contain_text("Not ready to translate yet")
        assert small_text(page) == []
        assert small_targets(page) == []
        assert run_axe(page) == []


def test_reload_content_by_touch_serves_a_leaflet_added_on_disk(touch_page, tmp_path):
    """A leaflet file added while the kiosk runs: Reload content, and patients are offered it,
    with no restart (issue 31). The notice takes the focus; the screen keeps the kiosk's sizes."""
    folder = tmp_path / "leaflets"
    make_leaflets(folder, 1)
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "LEAFLETS_DIR": str(folder)},
                     instance_path=str(tmp_path / "instance"))
    pin.save(app.instance_path, PIN)
    page = touch_page
    with serving(app) as url:
        page.goto(url + "/en/")  # the list of one leaflet, kept in the page cache
        expect(page.locator("#main .button-list a")).to_have_count(1)
        log_in(page, url)
        make_leaflets(folder, 2, titles=lambda n: "Knee Pain")
        page.get_by_role("button", name="Reload content").tap()
        notice = page.locator("#content-notice")
        expect(notice).to_contain_text(f"new: {copy_slug(2)}")
        expect(notice).to_be_focused()
        assert small_text(page) == []
        assert small_targets(page) == []
        # A patient's screen (the staff screen's own poll may be navigating the first page).
        page = page.context.new_page()
        page.goto(url + "/en/")
        expect(page.locator("#main .button-list a")).to_have_text(["Knee Pain", "Trigger Point Injections"])
        page.get_by_role("link", name="Knee Pain").tap()
        expect(page.locator("#page-heading")).to_have_text("Knee Pain")
    wait_until(lambda: not app_state(app).background_render.progress.running, "the render after the reload")
