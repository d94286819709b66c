"""The staff screen: /staff, behind the PIN. In English, the clinic's
working language: none of it is in the patients' catalogs."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import date

from flask import (
    Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, session, url_for,
)
from flask_htmx import HTMX
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFError
from limits import parse

from .. import status
from ..patient import idle
from ..content.readability import readability
from ..i18n import KNOWN_LOCALES, direction_of, native_name
from ..i18n.catalogs import SHIPPED_LEAFLETS
from ..i18n.provenance import provenance_of
from ..jobs.crawl import ensure_registered
from ..jobs.reload_content import reload_content as reload_content_of
from ..speech.scheduler import ClipCount
from . import access, pin, settings, voice_rows
from .access import Staff, staff_only
from ..store import StoreError
from .bilingual import side_by_side
from ..state import app_state

log = logging.getLogger(__name__)

bp = Blueprint("staff", __name__, url_prefix="/staff")

# htmx's request headers (no template needs its context processor).
htmx = HTMX()
# Wrong PINs per client (remote address), counted over a moving minute. A right PIN is
# not counted: staff who log in and out a few times must never lock themselves out.
PIN_ATTEMPTS = parse("5 per minute")
PIN_SCOPE = "staff-pin"
# One PIN check at a time in this process, so that "is this client under the limit?", the
# check and the count of a wrong PIN are one step. Flask-Limiter's own way to count only
# some answers (deduct_when) tests before the view and counts after it: a burst of guesses
# sent at once would all pass the test before the first was counted. A check takes some
# 50 ms (pin.py), so staff never notice the wait.
one_pin_check = threading.Lock()
# Where a flashed notice is shown: at the top of the page, or in the section
# whose form was sent (see templates/staff/notices.html). A notice is shown
# where staff are looking, and takes the focus.
TOP, SETTINGS, AUDIO, CONTENT = access.TOP, "settings", "audio", "content"
# How the audio's progress bar names a run, on each page that shows it (partials/progress.html).
PROGRESS_WORDS = {
    "audio": {"running": "Rendering missing audio", "last": "Last rendering of missing audio",
              "done": "Finished: every missing clip was rendered."},
    "pronunciation": {"running": "Making the changed audio", "last": "Changed audio last made",
                      "done": "Finished: patients hear the new audio."},
}


@bp.context_processor
def staff_context():
    return {"signed_in": access.signed_in(), "min_digits": pin.MIN_DIGITS,
            "staff_idle_seconds": access.IDLE_LIMIT, "progress_words": PROGRESS_WORDS}


def render_page(template: str, code: int = 200, **context):
    return make_response(render_template(f"staff/{template}.html", **context), code)


def pin_state() -> tuple[str | None, bool]:
    """The stored PIN line (None if there is none to check against) and
    whether a file was there but unusable."""
    try:
        return pin.load(current_app.instance_path), False
    except pin.PinFileError as error:
        log.error("staff PIN unusable, so the staff screen stays locked: %s", error)
        return None, True


@bp.get("/")
def index():
    """The staff screen, or the PIN form, or how to set a PIN."""
    stored, unusable = pin_state()
    if stored is None:
        if session:
            access.end()  # the PIN was removed: so is every way in
        return render_page("no_pin", title="Set a staff PIN", unusable=unusable)
    state = access.check()
    if state is not Staff.IN:
        return render_page("login", title="Staff PIN", expired=state is Staff.EXPIRED)
    return screen()


def review_due(app) -> list[dict]:
    """The leaflets × languages whose next review is due within 30 days, or overdue (issue 32)."""
    today = date.today()
    return [{"leaflet": app_state(app).leaflets[slug], "language": KNOWN_LOCALES[tag].get_display_name("en"),
             "tag": tag, "due": done.next_due, "overdue": done.next_due < today}
            for slug, tag, done in app_state(app).reviews.due(today, app_state(app).settings.review_years)]


def screen(code: int = 200, errors: dict[str, str] | None = None, chosen: dict[str, str] | None = None):
    """The staff screen itself; after a bad form, with its errors and what was chosen."""
    app = current_app._get_current_object()
    speech = app_state(app).speech
    # After Reload content the background render crawls every page again (two minutes with 40
    # leaflets on a 2-core kiosk): the screen answers at once, and says the clips are being
    # counted, rather than keep staff waiting for the page they pressed the button on.
    counting = (speech.enabled and not app_state(app).crawl.done.is_set()
                and app_state(app).background_render.progress.running)
    if speech.enabled and not counting:
        # Every clip of every page must be known before they can be counted
        # (slow the first time: it renders every page once).
        ensure_registered(app)
    counts = speech.counts()
    languages = []
    for row in status.language_status():
        locale = KNOWN_LOCALES[row["tag"]]
        languages.append({
            **row,
            "native": native_name(locale),
            "language": locale.get_language_name("en"),  # its voice's: "Spanish voice"
            "dir": direction_of(row["tag"]),
            "clips": counts.get(row["tag"], ClipCount(0, 0)),
        })
    current = app_state(app).settings
    # A clinic's own leaflet may be served untranslated (in English, marked so): staff see how
    # far each language has come. The shipped ones are complete (the tests hold them to it).
    clinic_leaflets = []
    for leaflet in app_state(app).leaflets.values():
        if leaflet.slug not in SHIPPED_LEAFLETS:
            rows = [(row, provenance_of(row["tag"], leaflet.slug)) for row in languages if not row.get("source")]
            # No template yet (not extracted): said once for the leaflet, not in each language.
            clinic_leaflets.append((leaflet, rows if any(done.total for _, done in rows) else None))
    return render_page(
        "screen", code,
        title="Staff screen",
        problems=status.problems(app),
        languages=languages,
        leaflets=app_state(app).leaflets.values(),
        leaflets_dir=app.config["LEAFLETS_DIR"],
        clinic_leaflets=clinic_leaflets,
        readability=readability(app),
        understanding=understanding(app),
        speech=speech.status(),
        progress=app_state(app).background_render.progress,
        counting=counting,
        idle=app_state(app).idle,
        idle_choices=settings.idle_choices(app),
        review_years_choices=settings.REVIEW_YEARS_CHOICES,
        reviews_due=review_due(app),
        configured_idle=idle.from_config(app.config).seconds,
        chosen={
            "default_language": current.default_language,
            "idle_seconds": str(app_state(app).idle.seconds),
            "show_only_reviewed": current.show_only_reviewed,
            "review_years": str(current.review_years),
            **(chosen or {}),
        },
        errors=errors or {},
        known_locales=KNOWN_LOCALES,
        **voice_rows.context(app),
        lexicon_sizes={tag: len(speech.lexicons[tag].entries) for tag in KNOWN_LOCALES},
    )


def understanding(app) -> dict:
    """What patients did not understand, for its section of the screen (kiosk/counts/)."""
    # Imported here: the summary names sentences through ask staff's package, which imports
    # this package (staff's CSRF) as it loads.
    from ..counts.summary import CHANGED, in_english, summaries

    tally = app_state(app).tally
    try:
        return {"sections": summaries(tally, app_state(app).leaflets.values()), "since": tally.first_day(),
                "changed": CHANGED, "in_english": in_english}
    except StoreError as error:
        return {"error": str(error)}


@bp.post("/login")
def login():
    """Check the PIN (5 wrong tries a minute per client) and start a staff session."""
    stored, _ = pin_state()
    if stored is None:
        return redirect(url_for("staff.index"), 303)
    # Flask-Limiter's storage only: the limit is applied here, not by a decorator.
    tries = app_state().staff_limiter.limiter
    client = get_remote_address()
    entered = request.form.get("pin", "")
    with one_pin_check:
        if not tries.test(PIN_ATTEMPTS, PIN_SCOPE, client):
            return too_many_attempts(tries.get_window_stats(PIN_ATTEMPTS, PIN_SCOPE, client).reset_time)
        if pin.verify(entered, stored):
            access.start()
            return redirect(url_for("staff.index"), 303)
        tries.hit(PIN_ATTEMPTS, PIN_SCOPE, client)
    # The address only: never what was typed, which may be a near miss.
    log.warning("staff PIN rejected for %s", request.remote_addr)
    if not pin.well_formed(entered):
        return render_page("login", 400, title="Staff PIN", error=f"The PIN is {pin.MIN_DIGITS} or more digits (0–9). Try again.")
    return render_page("login", 403, title="Staff PIN", error="That PIN is not right. Try again.")


def too_many_attempts(reset_at: float):
    """A try after 5 wrong PINs within a minute: the form again, saying when to retry."""
    log.warning("staff PIN attempts over the limit for %s", request.remote_addr)
    wait = max(1, int(reset_at - time.time()) + 1)
    response = render_page(
        "login", 429, title="Staff PIN",
        error=f"Too many tries. Wait {wait} seconds, then try again.",
    )
    response.headers["Retry-After"] = str(wait)
    return response


@bp.post("/logout")
def logout():
    """End the staff session (exempt from the CSRF check: see init_app)."""
    access.end()
    return redirect(url_for("staff.index"), 303)


@bp.errorhandler(CSRFError)
def form_out_of_date(error: CSRFError):
    """A staff form whose CSRF token does not fit: nearly always a page left
    open while its session ended (in another tab, at a patient page, after the
    idle limit). Nothing is done, and staff get the PIN form or the staff
    screen again with a plain notice, not the patients' "Something went wrong"."""
    # The reason only (e.g. "The CSRF session token is missing."), never the form.
    log.warning("staff form %s refused: %s", request.endpoint, error.description)
    if access.check(refresh=False) is Staff.IN:
        # A form from an earlier session (staff logged in again since), or a forged one.
        flash("That page was out of date, so nothing was changed. Please try again.", TOP)
    elif request.endpoint == "staff.login":
        # Not checked without a token: the PIN is typed again into a fresh form.
        flash("That PIN form was out of date. Enter the PIN again.", TOP)
    else:
        flash(access.FORM_AFTER_END, TOP)
    return redirect(url_for("staff.index"), 303)


@bp.post("/settings")
@staff_only
def save_settings():
    """Save the default language and idle time; they apply from the next page on."""
    app = current_app._get_current_object()
    try:
        new = settings.from_form(request.form, app)
    except settings.SettingsError as error:
        chosen = {name: request.form.get(name, "") for name in ("default_language", "idle_seconds", "review_years")}
        chosen["show_only_reviewed"] = request.form.get("show_only_reviewed") == "on"
        return screen(400, errors={error.field: str(error)}, chosen=chosen)
    # The voices have a form of their own (voices.py): this one keeps them as they are.
    new = replace(new, voices=app_state(app).settings.voices)
    settings.save(app, new)
    settings.apply(app, new)
    flash("Settings saved.", SETTINGS)
    # To the notice itself, in the Settings section, not to the page's top.
    return redirect(url_for("staff.index", _anchor=f"{SETTINGS}-notice"), 303)


@bp.post("/render")
@staff_only
def start_render():
    """Render the missing audio in the background."""
    if not app_state().background_render.start():
        flash("Audio is being rendered already.", AUDIO)
        return redirect(url_for("staff.index", _anchor=f"{AUDIO}-notice"), 303)
    return redirect(url_for("staff.index", _anchor="audio"), 303)


@bp.post("/reload-content")
@staff_only
def reload_content():
    """Read the leaflets and catalogs again from disk; pages and audio are rendered again in the background."""
    done = reload_content_of(current_app._get_current_object())
    if done.refused:
        flash(f"Nothing was changed: no leaflet file can be served ({done.refused}). "
              "Patients still see the leaflets they saw.", CONTENT)
        return redirect(url_for("staff.index", _anchor=f"{CONTENT}-notice"), 303)
    changes = [f"{len(done.served)} leaflet{'s' if len(done.served) != 1 else ''} served"]
    if done.added:
        changes.append("new: " + ", ".join(done.added))
    if done.removed:
        changes.append("no longer served: " + ", ".join(done.removed))
    if done.left_out:
        changes.append(f"{len(done.left_out)} file{'s' if len(done.left_out) != 1 else ''} left out "
                       "(see Needs attention)")
    flash(f"Content reloaded: {'; '.join(changes)}. Pages and audio are being made again below.", CONTENT)
    return redirect(url_for("staff.index", _anchor=f"{CONTENT}-notice"), 303)


@bp.get("/render")
@staff_only(refresh=False)
def render_progress():
    """The progress of the audio rendering: a fragment for htmx's poll."""
    if not htmx:
        return redirect(url_for("staff.index", _anchor="audio"), 303)
    words = request.args.get("words")
    response = render_page("partials/progress", progress=app_state().background_render.progress, poll=True,
                      progress_for=words if words in PROGRESS_WORDS else None)
    response.vary.add("HX-Request")
    return response


@bp.get("/<lang>/<leaflet>/")
@staff_only
def bilingual(lang: str, leaflet: str):
    """A leaflet in the patient's language beside English, to check or print."""
    item = app_state().leaflets.get(leaflet)
    if lang not in KNOWN_LOCALES or item is None:
        abort(404)
    locale = KNOWN_LOCALES[lang]
    return render_page(
        "bilingual",
        title=f"{item.title} in {locale.get_display_name('en')} beside English",
        view=side_by_side(item, lang),
        source=provenance_of(lang),
        lang=lang,
        locale=locale,
        native=native_name(locale),
        direction=direction_of(lang),
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
