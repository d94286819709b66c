"""The clinic's sign-off of a leaflet in the page's language (issue 32): "Reviewed by NAME (role) on
DATE. Next review due DATE.", on its last section and on paper, once every message of it is
approved (kiosk/review); until then the page keeps its "not yet reviewed" marks."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date

from ..content import Leaflet
from ..i18n import current_tag
from ..review.signoff import SignOff
from ..state import app_state


def sign_off(leaflet: Leaflet) -> SignOff | None:
    """The leaflet's sign-off in this page's language, with the clinic's years between reviews."""
    state = app_state()
    return state.reviews.sign_off(leaflet.slug, current_tag(), state.settings.review_years)


def long_date(day: date) -> str:
    """A date in the page's language ("7 de diciembre de 2026")."""
    return format_date(day, "long")


def template_context() -> dict:
    return {"review_sign_off": sign_off, "long_date": long_date}
