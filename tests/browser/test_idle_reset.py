"""Between patients: a kiosk left alone warns, then starts again with nothing
of the last patient left, and never while someone is listening."""

import json
import re

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS, expected
from listening import record, turn_on_guide, wait_saying

from live import serving

from kiosk import create_app
from kiosk.state import app_state

IDLE, WARNING = 2, 3


@pytest.fixture(scope="module")
def short_idle_server(tmp_path_factory):
    """A kiosk that warns after 2 s untouched and starts again 3 s later: a countdown short
    enough to step through second by second."""
    app = create_app(
        {"TESTING": True, "IDLE_SECONDS": IDLE, "IDLE_WARNING_SECONDS": WARNING},
        instance_path=str(tmp_path_factory.mktemp("idle")),
    )
    with serving(app) as url:
        yield url
    app_state(app).speech.close()


def leave_a_trail(page, base):
    """What a patient leaves behind: pages, a language, settings, the guide."""
    page.goto(base + f"/ar/{LEAFLET}/")
    page.locator("#display-menu summary").click()
    page.locator('[data-set-size="150"]').click()
    page.locator('[data-set-theme="contrast"]').click()
    page.locator("#display-menu summary").click()
    page.get_by_role("link", name=expected("ar", "What Are Trigger Points?")).click()
    page.wait_for_url(re.compile(f"/ar/{LEAFLET}/{SECTIONS[0]}$"))
    page.locator('#player [data-action="more"]').click()
    page.locator('#player [data-action="speed-down"]').click()
    page.locator("#guide-toggle").click()  # the guide, on (it says so for a while)


# The kiosk's own idle times, on Playwright's clock: installed before the page
# loads, it runs at the real pace, and run_for() moves it on at once. Audio still
# plays in real time, and a patient who is listening counts as active.
IDLE_MS, WARNING_MS = 120_000, 30_000


def quiet(page):
    """Cut short the guide's long announcement that it is on: audio playing counts as
    activity, so the idle time would start only after it, and these tests are about what
    comes after."""
    page.evaluate("kiosk.voice.hush()")
    page.wait_for_function("() => kiosk.voice.audio.paused || kiosk.voice.audio.ended")


def test_the_warning_is_shown_and_spoken_and_i_am_still_here_keeps_the_page(page, live_server):
    page.clock.install()
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[1]}")
    record(page)
    dialog = page.locator("#idle-warning")
    page.clock.run_for(IDLE_MS - 5_000)
    expect(dialog).to_be_hidden()
    page.clock.run_for(6_000)
    expect(dialog).to_be_visible()
    expect(page.locator("#idle-title")).to_have_text(expected("es", "Are you still there?"))
    settings = json.loads(page.locator("#idle-settings").get_attribute("data-json"))
    assert [lang for _, lang, _ in settings["say"]] == ["es", "es"]
    wait_saying(page, settings["say"][0][0])
    page.get_by_role("button", name=expected("es", "I'm still here")).click()
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/es/{LEAFLET}/{SECTIONS[1]}")
    assert page.evaluate("kiosk.voice.audio.paused")  # the warning stopped speaking
    # The page is kept well past the time the warning gave.
    page.clock.run_for(WARNING_MS + 5_000)
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/es/{LEAFLET}/{SECTIONS[1]}")


@pytest.mark.parametrize(("tag", "last"), [("es", "En 1 segundo,"), ("ar", "بعد ثانية واحدة.")])
def test_the_countdown_ends_on_one_second_in_the_singular(page, short_idle_server, tag, last):
    # A paused clock: the count moves only when the test says (run_for).
    page.clock.install(time=1_800_000_000_000)
    page.clock.pause_at(1_800_000_001_000)
    page.goto(short_idle_server + f"/{tag}/{LEAFLET}/{SECTIONS[1]}")
    settings = json.loads(page.locator("#idle-settings").get_attribute("data-json"))
    detail = page.locator("#idle-detail")
    page.clock.run_for(IDLE * 1000 + 500)
    expect(page.locator("#idle-warning")).to_be_visible()
    expect(detail).to_have_text(settings["countdown"][WARNING - 1])  # as shown and spoken first
    page.clock.run_for((WARNING - 1) * 1000)
    expect(detail).to_have_text(settings["countdown"][0])
    assert last in detail.text_content()


def test_escape_answers_the_warning_and_goes_nowhere_else(page, live_server):
    page.clock.install()
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[2]}")
    turn_on_guide(page)  # with the guide on, Escape elsewhere goes up a level
    quiet(page)
    dialog = page.locator("#idle-warning")
    page.clock.run_for(IDLE_MS + 1_000)
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.url.endswith(f"/en/{LEAFLET}/{SECTIONS[2]}")
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "true")


def test_with_no_answer_nothing_of_the_patient_is_left(page, live_server):
    page.clock.install()
    leave_a_trail(page, live_server)
    assert page.evaluate("sessionStorage.length") > 0
    # Let the guide finish talking: audio playing counts as activity.
    quiet(page)
    page.clock.run_for(IDLE_MS + 1_000)
    expect(page.locator("#idle-warning")).to_be_visible()
    page.clock.run_for(WARNING_MS + 1_000)
    page.wait_for_url(live_server + "/")
    page.wait_for_load_state()
    expect(page.locator("#page-heading")).to_have_text("Choose your language")
    assert page.evaluate("[sessionStorage.length, localStorage.length]") == [0, 0]
    root = "document.documentElement"
    assert page.evaluate(f"[{root}.lang, {root}.dataset.textSize, {root}.dataset.theme]") == ["en", "100", "standard"]
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "false")
    # The browser's Back finds none of the patient's pages: the kiosk never
    # added a history entry, it replaced the one it had.
    page.go_back()
    assert "/ar/" not in page.url
    # An untouched start screen has nothing to reset: it never warns.
    page.goto(live_server + "/")
    page.clock.run_for(IDLE_MS + WARNING_MS + 5_000)
    expect(page.locator("#idle-warning")).to_be_hidden()
    assert page.url == live_server + "/"


def test_a_patient_who_is_listening_is_never_reset(page, live_server):
    page.clock.install()
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[2]}")
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => kiosk.voice.audio.currentTime > 0")
    # Well past the idle time and the warning together, still reading.
    page.clock.run_for(IDLE_MS + WARNING_MS + 5_000)
    assert page.evaluate("kiosk.voice.audio.paused") is False
    expect(page.locator("#idle-warning")).to_be_hidden()
    assert page.url.endswith(SECTIONS[2])


def test_every_step_replaces_the_history_entry(page, live_server):
    page.goto(live_server + "/")
    length = page.evaluate("history.length")
    page.locator("#main a[hreflang=es]").click()  # a full page load
    page.wait_for_url(re.compile("/es/$"))
    page.locator("#main a.button").first.click()  # a boosted link
    page.wait_for_url(re.compile(f"/es/{LEAFLET}/$"))
    page.locator("#main ol a.button").first.click()
    page.locator("a[rel=next]").click()  # an htmx swap
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    assert page.evaluate("history.length") == length
    # Nor is any page's address kept in storage (htmx notes one for its history).
    assert page.evaluate("Object.keys(sessionStorage).filter(k => !k.startsWith('kiosk-'))") == []
    # The kiosk's own Back goes up a level instead.
    page.locator("#back-link").click()
    page.wait_for_url(re.compile(f"/es/{LEAFLET}/$"))
    page.wait_for_function("document.activeElement.id === 'page-heading'")


def test_idle_times_are_checked():
    with pytest.raises(ValueError, match="at least 20"):
        create_app({"IDLE_WARNING_SECONDS": 5, "SPEECH_ENABLED": False})
    with pytest.raises(ValueError, match="IDLE_SECONDS"):
        create_app({"IDLE_SECONDS": "soon", "SPEECH_ENABLED": False})
