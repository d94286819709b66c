"""A `kiosk export` served by nginx with the shipped config, walked in Chromium:
htmx navigation, the language switch, read-aloud, the audio guide, the 404
page and the idle reset all work without the kiosk's server."""

import json
import re
import urllib.request

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS, expected
from listening import hear_out, record, turn_on_guide, wait_heard, wait_saying
from nginx_site import nginx_serving
from speech.fakes import FakeEngine

from kiosk import create_app
from kiosk.jobs.export import export
from kiosk.web.headers import HEADERS
from kiosk.speech import ThreadExecutor
from kiosk.state import app_state

IDLE, WARNING = 2, 3


def exported(base, name, config=None):
    """The kiosk exported into base/name, its clips from a fake engine (voices for en, es, ar)
    that writes real WAVs; the clip cache in base is shared between exports."""
    app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(base / "audio"), **(config or {})},
                     instance_path=str(base / f"{name}-instance"), speech_executor=ThreadExecutor(FakeEngine))
    speech = app_state(app).speech
    try:
        export(app, base / name)
    finally:
        speech.close()
    return base / name


@pytest.fixture(scope="module")
def exports(tmp_path_factory, fake_clips):
    base = tmp_path_factory.mktemp("exports")
    fake_clips(base / "audio", FakeEngine)  # the clips made already: each export copies them
    return base


@pytest.fixture(scope="module")
def site(exports):
    """The export, served by nginx on a free loopback port."""
    with nginx_serving(exported(exports, "site"), exports / "nginx") as url:
        yield url


@pytest.fixture(scope="module")
def short_idle_site(exports):
    """An export of a kiosk that warns after 2 s untouched and starts again 3 s later
    (the idle timing is baked into the pages)."""
    root = exported(exports, "short-idle", {"IDLE_SECONDS": IDLE, "IDLE_WARNING_SECONDS": WARNING})
    with nginx_serving(root, exports / "nginx-idle") as url:
        yield url


@pytest.fixture
def page(context):
    """A page that notes every error answer and script error (no kiosk server needed)."""
    page = context.new_page()
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"))
    yield page
    page.close()


def test_start_language_leaflet_section_next_switch_and_play(page, site):
    response = page.goto(site + "/")
    assert response.headers["content-security-policy"] == HEADERS["Content-Security-Policy"]
    assert response.headers["cache-control"] == "no-store"
    # Start screen -> Spanish -> the leaflet -> its first section, by the links a patient taps.
    page.locator("main a[hreflang=es]").click()
    page.wait_for_url(site + "/es/")
    page.get_by_role("link", name=expected("es", "Trigger Point Injections")).click()
    page.wait_for_url(f"{site}/es/{LEAFLET}/")
    page.get_by_role("link", name=re.compile(re.escape(expected("es", "What Are Trigger Points?")))).click()
    page.wait_for_url(f"{site}/es/{LEAFLET}/{SECTIONS[0]}")

    # Next: htmx swaps the section in from the static file (the same document:
    # the marker survives), replaces the URL, moves focus and updates the title.
    page.evaluate("window.kioskMarker = 'still here'")
    page.locator("a[rel=next]").click()
    page.wait_for_url(f"{site}/es/{LEAFLET}/{SECTIONS[1]}")
    heading = expected("es", "What is a Trigger Point Injection?")
    expect(page.locator("main h1")).to_have_text(heading)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    assert page.evaluate("window.kioskMarker") == "still here"
    assert page.title().startswith(heading)
    assert page.locator("main").count() == 1

    # The language menu, swapped in with the section, keeps the patient's place.
    page.locator("#language-menu summary").click()
    page.locator("#language-menu a[hreflang=ar]").click()
    page.wait_for_url(f"{site}/ar/{LEAFLET}/{SECTIONS[1]}")
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    expect(page.locator("main h1")).to_have_text(expected("ar", "What is a Trigger Point Injection?"))

    # Play: the first sentence's clip, from the export's audio/, is heard.
    record(page)
    first = page.locator("#main .sentence[data-clip]").first.get_attribute("data-clip")
    page.locator('#player [data-action="toggle"]').click()
    wait_saying(page, first)
    assert page.console_errors == []


def test_an_unknown_address_shows_the_kiosks_404_page(page, site):
    response = page.goto(site + f"/es/{LEAFLET}/no-such-section")
    assert response.status == 404
    assert response.headers["content-security-policy"] == HEADERS["Content-Security-Policy"]
    expect(page.locator("main h1")).to_have_text("Page not found")
    page.get_by_role("link", name="Go to the start").click()
    page.wait_for_url(site + "/")
    expect(page.locator("#page-heading")).to_have_text("Choose your language")


def test_the_kiosk_needs_nothing_the_policy_refuses(browser, site):
    """With the CSP enforced, as nginx sends it: a swap and Play raise no violation."""
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    refused = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.goto(site + f"/es/{LEAFLET}/{SECTIONS[0]}")
    page.locator("a[rel=next]").click()
    page.wait_for_url(f"{site}/es/{LEAFLET}/{SECTIONS[1]}")
    expect(page.locator("main h1")).to_have_text(expected("es", "What is a Trigger Point Injection?"))
    expect(page.locator("#page-heading")).to_be_focused()
    page.locator('#player [data-action="toggle"]').click()
    expect(page.locator("#player")).to_have_class(re.compile(r"\bis-playing\b"))
    assert refused == []
    context.close()


def header_of(url, name, accept_encoding="gzip"):
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers.get(name), response.headers.get("Cache-Control"), response.headers


@pytest.mark.parametrize(
    ("path", "kind", "cache"),
    [
        ("/es/", "text/html; charset=utf-8", "no-store"),
        (f"/es/{LEAFLET}/{SECTIONS[0]}", "text/html; charset=utf-8", "no-store"),
        ("/static/kiosk.css", "text/css; charset=utf-8", "public, max-age=86400"),
        ("/static/kiosk.js", "text/javascript; charset=utf-8", "public, max-age=86400"),
        ("/vendor/htmx.org/dist/htmx.min.js", "text/javascript; charset=utf-8", "public, max-age=86400"),
    ],
)
def test_types_caching_and_headers(site, path, kind, cache):
    content_type, cache_control, headers = header_of(site + path, "Content-Type")
    assert (content_type, cache_control) == (kind, cache)
    assert headers["Content-Encoding"] == "gzip"
    for name, value in HEADERS.items():
        assert headers[name] == value


def test_clips_and_fonts_have_their_types_and_long_caching(page, site):
    page.goto(site + f"/es/{LEAFLET}/{SECTIONS[0]}")
    clip = page.locator("#main .sentence[data-clip]").first.get_attribute("data-clip")
    content_type, cache_control, headers = header_of(site + clip, "Content-Type")
    assert (content_type, cache_control) == ("audio/ogg", "public, max-age=31536000, immutable")
    assert headers["Content-Security-Policy"] == HEADERS["Content-Security-Policy"]
    fonts = page.evaluate("performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.woff2'))")
    assert fonts, "the page loaded no font"
    content_type, cache_control, _ = header_of(fonts[0], "Content-Type")
    assert (content_type, cache_control) == ("font/woff2", "public, max-age=86400")


def test_the_audio_guide_speaks_a_button(page, site):
    page.goto(site + f"/es/{LEAFLET}/{SECTIONS[0]}")
    record(page)
    turn_on_guide(page)
    on = json.loads(page.locator("#guide-phrases").get_attribute("data-json"))["on"]
    wait_saying(page, on["say"][0][0])
    # Tab on to the language menu's button: the guide says it, in Spanish.
    menu = page.locator("#language-menu summary")
    for _ in range(20):
        if menu.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    else:
        pytest.fail("Tab never reached the language menu")
    clip, lang, _ = json.loads(menu.get_attribute("data-say"))[0]
    assert lang == "es"
    # Heard to its end (the voice's log), before the hint for a first menu that follows it.
    hear_out(page, clip)
    wait_heard(page, clip)
    assert page.console_errors == []


def test_the_idle_reset_returns_to_the_start_screen(page, short_idle_site):
    page.goto(short_idle_site + f"/es/{LEAFLET}/{SECTIONS[1]}")
    expect(page.locator("#idle-warning")).to_be_visible()
    expect(page.locator("#idle-title")).to_have_text(expected("es", "Are you still there?"))
    page.wait_for_url(short_idle_site + "/")
    expect(page.locator("#page-heading")).to_have_text("Choose your language")
    assert page.evaluate("[sessionStorage.length, localStorage.length]") == [0, 0]


def test_the_print_view_speaks_and_goes_back_to_the_contents(page, site):
    page.goto(site + f"/es/{LEAFLET}/print")
    record(page)
    turn_on_guide(page)
    heading = page.locator("#page-heading")
    heading.focus()
    clip, lang, _ = json.loads(heading.get_attribute("data-say"))[0]
    assert lang == "es"
    wait_saying(page, clip)
    page.locator("#back-link").focus()  # (with the guide on, a first tap only says it)
    page.keyboard.press("Enter")
    page.wait_for_url(site + f"/es/{LEAFLET}/")
    expect(page.locator("#page-heading")).to_have_text(expected("es", "Trigger Point Injections"))
    assert page.console_errors == []
