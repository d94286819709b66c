"""The patient's side of "Ask staff about this": ask about a sentence, cancel, and learn what
became of the question. Each answer is a small fragment that htmx puts beside the sentence
(static/ask.js), in the page's language, and is also said.

What the patient is told is always true. "A member of staff has been told" only once the
question is in the instance store, on disk; every refusal (a limit, a store that cannot be
written, a stale page) says "Staff have not been told", with where to go instead. While a
question is open, the patient's page asks every POLL_SECONDS what became of it and says so:
staff saw to it, or it closed unanswered.

Who may ask. Patient pages have no session (nothing per patient on the server), so the
app-wide CSRFProtect, which keeps its token in the session, cannot guard these routes;
instead they take only a same-origin request: Sec-Fetch-Site "same-origin" when the browser
sends it, else an Origin equal to the kiosk's own. Nothing is logged: not the sentence, not
the address.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from ..counts.tally import Event
from ..i18n import current_tag, pull_locale, push_locale
from ..store import StoreError
from ..patient.views import find_leaflet
from ..web.errors import MESSAGES, N_, OTHER
from . import kiosks
from .questions import Refused, State
from .sentences import resolve
from ..state import app_state

POLL_SECONDS = 3  # how often a waiting patient's page asks what became of the question
_TOKEN = re.compile(r"[A-Za-z0-9_-]{10,64}")

TOLD = N_("A member of staff has been told. Please wait here; they will come to you.")
NOT_TOLD = N_("Please ask at the reception desk. Staff have not been told.")
SEEN = N_("A member of staff has seen your question.")
CANCELLED = N_("Your question is cancelled.")
CLOSED = N_("Your question has been closed. If you still need help, please ask at the reception desk.")

bp = Blueprint("ask_staff", __name__, url_prefix="/<lang>/<leaflet>/<section>/ask")
bp.url_value_preprocessor(pull_locale)
bp.url_defaults(push_locale)


def enabled() -> bool:
    """Off in a static export (kiosk/jobs/export.py), where no server would hear the question."""
    return bool(current_app.config["ASK_STAFF"])


def same_origin() -> bool:
    """A request this kiosk's own page sent: never one another site (or a bare script) starts."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    if not origin:
        return False
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}".lower() == f"{request.scheme}://{request.host}".lower()


def address() -> str:
    """The client's address as the per-address limit counts it: keyed, so the store never
    holds an address itself."""
    key = current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    return hmac.new(key, (request.remote_addr or "").encode(), hashlib.sha256).hexdigest()[:24]


def guarded(leaflet: str, section: str) -> tuple:
    """The leaflet and section of a request, after the checks every route here makes."""
    if not enabled():
        abort(404)
    if not same_origin():
        abort(403)
    item = find_leaflet(leaflet)
    part = item.section(section)
    if part is None:
        abort(404)
    return item, part


def answer(code: int, *, question=None, state: State | None = None, messages=(), box: bool = False):
    """The fragment beside the sentence: told (with Cancel, and the poll), or one or two
    plain sentences. `box` wraps it in the status box that ask.js keeps beside the sentence."""
    body = render_template(
        "partials/ask_status.html", question=question, state=state, messages=messages, box=box,
        poll_seconds=POLL_SECONDS,
    )
    return make_response(body, code, {"Cache-Control": "no-store"})


@bp.post("")
def ask(leaflet, section):
    """Ask staff about one sentence of this section (the same question again for a double tap)."""
    item, part = guarded(leaflet, section)
    ref = request.form.get("sentence", "")
    found = resolve(part, ref)
    if found is None:
        return answer(404, messages=(MESSAGES[404][1], NOT_TOLD))
    sentence, english, whole = found
    kiosk_id = kiosks.id_of(request) or kiosks.new_id()
    try:
        question = app_state().questions.ask(
            kiosk_id=kiosk_id, kiosk_name=kiosks.name_of(request), address=address(),
            page=f"{current_tag()}/{item.slug}/{part.slug}/{ref}", lang=current_tag(),
            leaflet=item.title, section=part.heading, sentence=sentence, english=english, english_is_paragraph=whole,
            # Counted with the question, by slugs and the sentence's ref: no kiosk, no time of day.
            on_new=lambda db: app_state().tally.add_beside(db, item.slug, part.slug, current_tag(), Event.ASKED, ref),
        )
    except Refused:
        return answer(429, messages=(NOT_TOLD,))
    except StoreError as error:
        current_app.logger.error("A question could not be kept: %s", error)
        return answer(503, messages=(NOT_TOLD,))
    response = answer(200, question=question, state=State.OPEN, box=True)
    if kiosks.id_of(request) is None:
        kiosks.keep(response, request, kiosks.ID_COOKIE, kiosk_id)
    return response


@bp.get("")
def after_ask(leaflet, section):
    """An address left by an older page after asking: the section itself, so a reload works."""
    return redirect(url_for("pages.section", leaflet=leaflet, section=section), 303)


@bp.post("/cancel")
def cancel(leaflet, section):
    """The patient no longer needs help: the question leaves the staff screen."""
    guarded(leaflet, section)
    token = request.form.get("question", "")
    if not _TOKEN.fullmatch(token):
        return answer(400, messages=(OTHER[1],))
    try:
        ended = app_state().questions.cancel(token)
    except StoreError:
        return answer(503, messages=(N_("Please try again in a moment."),))
    if not ended:
        # Ended already (staff saw to it, it expired): say which, rather than "cancelled".
        return status_answer(token)
    return answer(200, state=State.CANCELLED, messages=(CANCELLED,))


@bp.get("/<token>")
def status(leaflet, section, token):
    """What became of the patient's question: 204 while it is open, else what to say."""
    guarded(leaflet, section)
    if not _TOKEN.fullmatch(token):
        abort(404)
    return status_answer(token)


def status_answer(token: str):
    try:
        state = app_state().questions.state(token)
    except StoreError:
        return "", 204  # unknown for now: the patient was told, and staff still see it
    if state is State.OPEN:
        return "", 204, {"Cache-Control": "no-store"}
    if state is State.DONE:
        return answer(200, state=state, messages=(SEEN,))
    if state is State.CANCELLED:
        return answer(200, state=state, messages=(CANCELLED,))
    return answer(200, state=State.EXPIRED, messages=(CLOSED,))
