"""The teach-back's one route: the patient's page says how its question went, and a count
goes up. The question is checked in the page (static/understand.js), so only the page knows
the outcome; it sends it once, and nothing else: not the answer chosen, not a time, not who.

Every value is checked against what the kiosk serves (a known language, leaflet, section with
a question, outcome), and anything else is a 4xx, so a forged request can add no row the
kiosk's own pages could not; kiosk/counts/tally.py caps each count a day. As "Ask staff about
this" (kiosk/ask_staff/views.py), patient pages have no session for a CSRF token: only a
same-origin request is taken.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request

from ..ask_staff.views import enabled, same_origin
from ..i18n import current_tag, pull_locale, push_locale
from ..patient.views import find_leaflet
from ..state import app_state
from ..store import StoreError
from .tally import TEACH_BACK

bp = Blueprint("counts", __name__, url_prefix="/<lang>/<leaflet>/<section>/understood")
bp.url_value_preprocessor(pull_locale)
bp.url_defaults(push_locale)

OUTCOMES = {event.value: event for event in TEACH_BACK}
NO_STORE = {"Cache-Control": "no-store"}


@bp.post("")
def teach_back(leaflet, section):
    """Count how the section's teach-back question went: form field `outcome`, one of OUTCOMES."""
    # Where ask staff is off (a static export) no server hears either: the same switch.
    if not enabled():
        abort(404)
    if not same_origin():
        abort(403)
    item = find_leaflet(leaflet)
    part = item.section(section)
    if part is None or part.teach_back is None:
        abort(404)
    event = OUTCOMES.get(request.form.get("outcome", ""))
    if event is None:
        return f"outcome must be one of: {', '.join(OUTCOMES)}\n", 400, {**NO_STORE, "Content-Type": "text/plain"}
    try:
        app_state().tally.add(item.slug, part.slug, current_tag(), event)
    except StoreError as error:
        # The patient is told nothing either way: a count lost is no harm to them.
        current_app.logger.error("A teach-back count could not be kept: %s", error)
        return "", 503, NO_STORE
    return "", 204, NO_STORE

