"""The patient's pages: start screen, leaflet list, overview, one section."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from . import review_mark, take_home
from .page_table import BY_ENDPOINT, LEAFLETS, OVERVIEW, PRINTABLE, SECTION, START, WORDS, fields_of
from ..content import Leaflet, glossary
from ..i18n import current_tag, localize, pull_locale, push_locale, request_locale
from ..i18n.collation import sort_key
from ..state import app_state

start = Blueprint("start", __name__)
# Their URL rules, and what is one level up, are the page table's (page_table.py).
pages = Blueprint("pages", __name__)
pages.url_value_preprocessor(pull_locale)
pages.url_defaults(push_locale)
# The QR code and provenance helpers, for any leaflet page that shows them.
pages.context_processor(take_home.template_context)
# The clinic's sign-off, on a leaflet's last section and printout.
pages.context_processor(review_mark.template_context)


def render_page(partial: str, title: str, **context) -> str:
    """Render a whole page, whoever asks.

    htmx links that swap only the main content take it from the whole page
    (hx-select), so every page is the source of its own fragment and a
    static copy of the kiosk (kiosk export) behaves as the kiosk does.
    """
    return render_template("page.html", partial=f"partials/{partial}.html", title=title, **context)


def leaflets() -> dict[str, Leaflet]:
    return app_state().leaflets


def find_leaflet(slug: str) -> Leaflet:
    leaflet = leaflets().get(slug)
    if leaflet is None:
        abort(404)
    return leaflet


def has_fallback(messages) -> bool:
    """True when any text would be shown in English on a translated page."""
    lang = current_tag()
    return any(localize(m).lang != lang for m in messages)


@start.get(START.rule)
def choose_language():
    """Start screen: the patient or staff choose the language."""
    return render_page("start", title=_("Choose your language"))


def in_title_order(items) -> list[Leaflet]:
    """Leaflets in alphabetical order of their titles as this page shows them (translated, or
    English where a leaflet's catalog lacks the language): one order a patient can scan, in
    any language, however many a clinic adds. The folder's file-name order is the English
    slugs', which on a Spanish page would look random."""
    items = list(items)
    if len(items) < 2:
        return items  # one leaflet: nothing to order, and no collation table to read
    return sorted(items, key=lambda item: sort_key(localize(item.title).text))


@pages.get(LEAFLETS.rule)
def leaflet_list():
    """The leaflets available in this language."""
    return render_page(
        "leaflet_list",
        title=_("Patient leaflets"),
        leaflets=in_title_order(leaflets().values()),
        # A clinic's leaflet not translated yet is listed by its English title.
        fallback=has_fallback([item.title for item in leaflets().values()]),
    )


@pages.get(OVERVIEW.rule)
def overview(leaflet):
    """One leaflet: its title and a large button for each section."""
    item = find_leaflet(leaflet)
    return render_page(
        "overview",
        title=localize(item.title).text,
        leaflet=item,
        fallback=has_fallback([item.title] + [s.heading for s in item.sections]),
    )


@pages.get(SECTION.rule)
def section(leaflet, section):
    """One section of a leaflet, with previous and next."""
    item = find_leaflet(leaflet)
    part = item.section(section)
    if part is None:
        abort(404)
    before, after = item.neighbours(part)
    return render_page(
        "section",
        title=f"{localize(part.heading).text} – {localize(item.title).text}",
        leaflet=item,
        section=part,
        number=item.sections.index(part) + 1,
        before=before,
        after=after,
        fallback=has_fallback(part.messages()),
    )


@pages.get(WORDS.rule)
def words(leaflet):
    """The leaflet's hard words and their plain meanings (the kiosk's help)."""
    item = find_leaflet(leaflet)
    if not item.terms:
        abort(404)
    return render_page(
        "words",
        title=" – ".join((_("Words explained"), localize(item.title).text)),
        leaflet=item,
        headword=glossary.headword,
        fallback=has_fallback([t.definition for t in item.terms]),
    )


def up_url() -> str | None:
    """One level up from this page (the kiosk's own Back): section, printable
    version or words page -> contents -> leaflets -> start. The browser's Back is no use on a kiosk, whose
    history is replaced at every step so that the next patient finds nothing."""
    if g.get("error_page"):
        return url_for("pages.leaflet_list") if request_locale() else url_for("start.choose_language")
    kind = BY_ENDPOINT.get(request.endpoint)
    if kind is None or kind.up is None:
        return None
    up = BY_ENDPOINT[kind.up]
    # The page up takes the values its rule names from this page's (push_locale adds the language).
    args = request.view_args or {}
    return url_for(up.endpoint, **{name: args[name] for name in fields_of(up) if name in args})


@pages.get(PRINTABLE.rule)
def printable(leaflet):
    """The whole leaflet on one page, for staff to print."""
    item = find_leaflet(leaflet)
    # A kiosk page like the others on the screen (guide, Back, Display, idle
    # reset); print.css leaves only the leaflet on paper.
    return render_page(
        "printable",
        # Not _() inside the f-string: Babel finds it there on Python 3.12+ only (PEP 701).
        title=" – ".join((localize(item.title).text, _("Printable version"))),
        leaflet=item,
        fallback=has_fallback(item.messages()),
        print_view=True,
    )


def init_app(app) -> None:
    app.context_processor(lambda: {"up_url": up_url()})
    app.register_blueprint(start)
    app.register_blueprint(pages)
