"""Moving through a leaflet in a real browser: htmx swaps, focus, Back, no JS."""

import re
from urllib.parse import urlsplit

import pytest

from helpers import LEAFLET, SECTIONS, expected

BASE_SECTION = f"/en/{LEAFLET}/{SECTIONS[0]}"


def heading(page):
    return page.locator("main h1").inner_text()


def test_next_swaps_main_pushes_url_and_moves_focus(page, live_server):
    page.goto(live_server + BASE_SECTION)
    page.evaluate("window.kioskMarker = 'still here'")
    page.get_by_role("link", name=re.compile("Next")).click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    assert heading(page) == "What is a Trigger Point Injection?"
    # Same document: the swap did not reload the page.
    assert page.evaluate("window.kioskMarker") == "still here"
    # Focus moves once htmx has settled the swap.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    assert page.evaluate("document.activeElement.textContent") == "What is a Trigger Point Injection?"
    assert page.title().startswith("What is a Trigger Point Injection?")
    # The language menu now points at the new section.
    href = page.locator("#language-menu a[hreflang=en]").get_attribute("href")
    assert href == f"/en/{LEAFLET}/{SECTIONS[1]}"
    # The new <main> replaced the old one, taken from the whole page: not nested in it.
    assert page.locator("main").count() == 1 and page.locator("header").count() == 1
    assert page.console_errors == []


def test_the_whole_leaflet_from_the_contents_updates_title_and_back(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/")
    assert page.locator("#back-link").get_attribute("href") == "/es/"
    page.evaluate("window.kioskMarker = 'still here'")
    page.locator("a.listen-all").click()
    page.wait_for_url(re.compile(f"/es/{LEAFLET}/{SECTIONS[0]}$"))
    page.wait_for_function(f"document.title.startsWith({expected('es', 'What Are Trigger Points?')!r})")
    assert page.evaluate("window.kioskMarker") == "still here"
    # Back now goes up from the section (to the contents), as on the section's own page.
    assert page.locator("#back-link").get_attribute("href") == f"/es/{LEAFLET}/"
    href = page.locator("#language-menu a[hreflang=fr]").get_attribute("href")
    assert href == f"/fr/{LEAFLET}/{SECTIONS[0]}"


def test_every_page_works_with_javascript_off(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.get_by_role("link", name=re.compile("English")).first.click()
    page.get_by_role("link", name="Trigger Point Injections").click()
    page.get_by_role("link", name=re.compile("What Are Trigger Points")).click()
    for section in SECTIONS[1:]:
        page.get_by_role("link", name=re.compile("Next")).click()
        page.wait_for_url(re.compile(section + "$"))
    assert heading(page) == "What Should You Expect from Trigger Point Injections?"
    context.close()


def test_language_switch_keeps_the_section_and_mirrors(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[1]}")
    page.locator("#language-menu summary").click()
    page.locator("#language-menu a[hreflang=ar]").click()
    page.wait_for_url(re.compile(f"/ar/{LEAFLET}/{SECTIONS[1]}$"))
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
    # Reading order is right to left: Previous sits to the right of Next.
    previous = page.locator("a[rel=prev]").bounding_box()
    following = page.locator("a[rel=next]").bounding_box()
    assert previous["x"] > following["x"]


def test_nothing_is_fetched_from_outside_the_kiosk(page, live_server):
    page.goto(live_server + f"/ar/{LEAFLET}/{SECTIONS[0]}")
    page.wait_for_load_state("networkidle")
    assert page.requested_hosts == {"127.0.0.1"}


def test_a_stale_link_shows_the_error_page_not_nothing(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[0]}")
    # As if the content changed under an open page: the next section is gone.
    page.evaluate(
        "const a = document.querySelector('a[rel=next]');"
        "a.setAttribute('hx-get', a.getAttribute('href') + '-gone'); htmx.process(a)"
    )
    page.locator("a[rel=next]").click()
    page.wait_for_url(re.compile(SECTIONS[1] + "-gone$"))
    page.wait_for_load_state()
    assert page.locator("main h1").inner_text() == expected("es", "Page not found")
    assert page.evaluate("document.documentElement.lang") == "es"


def requests_for(page, path):
    asked = []
    page.on("request", lambda request: urlsplit(request.url).path == path and asked.append(request.resource_type))
    return asked


@pytest.mark.parametrize("screen", [{"width": 1080, "height": 1920}, {"width": 1920, "height": 1080}],
                         ids=["portrait", "landscape"])
def test_a_section_read_a_moment_turns_from_memory(page, live_server, screen):
    page.set_viewport_size(screen)
    following = f"/es/{LEAFLET}/{SECTIONS[1]}"
    asked = requests_for(page, following)
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[0]}")
    # While the patient reads, the next section is fetched once, by script.
    page.wait_for_load_state("networkidle")
    assert asked == ["fetch"]
    entries = page.evaluate("history.length")
    page.get_by_role("link", name=re.compile(expected("es", "Next"))).click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    # The tap asked the server nothing: the page came from memory, whole and right.
    assert asked == ["fetch"]
    assert heading(page) == expected("es", "What is a Trigger Point Injection?")
    assert page.title().startswith(expected("es", "What is a Trigger Point Injection?"))
    assert page.locator("#language-menu a[hreflang=fr]").get_attribute("href") == f"/fr/{LEAFLET}/{SECTIONS[1]}"
    assert page.locator("main").count() == 1 and page.locator("header").count() == 1
    # The step replaced the history entry, as htmx's own turns do.
    assert page.evaluate("history.length") == entries
    # And the new section's neighbours are fetched in their turn: Previous is instant too.
    page.wait_for_load_state("networkidle")
    back_to = requests_for(page, f"/es/{LEAFLET}/{SECTIONS[0]}")
    page.wait_for_function(f"performance.getEntriesByName(location.origin + '/es/{LEAFLET}/{SECTIONS[0]}').length > 1")
    page.get_by_role("link", name=re.compile(expected("es", "Previous"))).click()
    page.wait_for_url(re.compile(SECTIONS[0] + "$"))
    assert heading(page) == expected("es", "What Are Trigger Points?")
    assert back_to == []
    assert page.console_errors == []


def test_a_turn_whose_fetch_failed_asks_the_server(page, live_server):
    following = f"/es/{LEAFLET}/{SECTIONS[1]}"
    failed = []

    def fail_the_first(route):
        if not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route(live_server + following, fail_the_first)
    asked = requests_for(page, following)
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[0]}")
    page.wait_for_load_state("networkidle")
    assert failed and asked == ["fetch"]
    page.get_by_role("link", name=re.compile(expected("es", "Next"))).click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    assert heading(page) == expected("es", "What is a Trigger Point Injection?")
    assert asked == ["fetch", "xhr"]
