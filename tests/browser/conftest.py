"""A live kiosk on loopback and Debian's Chromium driven by Playwright.

Playwright's own browser download does not work here (and must never be
needed), so the tests launch /usr/bin/chromium. The background-networking
flags stop Chromium from calling out to the internet at start.
"""

import functools
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from kiosk import create_app

from layout import FIRST_SECTION, SCREENS
from listening import record
from live import serving
from kiosk.state import app_state

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
# How long any wait in a browser test may take (ms), for an event that normally comes
# in well under a second. Clips are synthesized by eSpeak on demand, and on a busy
# 2-core machine (CI, with the other tests running) that took over 20 s; a generous
# deadline costs nothing when the event comes, since every wait ends when it does.
DEADLINE = 120_000
expect.set_options(timeout=DEADLINE)


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory):
    """The kiosk with real speech (eSpeak NG in its worker) and an empty clip cache."""
    app = create_app({"TESTING": True}, instance_path=str(tmp_path_factory.mktemp("instance")))
    yield app
    app_state(app).speech.close()


@pytest.fixture(scope="session")
def live_server(browser_app):
    """The kiosk served by waitress on a free loopback port for the session."""
    with serving(browser_app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # The kiosk's CSP (no 'unsafe-eval', no inline script) refuses what
        # Playwright does in the page for a polled wait_for_function("expr")
        # (eval) and for add_script_tag (an inline script). So contexts bypass
        # it unless a test says bypass_csp=False, as test_csp.py does to check
        # that the kiosk itself needs nothing the policy refuses.
        browser.new_context = functools.partial(_new_context, browser.new_context)
        yield browser
        browser.close()


def _new_context(new_context, **options):
    """A context that bypasses the CSP (see above) and waits up to DEADLINE for anything."""
    context = new_context(**{"bypass_csp": True, **options})
    context.set_default_timeout(DEADLINE)
    return context


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="en-GB")
    yield context
    context.close()


def report_script_errors(page):
    """What the kiosk's scripts report on the console as their own errors (static/page.js:
    readJSON's part that is not JSON, a phrase asked for by a name the page lacks), kept
    in page.script_errors: each test that drives a page fails on them at its end."""
    page.script_errors = []
    page.on("console", lambda m: m.type == "error" and m.text.startswith("readJSON:") and page.script_errors.append(m.text))


@pytest.fixture
def page(context, live_server):
    """A page that records every request, so tests can prove nothing leaves loopback."""
    page = context.new_page()
    report_script_errors(page)
    page.requested_hosts = set()
    page.on("request", lambda request: page.requested_hosts.add(urlsplit(request.url).hostname))
    page.console_errors = []
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    page.on("response", lambda r: r.status >= 400 and page.console_errors.append(f"{r.status} {r.url}"))
    yield page
    page.close()
    assert page.script_errors == [], "the kiosk's scripts reported errors"


@pytest.fixture
def page_at(browser, live_server):
    """A page (a leaflet's first section unless `url` says) in a language, on a screen
    (layout.SCREENS), at a text size chosen as the Display menu chooses it (or as it opens),
    recording what the voice says (listening.record)."""
    contexts = []
    pages = []

    def at(tag, screen="portrait", size=None, url=FIRST_SECTION):
        context = browser.new_context(viewport=SCREENS[screen])
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        report_script_errors(page)
        page.goto(live_server + url.format(tag=tag))
        if size is not None:
            page.evaluate("size => document.querySelector(`[data-set-size='${size}']`).click()", size)
            page.evaluate("document.fonts.ready")
        record(page)
        return page

    yield at
    for context in contexts:
        context.close()
    assert [e for page in pages for e in page.script_errors] == [], "the kiosk's scripts reported errors"

