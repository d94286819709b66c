"""The review screen (issue 32): clinicians and medical translators approve the kiosk's texts, or
ask for a change with a comment, message by message, under /staff/review.

A reviewer says who they are and their role once per staff session (kept in the session, which
the PIN starts and every ending clears). They pick a leaflet (or the interface) and a language,
see each message beside its English with the kiosk's audio of both, and move through them with
large buttons or the keyboard. Each verdict is written at once to the review file beside the
catalogs (kiosk/review/records.py), so it survives a restart and travels with the content.
"""

from __future__ import annotations

import unicodedata

from flask import Blueprint, Flask, abort, flash, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError

from ..i18n import KNOWN_LOCALES, SOURCE_LOCALE, Text, direction_of
from ..i18n.catalogs import INTERFACE
from ..patient.read_aloud import spoken
from ..review import NotYourRole, ReviewRefused, StaleText
from ..review.records import APPROVED, CHANGE_REQUESTED, ROLES
from ..review.states import State, approver_role, fingerprint
from ..state import app_state
from .access import staff_only
from .views import form_out_of_date, render_page, staff_context

# Registered by init_app, never by an import; under /staff, with the staff screen's look.
bp = Blueprint("review", __name__, url_prefix="/staff/review")
bp.context_processor(staff_context)
bp.register_error_handler(CSRFError, form_out_of_date)

REVIEWER = "reviewer"  # the session's key for {"name", "role"}
REVIEW = "review"  # where its notices are shown (templates/staff/notices.html)
MAX_NAME = 80
MAX_COMMENT = 2000


def reviewer() -> dict | None:
    who = session.get(REVIEWER)
    return who if isinstance(who, dict) and who.get("role") in ROLES else None


def language_name(tag: str) -> str:
    return "English (the source)" if tag == SOURCE_LOCALE else KNOWN_LOCALES[tag].get_display_name("en")


def domain_title(domain: str) -> str:
    if domain == INTERFACE:
        return "The kiosk’s own words (buttons, notices, audio guide)"
    return app_state().leaflets[app_state().reviews.slug_of(domain)].title


def _checked(tag: str, domain: str):
    """The messages of `domain` in `tag`, or 404 for a language or domain the kiosk does not serve."""
    reviews = app_state().reviews
    if tag not in KNOWN_LOCALES or domain not in reviews.domains:
        abort(404)
    return reviews.messages(domain, tag)


def progress_rows() -> list[dict]:
    """Progress per text × language, the English source first."""
    reviews = app_state().reviews
    rows = []
    for domain in reviews.domains:
        for tag in KNOWN_LOCALES:
            counts = reviews.progress(domain, tag)
            rows.append({"domain": domain, "title": domain_title(domain), "tag": tag,
                         "language": language_name(tag), "counts": counts,
                         "total": sum(counts.values())})
    return rows


@bp.get("/")
@staff_only
def index():
    """Who is reviewing, progress per leaflet × language, and the open comments."""
    return _index_page()


def _index_page(code: int = 200, error: str | None = None, chosen: dict | None = None):
    reviews = app_state().reviews
    return render_page(
        "review", code, title="Review texts", reviewer=reviewer(), roles=ROLES, error=error,
        chosen=chosen or reviewer() or {}, rows=progress_rows(), states=list(State),
        comments=[(c, domain_title(c.domain), language_name(c.tag)) for c in reviews.open_comments()],
        broken=reviews.broken,
    )


@bp.post("/reviewer")
@staff_only
def set_reviewer():
    """Say who is reviewing, once per staff session."""
    name = " ".join(request.form.get("name", "").split())
    role = request.form.get("role", "")
    chosen = {"name": name, "role": role}
    if not name or len(name) > MAX_NAME or any(unicodedata.category(c).startswith("C") for c in name):
        return _index_page(400, f"Type your name (up to {MAX_NAME} letters), as it should appear on the leaflets.", chosen)
    if role not in ROLES:
        return _index_page(400, "Choose your role from the list.", chosen)
    session[REVIEWER] = chosen
    flash(f"Reviewing as {name} ({role}).", REVIEW)
    return redirect(url_for("review.index", _anchor=f"{REVIEW}-notice"), 303)


def clips(text, tag: str) -> list[str]:
    """The kiosk's clips of `text` as a patient hears it in `tag`, sentence by sentence."""
    forms = [text] if isinstance(text, str) else list(text)
    return [s.clip for form in forms for s in spoken(Text(form, tag)) if s.clip]


@bp.get("/<lang>/<domain>/")
@staff_only
def messages(lang: str, domain: str):
    """Every message of one leaflet (or the interface) in one language, by section, with its state."""
    found = _checked(lang, domain)
    slug = app_state().reviews.slug_of(domain)
    leaflet = app_state().leaflets.get(slug) if slug else None
    sections = [(None, "The whole leaflet" if leaflet else "Every text")]
    if leaflet:
        sections += [(part.slug, part.heading) for part in leaflet.sections]
    known = {slug for slug, _ in sections}
    grouped = {slug: [] for slug, _ in sections}
    for index, message in enumerate(found):
        grouped[message.section if message.section in known else None].append((index, message))
    return render_page(
        "review_messages", title=f"{domain_title(domain)} in {language_name(lang)}", lang=lang, domain=domain,
        language=language_name(lang), heading=domain_title(domain), sections=sections, grouped=grouped,
        counts=app_state().reviews.progress(domain, lang), total=len(found), states=list(State),
        direction=direction_of(lang), section_counts=section_counts,
    )


def section_counts(domain: str, lang: str, section: str | None) -> dict | None:
    """What patients did not understand in this section, in this language (issue 32, part 5:
    kiosk/counts/summary.py), for templates/staff/partials/review_section_counts.html; None
    where nothing was counted, or for what is not a leaflet's section."""
    # Imported here, as in staff/views.py: the summary names sentences through ask staff's
    # package, which imports this package (staff's CSRF) as it loads.
    from ..counts.summary import CHANGED, in_english, summaries
    from ..store import StoreError

    leaflet = app_state().leaflets.get(domain.removeprefix("leaflet-")) if domain.startswith("leaflet-") else None
    if leaflet is None or section is None:
        return None
    try:
        found = [summary for summary in summaries(app_state().tally, [leaflet]) if summary.section.slug == section]
    except StoreError:
        return None  # the staff screen's own section says why
    lines = found[0].language(lang) if found else None
    return {"language": lines, "changed": CHANGED, "in_english": in_english} if lines else None


def _message_page(lang: str, domain: str, number: int, code: int = 200, error: str | None = None,
                  comment: str = ""):
    found = _checked(lang, domain)
    if not 1 <= number <= len(found):
        abort(404)
    message = found[number - 1]
    who = reviewer()
    needed = approver_role(lang == SOURCE_LOCALE)
    return render_page(
        "review_message", code, title=f"Message {number} of {len(found)}: {domain_title(domain)} in {language_name(lang)}",
        lang=lang, domain=domain, number=number, total=len(found), message=message, heading=domain_title(domain),
        language=language_name(lang), direction=direction_of(lang), reviewer=who, needed=needed,
        may_approve=who is not None and who["role"] == needed and message.text is not None and not message.fuzzy,
        english_clips=clips(message.source, SOURCE_LOCALE),
        text_clips=clips(message.text, lang) if message.text is not None and lang != SOURCE_LOCALE else [],
        seen=fingerprint(message.text) if message.text is not None else "",
        counts=app_state().reviews.progress(domain, lang), states=list(State), error=error, comment=comment,
        State=State,
    )


@bp.get("/<lang>/<domain>/<int:number>")
@staff_only
def message(lang: str, domain: str, number: int):
    """One message beside its English, with Approve and Ask for a change."""
    return _message_page(lang, domain, number)


@bp.post("/<lang>/<domain>/<int:number>")
@staff_only
def judge(lang: str, domain: str, number: int):
    """Approve the message as it was shown, or ask for a change with a comment; then on to the next."""
    found = _checked(lang, domain)
    if not 1 <= number <= len(found):
        abort(404)
    who = reviewer()
    if who is None:
        flash("Say who you are first: your name and role are recorded with every verdict.", REVIEW)
        return redirect(url_for("review.index", _anchor=f"{REVIEW}-notice"), 303)
    verdict = {"approve": APPROVED, "change": CHANGE_REQUESTED}.get(request.form.get("verdict", ""))
    comment = request.form.get("comment", "")
    if verdict is None:
        return _message_page(lang, domain, number, 400, "Choose Approve or Ask for a change.")
    if len(comment) > MAX_COMMENT:
        return _message_page(lang, domain, number, 400,
                             f"The comment is too long: at most {MAX_COMMENT} characters.", comment)
    try:
        app_state().reviews.judge(domain, lang, found[number - 1].key, request.form.get("seen", ""), verdict,
                                  who["name"], who["role"], comment)
    except StaleText as error:
        return _message_page(lang, domain, number, 409, str(error), comment)
    except NotYourRole as error:
        return _message_page(lang, domain, number, 403, str(error), comment)
    except ReviewRefused as error:
        return _message_page(lang, domain, number, 400, str(error), comment)
    done = "Approved" if verdict == APPROVED else "Change asked for"
    if number < len(found):
        flash(f"{done}: message {number}. This is message {number + 1}.", REVIEW)
        return redirect(url_for("review.message", lang=lang, domain=domain, number=number + 1,
                                _anchor=f"{REVIEW}-notice"), 303)
    flash(f"{done}: message {number}, the last one.", REVIEW)
    return redirect(url_for("review.messages", lang=lang, domain=domain, _anchor=f"{REVIEW}-notice"), 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
