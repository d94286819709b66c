"""The strict Content-Security-Policy blocks nothing the kiosk does: pages in
two scripts, the audio guide, the player, both menus and htmx swaps."""

import json
import re

import pytest

from helpers import LEAFLET, SECTIONS
from listening import record, turn_on_guide, wait_saying

# Attached before any page script: every violation, from any element, as it
# is reported (the event bubbles up to the document).
WATCH = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || "inline"} ${e.sample || ""}`.trim()));
"""


@pytest.fixture
def watched(browser):
    """A page under the kiosk's real CSP (the other tests' contexts bypass it),
    with violations gathered from events and from the console. Waits here are
    functions, not strings: Playwright would eval() a string in the page."""
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, locale="en-GB", bypass_csp=False)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.csp_console = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_console.append(m.text))
    yield page
    context.close()


def violations(page):
    return page.evaluate("window.cspViolations") + page.csp_console


def visit(page, url):
    """Open `url` (the previous document having had no violations); check its CSP header."""
    if page.url.startswith("http"):
        assert violations(page) == []
    response = page.goto(url)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "unsafe" not in policy
    return response


def guide_phrase(page, name):
    """The first clip of one of the guide's own phrases."""
    return json.loads(page.locator("#guide-phrases").get_attribute("data-json"))[name]["say"][0][0]


def next_section(page, section):
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(section + "$"))
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'page-heading'")


def test_nothing_the_kiosk_does_is_blocked(watched, live_server):
    page = watched
    visit(page, live_server + "/")
    page.get_by_role("link", name=re.compile("English")).first.click()
    page.wait_for_url(re.compile("/en/$"))

    visit(page, live_server + f"/en/{LEAFLET}/{SECTIONS[0]}")
    record(page)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => document.querySelector('#main .sentence.speaking')")
    wait_saying(page, page.locator("#main .sentence.speaking").get_attribute("data-clip"))
    for menu in ("#display-menu", "#language-menu"):
        page.locator(f"{menu} summary").click()
        page.wait_for_function(f"() => document.querySelector('{menu}').open")
        page.locator(f"{menu} summary").click()
    page.locator("#display-menu summary").click()
    page.locator("#display-menu [data-set-size='150']").click()
    next_section(page, SECTIONS[1])
    next_section(page, SECTIONS[2])

    visit(page, live_server + f"/ar/{LEAFLET}/{SECTIONS[0]}")
    page.locator("#language-menu summary").click()
    page.wait_for_function("() => document.querySelector('#language-menu').open")
    next_section(page, SECTIONS[1])
    # Last: with the guide on, a tap on a control is announced first, not acted on.
    record(page)
    turn_on_guide(page)
    wait_saying(page, guide_phrase(page, "on"))

    visit(page, live_server + "/en/no-such-page/")
    assert violations(page) == []


def test_the_watch_sees_a_violation(watched, live_server):
    """The check above can fail: an inline style attribute is reported."""
    visit(watched, live_server + f"/en/{LEAFLET}/")
    watched.evaluate("""document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')""")
    watched.wait_for_function("() => window.cspViolations.length > 0")
    assert any("style-src" in v for v in violations(watched))
