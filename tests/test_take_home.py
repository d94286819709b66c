"""Take it home: the printable leaflet in the patient's language, and the QR
code that opens the same leaflet at the clinic's public address."""

import logging
import shutil

import pytest

from kiosk import ROOT, create_app
from kiosk.i18n import catalogs
from kiosk.content import load_leaflet, normalise
from kiosk.i18n.provenance import read_provenance

from helpers import LEAFLET, LOCALES, TRANSLATED, catalog, expected, soup

CONTENT = load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")
RTL = {"ar", "ur"}
PUBLIC_URL = "https://clinic.example"
SCAN = "Scan this code with your phone to read this leaflet at home."


def print_url(tag):
    return f"/{tag}/{LEAFLET}/print"


def overview_url(tag):
    return f"/{tag}/{LEAFLET}/"


def wording(tag, msgid):
    """An interface text as a page in `tag` shows it: its translation once
    there is a current one, else the English (the new messages are
    translated after this feature lands)."""
    message = None if tag == "en" else catalog(tag).get(msgid)
    if message is not None and message.string and not message.fuzzy:
        return message.string
    return msgid


def make_app(tmp_path, **config):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False, **config}, instance_path=str(tmp_path / "instance"))


@pytest.fixture
def public_client(tmp_path):
    return make_app(tmp_path, PUBLIC_URL=PUBLIC_URL).test_client()


# The print view ---------------------------------------------------------------


@pytest.mark.parametrize("tag", LOCALES)
def test_print_view_holds_the_whole_leaflet_in_order_in_the_language(client, tag):
    page = soup(client.get(print_url(tag)))
    assert page.html["lang"] == tag
    assert page.html["dir"] == ("rtl" if tag in RTL else "ltr")
    article = page.select_one("article.leaflet")
    # Only the leaflet's own elements (not the labels of a figure).
    shown = [
        normalise(el.get_text())
        for el in article.select(":scope > h1, section > h2, section > h3, section > p, section > ul > li")
    ]
    assert shown == [normalise(expected(tag, msgid)) for msgid in CONTENT.messages()]
    # A complete translation marks none of them as being in another language.
    assert [el for el in article.select("[lang]") if not el.find_parent("figure")] == []


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_print_view_is_a_kiosk_page_with_only_the_leaflet_in_main(speaking_app, tag):
    # On the screen: the kiosk's own controls and scripts, as on every page
    # (print.css hides them on paper; see test_take_home_browser.py) ...
    page = soup(speaking_app.test_client().get(print_url(tag)))
    assert page.select_one("#guide-toggle[data-say]") is not None
    assert page.select_one("#back-link")["href"] == overview_url(tag)
    assert page.select_one("#display-menu") and page.select_one("#language-menu")
    assert page.select_one("#idle-warning") and page.select_one("#idle-settings")
    scripts = [script["src"] for script in page.select("script[src]")]
    assert {"/static/guide.js", "/static/idle.js", "/static/display.js"} <= set(scripts)
    assert page.select_one("h1#page-heading[data-say]") is not None
    assert page.select_one("#page-help") is not None
    # ... and in <main>, nothing but the leaflet, its code and its footer.
    main = page.select_one("main")
    assert main.select("button, form, input, select, audio, video, details, nav, a[href]") == []
    assert main.select("[hx-get], [data-clip], .sentence") == []
    assert page.select_one("title").get_text(strip=True) == (
        f"{expected(tag, CONTENT.title)} – {wording(tag, 'Printable version')}"
    )
    sheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert "/static/print.css" in sheets
    assert any(href.startswith("/vendor/@fontsource/") for href in sheets)


def test_only_the_print_view_links_print_css(client):
    for url in (overview_url("es"), f"/es/{LEAFLET}/no-such-section", "/es/no-such-leaflet/print"):
        page = soup(client.get(url))
        assert "/static/print.css" not in [link["href"] for link in page.select('link[rel="stylesheet"]')], url
        assert "print-view" not in page.body.get("class", []), url


def test_english_print_view_says_it_is_the_original(client):
    footer = soup(client.get(print_url("en"))).select_one("footer.provenance")
    assert normalise(footer.get_text()) == "This is the original English text."


MACHINE = "Machine translation by an AI model (%(model)s)."
UNREVIEWED = "Not yet reviewed by a qualified medical translator."


@pytest.mark.parametrize("tag", TRANSLATED)
def test_print_view_says_in_its_language_that_a_machine_translated_it_unreviewed(client, tag):
    # The paper goes home with a patient who may read no English: the
    # provenance is said in the page's language, the model named as written.
    page = soup(client.get(print_url(tag)))
    footer = page.select_one("footer.provenance")
    # The header's own English wording is never shown to the patient.
    source = read_provenance(catalogs.catalog_path(tag.replace("-", "_"), catalogs.TRANSLATIONS, catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0])))
    assert source.translated_by not in footer.get_text()
    assert "Machine translation" not in footer.get_text()
    lines = footer.select("p")
    assert [normalise(p.get_text()) for p in lines] == [
        normalise(expected(tag, MACHINE) % {"model": "Claude, Anthropic"}),
        normalise(expected(tag, UNREVIEWED)),
    ]
    # Each line is in the page's language (it inherits lang from <html>); only
    # the model's name is marked as English.
    assert all(p.get("lang", tag) == tag for p in lines)
    assert [(el.name, el.get("lang"), el.get_text()) for el in footer.select("[lang]")] == [
        ("span", "en", "Claude, Anthropic")
    ]


def test_a_human_translator_is_named_as_written(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS / "es", translations / "es")
    # The printout names who translated the leaflet: its own catalog says so.
    po = catalogs.catalog_path("es", translations, catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0]))
    text = po.read_text(encoding="utf-8")
    start = text.index("# X-Translated-By:")
    end = text.index("\n", start)
    po.write_text(text[:start] + "# X-Translated-By: María López, CHI-certified" + text[end:], encoding="utf-8")
    catalogs.run(catalogs.compile_args(translations))
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    footer = soup(app.test_client().get(print_url("es"))).select_one("footer.provenance")
    assert normalise(footer.select("p")[0].get_text()) == normalise(
        wording("es", "Translated by: %(who)s") % {"who": "María López, CHI-certified"}
    )
    assert "Claude" not in footer.get_text()


def test_a_reviewed_translation_says_who_reviewed_it_and_when(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS / "es", translations / "es")
    po = catalogs.catalog_path("es", translations, catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0]))
    text = po.read_text(encoding="utf-8")
    text = text.replace("# X-Reviewed-By:\n", "# X-Reviewed-By: Dr Ana Pérez, CHI-certified\n")
    text = text.replace("# X-Review-Date:\n", "# X-Review-Date: 2027-03-12\n")
    po.write_text(text, encoding="utf-8")
    catalogs.run(catalogs.compile_args(translations))
    app = make_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=str(translations))
    footer = soup(app.test_client().get(print_url("es"))).select_one("footer.provenance")
    assert normalise(footer.select("p")[-1].get_text()) == normalise(
        wording("es", "Reviewed by %(who)s on %(date)s.") % {"who": "Dr Ana Pérez, CHI-certified", "date": "12 de marzo de 2027"}
    )
    assert footer.select(".unreviewed") == []


def test_provenance_is_read_once_per_app_and_language(app, monkeypatch):
    from kiosk.i18n import provenance

    reads = []
    real = provenance.read_provenance
    monkeypatch.setattr(provenance, "read_provenance", lambda path, *pot: reads.append(path) or real(path, *pot))
    client = app.test_client()
    for _ in range(3):
        client.get(print_url("es"))
    client.get(print_url("ru"))
    assert [path.parts[-3] for path in reads] == ["es", "ru"]


@pytest.mark.parametrize("url", ["/es/no-such-leaflet/print", "/xx/trigger-point-injections/print"])
def test_unknown_leaflet_or_language_is_the_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert soup(response).select_one("h1").get_text(strip=True) in ("Page not found", expected("es", "Page not found"))


# The link from the overview ---------------------------------------------------


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_overview_links_to_the_print_view_with_a_full_page_load(client, tag):
    page = soup(client.get(overview_url(tag)))
    link = page.select_one(f'#main a[href="{print_url(tag)}"]')
    assert link is not None
    assert link["hx-boost"] == "false"
    assert link.get_text(strip=True) == wording(tag, "Printable version")
    # Until it is translated, the label is English, marked as English.
    assert link.get("lang", tag) == ("en" if link.get_text(strip=True) == "Printable version" else tag)
    assert client.get(link["href"]).status_code == 200


def test_the_print_link_is_spoken_as_shown(speaking_app):
    import json

    link = soup(speaking_app.test_client().get(overview_url("es"))).select_one(f'a[href="{print_url("es")}"]')
    [(clip, lang, words)] = json.loads(link["data-say"])
    assert (lang, words) == (link.get("lang", "es"), link.get_text(strip=True))


# The QR code ------------------------------------------------------------------


def assert_no_code(page):
    # (A figure of the leaflet may be an <svg> too.)
    assert page.select("svg.qr-code, .take-home") == []
    assert "Scan this code" not in page.get_text()
    assert "clinic.example" not in str(page)


@pytest.mark.parametrize("url", [overview_url("es"), print_url("es"), overview_url("en"), print_url("ar")])
def test_no_code_without_a_public_address(client, url):
    assert_no_code(soup(client.get(url)))


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
@pytest.mark.parametrize("url", [overview_url, print_url])
def test_with_a_public_address_the_code_and_its_line_are_shown(public_client, tag, url):
    page = soup(public_client.get(url(tag)))
    [svg] = page.select(".take-home svg")
    assert svg["role"] == "img"
    assert svg["aria-label"] == wording(tag, SCAN)
    assert int(svg["width"]) == int(svg["height"]) >= 160
    # Dark modules on a white quiet zone, with presentation attributes only
    # (a strict CSP forbids style attributes).
    assert svg.select("[style]") == [] and not svg.has_attr("style")
    assert svg.select_one('path[fill="#fff"]') is not None
    assert svg.select_one('path[stroke="#000"]') is not None
    box = page.select_one(".take-home")
    assert normalise(box.select_one(".take-home-text").get_text()) == normalise(wording(tag, SCAN))
    assert box.select_one(".take-home-address").get_text(strip=True) == f"{PUBLIC_URL}/{tag}/{LEAFLET}/"


def test_the_address_is_the_public_url_plus_the_overview_path_inside_the_app(tmp_path):
    # PUBLIC_URL is where the kiosk's own / is served: its path is kept, its
    # trailing slash is not, and the local server's prefix is not used.
    client = make_app(tmp_path, PUBLIC_URL="https://clinic.example/kiosk/").test_client()
    response = client.get(overview_url("zh-Hans"), base_url="http://localhost/local")
    assert soup(response).select_one(f'a[href="/local{print_url("zh-Hans")}"]') is not None
    address = soup(response).select_one(".take-home-address").get_text(strip=True)
    assert address == f"https://clinic.example/kiosk/zh-Hans/{LEAFLET}/"


def test_the_address_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_PUBLIC_URL", "http://192.168.1.20:8000")
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    app = create_app(instance_path=str(tmp_path))
    page = soup(app.test_client().get(overview_url("ru")))
    assert page.select_one(".take-home-address").get_text(strip=True) == f"http://192.168.1.20:8000/ru/{LEAFLET}/"


@pytest.mark.parametrize("bad", ["ftp://x", "not a url", "https://", "clinic.example", "https://clinic.example/?a=1", 42])
def test_a_bad_public_address_shows_no_code_and_warns_once(tmp_path, caplog, bad):
    client = make_app(tmp_path, PUBLIC_URL=bad).test_client()
    with caplog.at_level(logging.WARNING):
        for url in (overview_url("es"), print_url("es"), overview_url("ar")):
            response = client.get(url)
            assert response.status_code == 200
            assert_no_code(soup(response))
    warnings = [r for r in caplog.records if "PUBLIC_URL" in r.getMessage()]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
