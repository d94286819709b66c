"""Languages: the shipped locales, the locale of a request, and translation
of content one paragraph at a time with an honest fallback to English."""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache

from babel import Locale, support
from flask import Flask, abort, current_app, g, has_app_context, request, url_for
from flask_babel import Babel, Domain, force_locale, format_percent, get_babel, get_locale, get_translations

from ..state import app_state

# The one list of shipped languages, in the order the chooser shows them:
# English first, then the languages most often needed by patients with
# limited English in US clinics (the order of the CMS top-15 list, roughly by
# number of speakers). Keys are the BCP 47 tags used in URLs and `lang`
# attributes; a test checks that this equals the catalogs in translations/.
KNOWN_LOCALES: dict[str, Locale] = {
    "en": Locale("en"),  # English (the source language)
    "es": Locale("es"),  # Spanish (Latin American)
    "zh-Hans": Locale.parse("zh_Hans"),  # Chinese, Simplified (Mandarin)
    "ar": Locale("ar"),  # Arabic
    "vi": Locale("vi"),  # Vietnamese
    "fil": Locale("fil"),  # Filipino (Tagalog)
    "ko": Locale("ko"),  # Korean
    "ru": Locale("ru"),  # Russian
    "ht": Locale("ht"),  # Haitian Creole
    "pt-BR": Locale.parse("pt_BR"),  # Portuguese (Brazil)
    "fr": Locale("fr"),  # French
    "pl": Locale("pl"),  # Polish
    "hi": Locale("hi"),  # Hindi
    "ur": Locale("ur"),  # Urdu
}
SOURCE_LOCALE = "en"


def tag_of(locale: Locale) -> str:
    """The BCP 47 tag of a Babel locale: zh_Hans -> zh-Hans."""
    return str(locale).replace("_", "-")


@dataclass(frozen=True)
class Text:
    """A text to show and speak, with the language it is really in."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def compiled_messages(translations) -> dict:
    """The compiled catalog behind `translations`, read in this one place.

    gettext keeps it in the private `_catalog`, the only way to tell "translated" from "fell
    back" (gettext() returns the msgid for both; pybabel compile leaves fuzzy and empty
    entries out of the .mo, so membership means a current translation). No .mo at all
    (NullTranslations) is an empty catalog. But a compiled one without `_catalog` means
    Python or Babel changed how it keeps it, and reading {} would quietly turn every page
    into "English, marked as fallback": that fails here, loudly, instead."""
    if not isinstance(translations, gettext.GNUTranslations):
        return {}
    try:
        return translations._catalog
    except AttributeError as error:
        raise RuntimeError(
            f"{type(translations).__name__} has no _catalog: gettext or Babel changed how a compiled "
            "catalog is kept; kiosk/i18n/__init__.py (compiled_messages) must read it the new way"
        ) from error


def load_translations(directories, locale, domains) -> support.Translations:
    """One language's compiled catalogs of `domains`, from every folder, as one: what a page
    looks its texts up in (and what the fonts are cut to). A domain's later catalog wins for
    a text two of them have; the interface comes last (`catalog_domains`), so a leaflet's
    catalog never changes the kiosk's own buttons."""
    merged = support.Translations()
    for directory in directories:
        for domain in domains:
            catalog = support.Translations.load(directory, [locale], domain)
            merged.merge(catalog)
            # merge() copies the messages only. The plural rule comes from a catalog that was
            # really loaded: a missing .mo is a NullTranslations with English's rule, which
            # would turn Arabic's six forms into two.
            if isinstance(catalog, support.Translations):
                merged.plural = catalog.plural
    return merged


def catalog_domains(app: Flask) -> list[str]:
    """The gettext domains a page of `app` shows: each served leaflet's, then the interface's."""
    from .catalogs import INTERFACE, leaflet_domain

    return [*(leaflet_domain(slug) for slug in app_state(app).leaflets), INTERFACE]


class CatalogDomains(Domain):
    """Flask-Babel's domain for the whole kiosk: the interface's catalog (`messages`) and each
    served leaflet's (`leaflet-<slug>`), merged per language and kept for the app's life,
    as Flask-Babel keeps its one domain. So `gettext`, `_()` and `localize` find a leaflet's
    texts wherever they are asked for, with no leaflet to name."""

    def __init__(self, domains: list[str]) -> None:
        super().__init__(domain=";".join(domains))
        self.domains = tuple(domains)

    def get_translations(self):
        if not has_app_context():
            return support.NullTranslations()
        locale = get_locale()
        if str(locale) not in self.cache:
            self.cache[str(locale)] = load_translations(self.translation_directories, locale, self.domains)
        state = app_state()
        if state.settings.show_only_reviewed:
            # Here, where every text of a page is looked up (localize, gettext, the guide's
            # phrases), so a translation not approved falls back to English everywhere alike.
            return state.reviews.only_reviewed(self.cache[str(locale)], tag_of(locale))
        return self.cache[str(locale)]


def localize(message: str, context: str | None = None) -> Text:
    """Translate one content message for the current request (in a catalog
    context, msgctxt, when given).

    A message missing from the compiled catalog (untranslated, or fuzzy
    because its English source changed) falls back to English, and says so:
    the template marks it lang="en" so screen readers and the speech layer
    switch language with it, and the page tells the patient.
    """
    lang = current_tag()
    if lang == SOURCE_LOCALE:
        return Text(message, lang)
    # A message in a context is kept under "context\x04msgid", as GNU gettext does.
    key = message if context is None else f"{context}\x04{message}"
    translated = compiled_messages(get_translations()).get(key)
    if translated:
        return Text(translated, lang)
    return Text(message, SOURCE_LOCALE)


def localize_plural(singular: str, plural: str, n: int) -> Text:
    """Like `localize`, for a message with plural forms (ngettext): the form the
    request's language needs for `n` (Arabic has six, Russian and Polish three),
    chosen by its catalog's Plural-Forms rule; else English, and says so."""
    english = singular if n == 1 else plural
    lang = current_tag()
    if lang == SOURCE_LOCALE:
        return Text(english, lang)
    translations = get_translations()
    # A compiled plural message is kept under (singular, form index).
    choose = getattr(translations, "plural", None)
    translated = choose and compiled_messages(translations).get((singular, choose(n)))
    if translated:
        return Text(translated, lang)
    return Text(english, SOURCE_LOCALE)


def interface_incomplete() -> bool:
    """Whether any interface (non-leaflet) message lacks a current translation
    in this request's language. Interface strings appear in attributes and
    labels where a lang mark cannot go, so the page's notice covers them."""
    lang = current_tag()
    if lang == SOURCE_LOCALE:
        return False
    state = app_state()
    cache = state.interface_incomplete
    # "Show only reviewed translations" and each verdict change what is translated.
    key = (lang, state.settings.show_only_reviewed, state.reviews.revision)
    if key not in cache:
        catalog = compiled_messages(get_translations())
        cache[key] = any(msgid not in catalog for msgid in interface_messages())
    return cache[key]


@cache
def interface_messages() -> tuple[str | tuple[str, int], ...]:
    """The msgids of the templates and code (the interface's domain; each leaflet has its
    own), from its POT (read once: it changes only with a new release)."""
    from .checks import load_catalog
    from .catalogs import POT

    # A plural message is in a compiled catalog under (singular, form index).
    return tuple(
        message.id if isinstance(message.id, str) else (message.id[0], 0)
        for message in load_catalog(POT)
        if message.id
    )


def in_every_language(message: str) -> list[Text]:
    """`message` in every other shipped language that has it translated, in
    the chooser's order ("Choose your language" in each, on the start screen)."""
    here = current_tag()
    texts = []
    for tag in KNOWN_LOCALES:
        if tag != here:
            with force_locale(str(KNOWN_LOCALES[tag])):
                text = localize(message)
            if text.lang == tag:
                texts.append(text)
    return texts


def native_name(locale: Locale) -> str:
    """The language's name in itself, capitalised as a label: "Español"."""
    name = locale.display_name or tag_of(locale)
    return name[:1].upper() + name[1:]


def direction_of(tag: str) -> str:
    """"rtl" or "ltr" for a shipped language tag."""
    return KNOWN_LOCALES[tag].text_direction


def url_in_language(tag: str) -> str:
    """This page in another language, so a switch keeps the patient's place.

    From an error page, the leaflet list instead: the same wrong address in
    another language would only be the same error.
    """
    if g.get("error_page"):
        return url_for("pages.leaflet_list", lang=tag)
    if request.blueprint == "pages" and request.endpoint and request.view_args is not None:
        return url_for(request.endpoint, **{**request.view_args, "lang": tag})
    return url_for("pages.leaflet_list", lang=tag)


def current_tag() -> str:
    """The BCP 47 tag of the current request's language."""
    return tag_of(get_locale())


def request_locale() -> Locale | None:
    """The language the patient chose for this request, if any.

    Normally set from the URL prefix by `pull_locale`. A URL that matches no
    route (/ar/no/such/page) never reaches it, so look at its first segment
    too: the 404 page should still be in the patient's language.
    """
    if g.get("locale") is None:
        first = request.path.strip("/").split("/", 1)[0]
        if first in KNOWN_LOCALES:
            g.locale = KNOWN_LOCALES[first]
    return g.get("locale")


def default_tag() -> str:
    """The language of a page with none in its URL (the start screen, a 404
    at /no/such/page): English until staff choose another (kiosk/staff/settings.py)."""
    return app_state().default_language


def _select_locale() -> str:
    return str(request_locale() or KNOWN_LOCALES[default_tag()])


def use_catalogs(app: Flask) -> None:
    """Look texts up in the catalogs of the leaflets served now, read from disk anew: at start-up,
    and when staff reload the content (kiosk/jobs/reload_content.py). What was worked out from
    the old catalogs (each language's completeness and provenance) is worked out again."""
    get_babel(app).instance.domain_instance = CatalogDomains(catalog_domains(app))
    state = app_state(app)
    state.provenance = {}
    # Emptied in place: the reviews clear this very dict after each verdict (kiosk/review).
    state.interface_incomplete.clear()


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the locale taken from the URL prefix, and the catalogs of
    the interface and of every leaflet (after the leaflets are loaded)."""
    babel = Babel(app, locale_selector=_select_locale)
    # Flask-Babel 4's own way to several domains (BABEL_DOMAIN "a;b" paired with as many
    # BABEL_TRANSLATION_DIRECTORIES) needs one folder per domain; every catalog here is in
    # the same folders. Its get_domain() returns the Babel object's `domain_instance` (a
    # cached property, so it can be set) for every request and app context: set here,
    # once; tests/test_views.py fails (every shipped page owns up to English) without it.
    use_catalogs(app)

    @app.context_processor
    def language_context():
        chosen = request_locale() is not None
        return {
            "known_locales": KNOWN_LOCALES,
            "current_lang": current_tag(),
            "current_locale_chosen": chosen,
            "text_direction": get_locale().text_direction,
            "direction_of": direction_of,
            "native_name": native_name,
            "in_every_language": in_every_language,
            "format_percent": format_percent,
            "localize": localize,
            "interface_incomplete": interface_incomplete,
            "url_in_language": url_in_language,
            "home_url": url_for("pages.leaflet_list") if chosen else url_for("start.choose_language"),
        }


def pull_locale(endpoint, values) -> None:
    """URL value preprocessor for locale-prefixed blueprints: /<lang>/…"""
    tag = (values or {}).pop("lang", None)
    if tag not in KNOWN_LOCALES:
        abort(404)
    g.locale = KNOWN_LOCALES[tag]


def push_locale(endpoint, values) -> None:
    """URL defaults: links on a page stay in the page's language."""
    if "lang" not in values and request_locale() is not None:
        values["lang"] = tag_of(g.locale)
