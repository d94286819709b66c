"""The idle warning's countdown: every count in the plural form its language needs."""

import json

import pytest
from babel import Locale
from babel.messages.plurals import get_plural

from kiosk.i18n import catalogs
from kiosk import create_app
from kiosk.i18n.checks import load_catalog
from kiosk.i18n import KNOWN_LOCALES

from helpers import LEAFLET, SECTIONS, TRANSLATED, job_for, soup
from kiosk.state import app_state

WARNING = 30


@pytest.fixture(scope="module")
def countdown_app(tmp_path_factory):
    return create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "IDLE_WARNING_SECONDS": WARNING},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )


def idle_settings(app, tag: str) -> dict:
    page = soup(app.test_client().get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}"))
    return json.loads(page.select_one("#idle-settings")["data-json"])


def countdown(app, tag: str) -> list[str]:
    """What idle.js shows with 1, 2, … seconds left, in that order."""
    texts = idle_settings(app, tag)["countdown"]
    assert len(texts) == WARNING
    return texts


# Each language's words for "in 1 second", and its plural that must not be there.
ONE_SECOND = {
    "en": ("in 1 second.", "seconds"),
    "es": ("En 1 segundo,", "segundos"),
    "pt-BR": ("Em 1 segundo,", "segundos"),
    "fr": ("Dans 1 seconde,", "secondes"),
    "ru": ("Через 1 секунду ", "секунды"),
    "pl": ("Za 1 sekundę ", "sekundy"),
    "ar": ("بعد ثانية واحدة.", "ثوانٍ"),
}


@pytest.mark.parametrize(("tag", "words"), ONE_SECOND.items(), ids=list(ONE_SECOND))
def test_one_second_left_is_said_in_the_singular(countdown_app, tag, words):
    singular, plural = words
    one = countdown(countdown_app, tag)[0]
    assert singular in one and plural not in one


def test_arabic_counts_two_in_the_dual_and_three_to_ten_in_the_plural(countdown_app):
    texts = countdown(countdown_app, "ar")
    assert texts[1].endswith("بعد ثانيتين.")
    for n in range(3, 11):
        assert texts[n - 1].endswith(f"بعد {n} ثوانٍ."), n
    for n in range(11, WARNING + 1):  # 11 to 99: the singular noun after the number
        assert texts[n - 1].endswith(f"بعد {n} ثانية."), n


@pytest.mark.parametrize(
    ("tag", "few", "many", "one"),
    [("ru", "секунды", "секунд", "секунду"), ("pl", "sekundy", "sekund", None)],
)
def test_russian_and_polish_count_in_their_three_forms(countdown_app, tag, few, many, one):
    texts = countdown(countdown_app, tag)
    for n in (2, 3, 4, 22, 23, 24):
        assert f"{n} {few} " in texts[n - 1], n
    for n in (5, 11, 12, 14, 20, 25, 30):
        assert f"{n} {many} " in texts[n - 1], n
    if one:  # Russian says 21 like 1: "21 секунду"
        assert f"21 {one} " in texts[20]


@pytest.mark.parametrize("tag", TRANSLATED)
def test_every_count_shows_its_number_or_says_it_in_words(countdown_app, tag):
    texts = countdown(countdown_app, tag)
    # Arabic says one and two in words (ثانية واحدة, ثانيتين); every other count shows its digits.
    in_words = {1, 2} if tag == "ar" else set()
    for n, text in enumerate(texts, 1):
        if n not in in_words:
            assert str(n) in text, (n, text)
    assert len(set(texts)) == WARNING  # no two counts read the same


@pytest.mark.parametrize("tag", TRANSLATED)
def test_each_catalog_has_its_languages_plural_forms(tag):
    """The Plural-Forms header decides which form each count gets: it must be the
    language's own rule (Babel's, as `pybabel init` writes it), not another's."""
    locale = KNOWN_LOCALES[tag]
    catalog = load_catalog(catalogs.catalog_path(locale))
    rule = get_plural(Locale.parse(str(locale)))
    assert (catalog.num_plurals, catalog.plural_expr) == (rule.num_plurals, rule.plural_expr)


def test_the_warning_speaks_the_text_it_shows_first(speaking_app):
    """Only the warning's first text is spoken (with its count), and it is the one shown."""
    settings = idle_settings(speaking_app, "es")
    warning = app_state(speaking_app).idle.warning
    page = soup(speaking_app.test_client().get(f"/es/{LEAFLET}/{SECTIONS[0]}"))
    shown = page.select_one("#idle-detail").get_text()
    assert shown == settings["countdown"][warning - 1]
    url, lang, words = settings["say"][1]
    assert (lang, words) == ("es", shown)
    assert job_for(speaking_app, url).text == shown
