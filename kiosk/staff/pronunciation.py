"""Pronunciation on the staff screen: add, change and remove a language's lexicon entries,
hear a word and the leaflet's sentences with it before and after, import and export PLS.

Its own blueprint under /staff, so every route has the staff screen's PIN session and CSRF
check, and a stale form its plain notice. Preview and Save first make the clips an entry would make
(pronunciation_trial.py), and an import does so for each entry it adds or changes. Saving and
importing call the speech service's change_lexicon() (kiosk/speech/service.py): it writes the
language's file, makes the speech layer say words the new way, drops the kept pages that name a
changed clip, and renders the changed clips and then those pages with the staff screen's
progress bar (kiosk/jobs/render_audio.py).
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, abort, current_app, flash, redirect, request, send_file, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from ..i18n import KNOWN_LOCALES, direction_of, native_name
from ..speech import SpeechBusy, SpeechUnavailable, UnknownClip
from ..speech import lexicon as lexicons
from ..speech import ogg
from ..speech.engines import is_piper
from ..speech.lexicon import LexiconError
from ..speech.service import change_lexicon
from ..web.errors import handle_http_error
from . import access
from .access import Staff, staff_only
from .pronunciation_trial import IMPORT_CHECKED, try_entries, try_entry
from .views import form_out_of_date, render_page, staff_context
from ..state import app_state

log = logging.getLogger(__name__)

# Registered by init_app, never by an import; under /staff, with the staff screen's look.
bp = Blueprint("lexicon", __name__, url_prefix="/staff")
bp.context_processor(staff_context)
bp.register_error_handler(CSRFError, form_out_of_date)

PRONUNCIATION = "pronunciation"  # where its notices are shown (templates/staff/notices.html)
# The entry form: "overwrite" names the word whose entry staff agreed to replace ("Replace it").
FIELDS = ("grapheme", "say", "replacing", "overwrite")


def _language(lang: str):
    if lang not in KNOWN_LOCALES:
        abort(404)
    return KNOWN_LOCALES[lang]


def _page(lang: str, code: int = 200, *, form=None, error: str | None = None, trial=None, existing=None,
          import_error: str | None = None, import_broken=()):
    app = current_app._get_current_object()
    locale = _language(lang)
    speech = app_state(app).speech
    editing = request.args.get("word", "")
    current = speech.lexicons[lang]
    chosen = form or {"grapheme": editing, "say": (current.get(editing).say if current.get(editing) else ""),
                      "replacing": editing if current.get(editing) else "", "overwrite": ""}
    return render_page(
        "lexicon", code,
        title=f"Pronunciation in {locale.get_display_name('en')}",
        lang=lang,
        locale=locale,
        native=native_name(locale),
        direction=direction_of(lang),
        entries=current.entries,
        chosen=chosen,
        error=error,
        import_error=import_error,
        import_broken=import_broken,
        trial=trial,
        existing=existing,
        voice=speech.voice_for(lang) if speech.enabled else None,
        # A Piper voice takes respellings only (kiosk/speech/piper.py): its sound-code entries say so.
        piper_voice=speech.enabled and is_piper(speech.voice_for(lang) or ""),
        progress=app_state(app).background_render.progress,
        known_locales=KNOWN_LOCALES,
    )


@bp.get("/lexicon/<lang>/")
@staff_only
def index(lang: str):
    """One language's pronunciation entries, and the form to add or change one."""
    return _page(lang)


def _form():
    return {name: request.form.get(name, "") for name in FIELDS}


def _form_entry(lang: str, form: dict):
    """The entry on the form, and the lexicon it would make; or LexiconError."""
    new = lexicons.entry(form["grapheme"], form["say"])
    current = app_state().speech.lexicons[lang]
    return new, current.with_entry(new, replacing=form["replacing"] or None)


def _replaces_unasked(lang: str, form: dict, new) -> object | None:
    """The entry that `new` would replace without staff having said so: "Add an entry" (or a
    change under another written form) for a word that has one already. Issue 28: it was
    replaced silently, even a shipped, reviewed entry."""
    return None if new.grapheme == form["overwrite"] else _replaced(lang, form, new)


@bp.post("/lexicon/<lang>/preview")
@staff_only
def preview(lang: str):
    """The word, and the leaflet sentences with it, as the kiosk says them now and would with this entry."""
    _language(lang)
    form = _form()
    try:
        new, changed = _form_entry(lang, form)
    except LexiconError as error:
        return _page(lang, 400, form=form, error=str(error))
    trial = try_entry(current_app._get_current_object(), lang, new, changed)
    return _page(lang, form=form, trial=trial, existing=_replaced(lang, form, new))


def _replaced(lang: str, form: dict, new) -> object | None:
    """The entry a save would replace, for the page to keep showing it: also once staff have
    said "Replace it" (a walk found the preview then dropped it, under "Add an entry"); not
    when they change the entry itself, which the heading names."""
    if new.grapheme == form["replacing"]:
        return None
    return app_state().speech.lexicons[lang].get(new.grapheme)


@bp.get(f"/lexicon/audio/<key>{ogg.SUFFIX}")
@staff_only
def preview_clip(key: str):
    """One preview clip, synthesized now if need be (never served to patients: staff only)."""
    speech = app_state().speech
    try:
        path = speech.preview_path(key)
    except UnknownClip:
        abort(404)
    except SpeechBusy:
        abort(503)
    except SpeechUnavailable:
        abort(503)
    response = send_file(path, mimetype=ogg.MIMETYPE, conditional=True, max_age=0)
    response.cache_control.no_store = True
    return response


def _saved(lang: str, message: str):
    flash(message, PRONUNCIATION)
    return redirect(url_for("lexicon.index", lang=lang, _anchor=f"{PRONUNCIATION}-notice"), 303)


@bp.post("/lexicon/<lang>/save")
@staff_only
def save_entry(lang: str):
    """Add or change an entry once its clips could be made, and render again the clips it changes."""
    _language(lang)
    form = _form()
    try:
        new, changed = _form_entry(lang, form)
    except LexiconError as error:
        return _page(lang, 400, form=form, error=str(error))
    existing = _replaces_unasked(lang, form, new)
    if existing is not None:
        return _page(lang, 409, form={**form, "overwrite": new.grapheme}, existing=existing,
                     error=f"“{new.grapheme}” has an entry already. Nothing was saved: "
                           "press “Replace it” to say it the new way instead.")
    trial = try_entry(current_app._get_current_object(), lang, new, changed)
    if trial.busy:
        return _page(lang, 503, form=form, trial=trial,
                     error="The voice is busy making patients' audio, so the entry could not be checked. "
                           "Nothing was saved: press Save again in a moment.")
    if trial.broken:
        return _page(lang, 400, form=form, trial=trial,
                     error=f"Not saved: the voice could not say {len(trial.broken)} of the sentences below "
                           f"with this entry. Change how to say “{new.grapheme}” and try again.")
    change_lexicon(current_app._get_current_object(), lang, changed)
    return _saved(lang, f"Saved: “{new.grapheme}” is said as “{new.say}”. "
                        "The audio with this word is being made again; patients hear the old audio until then.")


@bp.post("/lexicon/<lang>/remove")
@staff_only
def remove_entry(lang: str):
    """Remove an entry: its words are said as eSpeak NG reads them again."""
    _language(lang)
    grapheme = request.form.get("grapheme", "")
    current = app_state().speech.lexicons[lang]
    if current.get(grapheme) is None:
        return _saved(lang, f"There was no entry for “{grapheme[:60]}”, so nothing was removed.")
    change_lexicon(current_app._get_current_object(), lang, current.without(grapheme))
    return _saved(lang, f"Removed “{grapheme}”. The audio that has it is being made again.")


@bp.get("/lexicon/<lang>.pls")
@staff_only
def export_lexicon(lang: str):
    """The language's entries as a W3C PLS 1.0 file, for another kiosk or speech product."""
    _language(lang)
    data = lexicons.to_pls(lang, app_state().speech.lexicons[lang])
    response = current_app.response_class(data, mimetype="application/pls+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="kiosk-lexicon-{lang}.pls"'
    return response


@bp.post("/lexicon/<lang>/import")
@staff_only
def import_lexicon(lang: str):
    """Add a PLS file's entries to the language's; or, when staff confirm it, use them instead of all."""
    locale = _language(lang)
    name = locale.get_display_name("en")
    upload = request.files.get("file")  # over 64 KiB: 413 (MAX_CONTENT_LENGTH), before any parsing
    data = upload.read() if upload else b""
    replace_all = request.form.get("mode") == "replace"
    if not data:
        return _page(lang, 400, import_error="Choose a pronunciation file (.pls or .xml) to import.")
    try:
        tag, read = lexicons.from_pls(data)
    except LexiconError as error:
        log.warning("pronunciation lexicon import refused: %s", str(error).splitlines()[0])
        return _page(lang, 400, import_error=f"Nothing was imported. {error}")
    if tag and tag.replace("_", "-").split("-")[0].lower() != lang.split("-")[0].lower():
        return _page(lang, 400, import_error=f"Nothing was imported: the file is for the language “{tag}”, not {name}.")
    current = app_state().speech.lexicons[lang]
    removed = [e for e in current.entries if read.get(e.grapheme) is None] if replace_all else []
    if replace_all and removed and request.form.get("confirm") != "yes":
        # Issue 28: an empty file wiped every entry, the shipped ones too, without asking.
        return _page(lang, 400, import_error=(
            f"Nothing was imported. Replacing all would remove {len(removed)} of the {len(current.entries)} "
            f"entries of {name} that are not in the file. To do it, tick “Yes, remove them” and import again."))
    if not replace_all and not read.entries:
        return _page(lang, 400, import_error="Nothing was imported: the file has no entries.")
    added = sum(1 for e in read.entries if current.get(e.grapheme) is None)
    changed = sum(1 for e in read.entries if current.get(e.grapheme) not in (None, e))
    try:
        new = read if replace_all else current.merged(read)
    except LexiconError as error:  # more entries than a language may have
        return _page(lang, 400, import_error=f"Nothing was imported. {error}")
    refused = _import_refused(lang, [e for e in read.entries if current.get(e.grapheme) != e], new)
    if refused is not None:
        return refused
    change_lexicon(current_app._get_current_object(), lang, new)
    return _saved(lang, f"Imported: {added} new, {changed} changed, {len(removed)} removed. "
                        "The audio with these words is being made again.")


def _import_refused(lang: str, entries: list, new: Lexicon):
    """The page that refuses an import, or None: each new or changed entry is tried as Save tries
    one (issue 28: an import could bring in an entry that breaks a patient's clip, which Save
    would have refused), all of them said with the lexicon the import would make."""
    if len(entries) > IMPORT_CHECKED:
        return _page(lang, 400, import_error=(
            f"Nothing was imported: the file has {len(entries)} new or changed entries, and at most "
            f"{IMPORT_CHECKED} can be checked in one import. Import them in smaller files."))
    trials = try_entries(current_app._get_current_object(), lang, entries, new)
    if any(trial.busy for trial in trials):
        return _page(lang, 503, import_error=(
            "The voice is busy making patients' audio, so the file's entries could not be checked. "
            "Nothing was imported: import the file again in a moment."))
    broken = [trial for trial in trials if trial.broken]
    if not broken:
        return None
    return _page(lang, 400, import_broken=broken, import_error=(
        f"Nothing was imported: the voice could not say some sentences with {len(broken)} of the file's "
        f"entries (below). Change how to say {'it' if len(broken) == 1 else 'them'} in the file and import again."))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file over the body limit, in plain words on the page it was sent from (issue 28: staff
    got the patients' "Something went wrong"); anyone else, the kiosk's own error page."""
    lang = (request.view_args or {}).get("lang")
    if request.endpoint == "lexicon.import_lexicon" and lang in KNOWN_LOCALES and access.check() is Staff.IN:
        limit = current_app.config["MAX_CONTENT_LENGTH"] // 1024
        return _page(lang, 413, import_error=f"Nothing was imported: the file is too large (at most {limit} KB). "
                                             "A pronunciation file is usually much smaller: is it the right file?")
    return handle_http_error(error)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
