"""Every page in every language: content, language, direction, navigation."""

import pytest
from flask import request

from kiosk.content import load_leaflet, normalise
from kiosk import ROOT
from kiosk.i18n.catalogs import SHIPPED_LEAFLETS
from kiosk.jobs.crawl import urls_of

from helpers import LEAFLET, LOCALES, SECTIONS, TRANSLATED, expected, pages_in, soup
from kiosk.state import app_state

CONTENT = load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")
RTL = {"ar", "ur"}


ALL_PAGES = [(tag, url) for tag in LOCALES for url in pages_in(tag) if url != "/"]


@pytest.mark.parametrize(("tag", "url"), ALL_PAGES)
def test_page_has_language_and_direction(client, tag, url):
    response = client.get(url)
    assert response.status_code == 200
    html = soup(response).html
    assert html["lang"] == tag
    assert html["dir"] == ("rtl" if tag in RTL else "ltr")


def test_start_screen_offers_every_language_by_its_own_name(client):
    page = soup(client.get("/"))
    links = page.select(".language-grid a")
    assert [a["href"] for a in links] == [f"/{tag}/" for tag in LOCALES]
    names = {a["lang"]: a.select_one(".native").get_text(strip=True) for a in links}
    # Each in its own language and script (Babel's names, which a test could otherwise only repeat).
    assert names["en"] == "English"
    assert names["es"] == "Español"
    assert names["ar"] == "العربية"
    assert names["zh-Hans"] == "中文 (简体)"
    assert names["ru"] == "Русский"


@pytest.mark.parametrize("tag", LOCALES)
@pytest.mark.parametrize("section", CONTENT.sections, ids=lambda s: s.slug)
def test_section_shows_every_text_in_the_language(client, tag, section):
    page = soup(client.get(f"/{tag}/{LEAFLET}/{section.slug}"))
    article = page.select_one("article.section")
    shown = [normalise(el.get_text()) for el in article.select("h1, h2, p, li")]
    for msgid in section.messages():
        assert normalise(expected(tag, msgid)) in shown
    # A complete translation marks nothing as being in another language.
    assert article.select("[lang]") == []
    assert page.select(".fallback-notice") == []


SHIPPED_PAGES = [url for url in urls_of({slug: load_leaflet(ROOT / "leaflets" / f"{slug}.toml") for slug in SHIPPED_LEAFLETS})
                 if url != "/" and not url.startswith("/en/")]


@pytest.mark.parametrize("url", SHIPPED_PAGES)
def test_every_page_of_a_shipped_leaflet_is_wholly_translated(client, url):
    """Its catalogs are complete in every language (tests/test_catalogs.py), and the kiosk
    finds them: no page owns up to English."""
    response = client.get(url)
    assert response.status_code == 200
    assert soup(response).select(".fallback-notice") == []


@pytest.mark.parametrize("tag", TRANSLATED)
def test_translated_section_is_not_english(client, tag):
    page = soup(client.get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}"))
    heading = page.select_one("h1").get_text(strip=True)
    assert heading != "What Are Trigger Points?"
    assert heading == expected(tag, "What Are Trigger Points?")


@pytest.mark.parametrize("tag", LOCALES)
def test_overview_has_one_button_per_section(client, tag):
    page = soup(client.get(f"/{tag}/{LEAFLET}/"))
    links = page.select("main nav a.button")
    assert [a["href"] for a in links] == [f"/{tag}/{LEAFLET}/{s}" for s in SECTIONS]
    assert [a.get_text(" ", strip=True) for a in links] == [
        f"{n} {expected(tag, s.heading)}" for n, s in enumerate(CONTENT.sections, 1)
    ]


def test_previous_and_next_link_the_neighbouring_sections(client):
    first, middle, last = (soup(client.get(f"/es/{LEAFLET}/{s}")) for s in SECTIONS)
    assert first.select_one("a[rel=prev]") is None
    assert first.select_one("a[rel=next]")["href"] == f"/es/{LEAFLET}/{SECTIONS[1]}"
    assert middle.select_one("a[rel=prev]")["href"] == f"/es/{LEAFLET}/{SECTIONS[0]}"
    assert middle.select_one("a[rel=next]")["href"] == f"/es/{LEAFLET}/{SECTIONS[2]}"
    assert last.select_one("a[rel=next]") is None
    # htmx swaps only <main>; the href alone works without JavaScript.
    link = first.select_one("a[rel=next]")
    assert link["hx-get"] == link["href"] and link["hx-target"] == "#main"


SWAP_LINKS = {
    "previous": ("a[rel=prev]", 1),
    "next": ("a[rel=next]", 0),
    "next section": (".player-end a", 0),
    "whole leaflet": ("a.listen-all", 0),
}


@pytest.mark.parametrize("which", SWAP_LINKS)
def test_links_that_swap_main_select_it_from_the_whole_page(fake_app, which):
    """What the link takes from the answer (hx-select, hx-select-oob) is on
    the whole page it links to, so a static server can answer it too. (With a fake voice,
    so that the player and its links are on the page.)"""
    client = fake_app.test_client()
    selector, section = SWAP_LINKS[which]
    link = soup(client.get(f"/es/{LEAFLET}/{SECTIONS[section]}")).select_one(selector)
    assert (link["hx-target"], link["hx-select"], link["hx-swap"]) == ("#main", "#main", "outerHTML")
    assert link["hx-get"] == link["href"] and link["hx-replace-url"] == "true"
    target = soup(client.get(link["href"]))
    assert target.select_one("main#main h1#page-heading") is not None
    oob = [part.strip() for part in link["hx-select-oob"].split(",")]
    assert oob == ["#language-menu", "#back-link"]
    for selector in oob:
        assert target.select_one(selector) is not None
    # Out of band, the language menu keeps the patient's place and Back goes up from the new page.
    path = link["href"].removeprefix("/es/")
    assert target.select_one("#language-menu a[hreflang=fr]")["href"] == f"/fr/{path}"
    assert target.select_one("#back-link")["href"] == f"/es/{LEAFLET}/"


@pytest.mark.parametrize("section", SECTIONS)
def test_language_switch_keeps_the_section(client, section):
    page = soup(client.get(f"/ar/{LEAFLET}/{section}"))
    links = {a["hreflang"]: a for a in page.select("#language-menu a")}
    assert set(links) == set(LOCALES)
    for tag, link in links.items():
        assert link["href"] == f"/{tag}/{LEAFLET}/{section}"
        # lang and dir change, so the switch must be a full page load.
        assert link["hx-boost"] == "false"
    assert links["ar"]["aria-current"] == "true"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HX-Request": "true", "HX-Target": "main"},
        {"HX-Request": "true", "HX-Boosted": "true"},
        {"HX-Request": "true", "HX-Target": "main", "HX-History-Restore-Request": "true"},
    ],
    ids=["plain", "swap-main", "boosted", "history-restore"],
)
def test_every_request_gets_the_whole_page(client, headers):
    """One answer per URL, whoever asks: a static copy of the kiosk (or a
    cache) can serve it, so nothing varies on htmx's headers."""
    response = client.get(f"/es/{LEAFLET}/{SECTIONS[1]}", headers=headers)
    page = soup(response)
    assert page.html["lang"] == "es"
    assert page.title.get_text().startswith(expected("es", "What is a Trigger Point Injection?"))
    assert page.select_one("header #language-menu") is not None
    assert page.select_one("main h1").get_text(strip=True) == expected("es", "What is a Trigger Point Injection?")
    assert not {"HX-Target", "HX-Request", "HX-History-Restore-Request"} & set(response.vary)
    assert response.get_data() == client.get(f"/es/{LEAFLET}/{SECTIONS[1]}").get_data()


@pytest.mark.parametrize(
    ("url", "lang"),
    [
        ("/xx/", "en"),
        ("/zz-Latn/trigger-point-injections/", "en"),
        ("/es/no-such-leaflet/", "es"),
        ("/ar/trigger-point-injections/no-such-section", "ar"),
        ("/en/trigger-point-injections/what-to-expect/extra", "en"),
        ("/ur/trigger-point-injections/what-to-expect/extra/", "ur"),
        ("/zh-Hans/trigger-point-injections/nope", "zh-Hans"),
    ],
)
def test_unknown_pages_answer_404_in_the_current_language(client, url, lang):
    response = client.get(url)
    assert response.status_code == 404
    page = soup(response)
    assert page.html["lang"] == lang
    assert page.select_one("h1").get_text(strip=True) == expected(lang, "Page not found")
    home = page.select_one("main a.button")
    assert home["href"] == (f"/{lang}/" if url.startswith(f"/{lang}/") else "/")
    # Switching language from an error page leads to that language's leaflets.
    switch = {a["hreflang"]: a["href"] for a in page.select("#language-menu a")}
    assert switch["fr"] == "/fr/"


def test_wrong_method_is_a_clear_405(client):
    response = client.post(f"/en/{LEAFLET}/")
    assert response.status_code == 405
    assert soup(response).select_one("h1").get_text(strip=True) == "Not allowed"


def test_unexpected_error_is_a_kind_page_not_a_traceback(app, client):
    @app.before_request
    def broken():
        if request.path == f"/en/{LEAFLET}/":
            raise RuntimeError("boom")

    app.testing = False  # let the error handler answer, as in production
    response = client.get(f"/en/{LEAFLET}/")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "boom" not in body and "Traceback" not in body
    assert soup(response).select_one("h1").get_text(strip=True) == "Something went wrong"
