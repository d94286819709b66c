"""The patient's pages: start screen, leaflet list, overview, one section."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, render_template
from flask_babel import gettext as _
from flask_htmx import HTMX

from .content import Leaflet
from .i18n import current_tag, localize, pull_locale, push_locale

htmx = HTMX()
start = Blueprint("start", __name__)
pages = Blueprint("pages", __name__, url_prefix="/<lang>")
pages.url_value_preprocessor(pull_locale)
pages.url_defaults(push_locale)

# htmx swaps only <main id="main"> when moving between pages of a leaflet.
FRAGMENT_TARGET = "main"


def render_page(partial: str, title: str, **context):
    """Render a full page, or just its main content for an htmx swap.

    Only requests aimed at #main get the fragment. Boosted links and history
    restores also carry HX-Request but expect a whole page, so branch on
    HX-Target and tell caches so with Vary.
    """
    template = "page.html"
    if htmx.target == FRAGMENT_TARGET and not htmx.history_restore_request:
        template = "fragment.html"
    body = render_template(template, partial=f"partials/{partial}.html", title=title, **context)
    response = make_response(body)
    response.vary.update(("HX-Target", "HX-History-Restore-Request"))
    return response


def leaflets() -> dict[str, Leaflet]:
    return current_app.extensions["leaflets"]


def find_leaflet(slug: str) -> Leaflet:
    leaflet = leaflets().get(slug)
    if leaflet is None:
        abort(404)
    return leaflet


def has_fallback(messages) -> bool:
    """True when any text would be shown in English on a translated page."""
    lang = current_tag()
    return any(localize(m).lang != lang for m in messages)


@start.get("/")
def choose_language():
    """Start screen: the patient or staff choose the language."""
    return render_page("start", title=_("Choose your language"))


@pages.get("/")
def leaflet_list():
    """The leaflets available in this language."""
    return render_page(
        "leaflet_list",
        title=_("Patient leaflets"),
        leaflets=leaflets().values(),
    )


@pages.get("/<leaflet>/")
def overview(leaflet):
    """One leaflet: its title and a large button for each section."""
    item = find_leaflet(leaflet)
    return render_page(
        "overview",
        title=localize(item.title).text,
        leaflet=item,
        fallback=has_fallback([item.title] + [s.heading for s in item.sections]),
    )


@pages.get("/<leaflet>/<section>")
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


def init_app(app) -> None:
    htmx.init_app(app)
    app.register_blueprint(start)
    app.register_blueprint(pages)
