"""Patients' questions on the staff screen ("Ask staff about this", kiosk/ask_staff/),
live, and the kiosk's name that says where each came from.

The list is an htmx poll every QUESTIONS_POLL_SECONDS (1 s, so a new question shows within
2). Its URL carries the version it shows, and a poll that would change nothing gets 204
(htmx swaps nothing), so a staff member's focus on a Done button is not pulled away every
second; the version also turns every AGES seconds, so "how long ago" stays right. The board
page (/staff/questions) is for a reception PC: see kiosk/staff/access.py for why it stays
open for a working day while the rest of the staff screen does not.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, make_response, redirect, render_template, request, url_for

from . import kiosks
from ..store import StoreError
from ..i18n import KNOWN_LOCALES, direction_of, native_name
from ..staff import access
from ..staff.access import board_only, staff_only
from flask_wtf.csrf import CSRFError

from ..staff.views import form_out_of_date, htmx, staff_context
from ..state import app_state

# The board's own routes, under /staff like the rest of the staff screen (whose session and
# look it shares: staff_context below), registered by init_app, never by an import.
bp = Blueprint("board", __name__, url_prefix="/staff")
bp.context_processor(staff_context)
# A Done from a board whose session ended gets the staff screen's plain notice, not a 400 page.
bp.register_error_handler(CSRFError, form_out_of_date)

AGES = 20  # seconds between refreshes of "how long ago" when nothing else changed
KIOSK = "kiosk"  # the staff screen's section where a kiosk is named (its notices too)


def version() -> str:
    store = app_state().questions
    return f"{store.version()}.{int(store.now() // AGES)}"


def ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    return "over an hour ago"


def rows() -> tuple[list[dict], list[str]]:
    """The open questions as the board shows them, and the labels of the kiosks among them that have no name."""
    store = app_state().questions
    now = store.now()
    shown = []
    for question in store.open():
        locale = KNOWN_LOCALES[question.lang]
        english_name = locale.get_display_name("en")
        native = native_name(locale)
        shown.append({
            "question": question,
            "language": english_name,
            # In its own script with its lang, so the page's font for that script draws it.
            "native": None if native == english_name else native,
            "lang_dir": direction_of(question.lang),
            "dir": direction_of(question.sentence.lang),
            "ago": ago(now - question.asked),
        })
    unnamed = sorted({row["question"].kiosk_label for row in shown if not row["question"].kiosk_name})
    return shown, unnamed


def questions_context() -> dict:
    try:
        (questions, unnamed), error, shown_version = rows(), None, version()
    except StoreError as fault:
        (questions, unnamed), error, shown_version = ([], []), str(fault), "error"
    return {
        "questions": questions,
        "unnamed_kiosks": unnamed,
        "questions_error": error,
        "questions_version": shown_version,
        "poll_seconds": current_app.config["QUESTIONS_POLL_SECONDS"],
    }


def fragment(code: int = 200):
    response = make_response(render_template("staff/partials/questions.html"), code)
    response.vary.add("HX-Request")
    return response


@bp.get("/questions")
def board():
    """The questions board: open questions, live, for a reception PC (needs the PIN to open)."""
    if access.check() is access.Staff.IN:
        access.open_board()
    elif not access.board_valid():
        return redirect(url_for("staff.index"), 303)
    return make_response(render_template("staff/board.html", title="Questions from patients", board=True))


@bp.get("/questions/list")
@board_only
def questions_list():
    """The open questions: a fragment for htmx's poll (204 when nothing changed)."""
    if not htmx:
        return redirect(url_for("board.board"), 303)
    try:
        unchanged = request.args.get("v") == version()
    except StoreError:
        unchanged = False  # the fragment says that the questions cannot be read
    if unchanged:
        return "", 204
    return fragment()


@bp.post("/questions/<handle>/done")
@board_only
def question_done(handle: str):
    """Staff have seen to a question: it leaves every staff screen, and the patient's page says so.
    Named by its unguessable handle: a Done from a page open before a restart clears only its own."""
    app_state().questions.done(handle)
    if htmx:
        return fragment()
    return redirect(request.referrer if request.referrer and "/staff/" in request.referrer else url_for("board.board"), 303)


@bp.post("/kiosk-name")
@staff_only
def name_kiosk():
    """Name the kiosk this browser runs on: a long-lived cookie, sent with its questions."""
    name = kiosks.name(request.form.get("kiosk_name"))
    response = redirect(url_for("staff.index", _anchor=f"{KIOSK}-notice"), 303)
    if name is None:
        flash(f"The name was not saved: use 1 to {kiosks.NAME_LENGTH} letters, digits or spaces.", KIOSK)
        return response
    kiosks.keep(response, request, kiosks.NAME_COOKIE, name)
    if kiosks.id_of(request) is None:
        kiosks.keep(response, request, kiosks.ID_COOKIE, kiosks.new_id())
    flash(f"This kiosk is now called “{name}”.", KIOSK)
    return response


def kiosk_context() -> dict:
    """For every staff page: the staff screen shows the questions and this kiosk's name too."""
    kiosk_id = kiosks.id_of(request)
    return {
        "this_kiosk": kiosks.name_of(request),
        "this_kiosk_label": kiosk_id[:4] if kiosk_id else None,
        **questions_context(),
    }


def init_app(app: Flask) -> None:
    """The board's routes; the board and the staff screen both show the questions and this
    kiosk's name. Per app, not on the blueprints (module globals): each test app would add
    the processor to them again."""
    app.register_blueprint(bp)

    @app.context_processor
    def questions_on_staff_pages() -> dict:
        return kiosk_context() if request.blueprint in ("staff", bp.name) else {}
