"""Languages: the allow-list, names, and honest fallback to English."""

import pytest
from babel import Locale

from kiosk.i18n import catalogs
from kiosk import create_app
from kiosk.i18n.checks import load_catalog
from kiosk.i18n import KNOWN_LOCALES, SOURCE_LOCALE, native_name, tag_of

from helpers import LEAFLET, SECTIONS, catalog_with_fuzzy, expected, soup


def test_known_locales_equal_the_catalogs_on_disk():
    on_disk = {p.parent.parent.name for p in catalogs.TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")}
    assert {str(locale) for tag, locale in KNOWN_LOCALES.items() if tag != SOURCE_LOCALE} == on_disk


@pytest.mark.parametrize("tag", [tag for tag in KNOWN_LOCALES if tag != SOURCE_LOCALE])
def test_each_catalog_is_for_its_language(tag):
    catalog = load_catalog(catalogs.catalog_path(KNOWN_LOCALES[tag]))
    assert tag_of(catalog.locale) == tag


def test_native_names_come_from_babel():
    assert native_name(Locale("es")) == "Español"
    assert native_name(Locale("ar")) == "العربية"
    assert native_name(Locale.parse("pt_BR")) == "Português (Brasil)"


@pytest.fixture
def es_with_one_fuzzy(tmp_path):
    """The Spanish catalog in which one leaflet text went fuzzy."""
    return catalog_with_fuzzy(tmp_path, "es", "Trigger points commonly occur in:")


def test_fuzzy_message_falls_back_to_english_marked_as_english(tmp_path, es_with_one_fuzzy):
    app = create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(es_with_one_fuzzy)},
        instance_path=str(tmp_path / "instance"),
    )
    page = soup(app.test_client().get(f"/es/{LEAFLET}/{SECTIONS[0]}"))
    lead = next(p for p in page.select("p") if p.get_text() == "Trigger points commonly occur in:")
    assert lead is not None and lead["lang"] == "en" and lead["dir"] == "ltr"
    # Everything else stays Spanish, unmarked, and the page says it is not whole.
    assert page.html["lang"] == "es"
    assert [el.get_text() for el in page.select("article [lang]")] == ["Trigger points commonly occur in:"]
    assert expected("es", "Buttocks") in [li.get_text() for li in page.select("li")]
    notice = page.select_one(".fallback-notice")
    assert notice.get_text(strip=True) == expected(
        "es", "Some parts of this page are not translated yet. They are shown in English."
    )


@pytest.fixture
def es_with_fuzzy_button(tmp_path):
    """The Spanish catalog with one interface label gone fuzzy."""
    return catalog_with_fuzzy(tmp_path, "es", "Previous")


@pytest.mark.parametrize("url", ["/es/", f"/es/{LEAFLET}/", f"/es/{LEAFLET}/{SECTIONS[1]}", "/es/nothing-here/"])
def test_an_untranslated_interface_label_is_owned_up_to_on_every_page(tmp_path, es_with_fuzzy_button, url):
    app = create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(es_with_fuzzy_button)},
        instance_path=str(tmp_path / "instance"),
    )
    page = soup(app.test_client().get(url))
    notice = page.select_one(".fallback-notice")
    assert notice is not None
    assert notice.get_text(strip=True) == expected(
        "es", "Some parts of this page are not translated yet. They are shown in English."
    )


@pytest.mark.parametrize("url", ["/es/", f"/es/{LEAFLET}/{SECTIONS[1]}", "/es/nothing-here/"])
def test_a_whole_translation_shows_no_notice(client, url):
    assert soup(client.get(url)).select_one(".fallback-notice") is None


def test_a_compiled_catalog_is_read_through_one_accessor_that_fails_loudly(app):
    """gettext's private _catalog tells translated from fallen back: if a new Python or Babel
    kept it elsewhere, every page would silently turn English. The accessor fails instead."""
    import gettext

    from flask_babel import force_locale, get_translations

    from kiosk.i18n import compiled_messages

    with app.test_request_context("/es/"), force_locale("es"):
        compiled = get_translations()
        assert compiled_messages(compiled)["Back"] == "Regresar"
    assert compiled_messages(gettext.NullTranslations()) == {}  # no .mo: nothing translated, honestly

    class Renamed(gettext.GNUTranslations):
        def __init__(self):  # a compiled catalog kept under another name
            gettext.NullTranslations.__init__(self)

    with pytest.raises(RuntimeError, match="compiled_messages"):
        compiled_messages(Renamed())


def test_merged_catalogs_keep_the_languages_plural_rule():
    """A leaflet with no compiled catalog yet is loaded as a NullTranslations, whose plural rule
    is English's: merged last, it must not turn Arabic's six forms into two."""
    from kiosk.i18n import load_translations

    arabic = KNOWN_LOCALES["ar"]
    merged = load_translations([str(catalogs.TRANSLATIONS)], arabic, [catalogs.INTERFACE, "leaflet-not-compiled-yet"])
    assert [merged.plural(n) for n in (0, 1, 2, 3, 11, 100)] == [0, 1, 2, 3, 4, 5]
    assert merged.gettext("Back") != "Back"  # and the interface's texts are in it
