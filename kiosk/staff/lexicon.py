"""Pronunciation on the staff screen: add, change and remove a language's lexicon entries,
hear a word and the leaflet's sentences with it before and after, import and export PLS.

On the staff blueprint (views.bp), so every route has its PIN session and CSRF check, and a
stale form its plain notice. Saving writes the language's file (kiosk/speech/lexicon.py), makes
the speech layer say words the new way, has every page register its clips again, and renders
the clips that changed with the staff screen's progress bar (kiosk/render_audio.py).
"""

from __future__ import annotations

import logging

from flask import Flask, abort, current_app, flash, redirect, request, send_file, url_for

from ..crawl import ensure_registered, forget_registered
from ..i18n import KNOWN_LOCALES, direction_of, native_name
from ..speech import SpeechBusy, SpeechUnavailable, UnknownClip
from ..speech import lexicon as lexicons
from ..speech import ogg
from ..speech.lexicon import Lexicon, LexiconError
from .access import staff_only
from .views import bp, render

log = logging.getLogger(__name__)

PRONUNCIATION = "pronunciation"  # where its notices are shown (templates/staff/notices.html)
# Leaflet sentences offered in a preview: enough to hear the word in context, few enough to be quick.
PREVIEW_SENTENCES = 4


def _language(lang: str):
    if lang not in KNOWN_LOCALES:
        abort(404)
    return KNOWN_LOCALES[lang]


def _page(lang: str, code: int = 200, *, form=None, error: str | None = None, preview=None):
    app = current_app._get_current_object()
    locale = _language(lang)
    speech = app.extensions["speech"]
    editing = request.args.get("word", "")
    current = speech.lexicons[lang]
    chosen = form or {"grapheme": editing, "say": (current.get(editing).say if current.get(editing) else ""),
                      "replacing": editing if current.get(editing) else ""}
    return render(
        "lexicon", code,
        title=f"Pronunciation in {locale.get_display_name('en')}",
        lang=lang,
        locale=locale,
        native=native_name(locale),
        direction=direction_of(lang),
        entries=current.entries,
        chosen=chosen,
        error=error,
        preview=preview,
        voice=speech.voice_for(lang) if speech.enabled else None,
        progress=app.extensions["render"].progress,
        known_locales=KNOWN_LOCALES,
    )


@bp.get("/lexicon/<lang>/")
@staff_only
def lexicon(lang: str):
    """One language's pronunciation entries, and the form to add or change one."""
    return _page(lang)


def _form_entry(lang: str):
    """The entry on the form, its old written form, and the lexicon it would make; or LexiconError."""
    form = {name: request.form.get(name, "") for name in ("grapheme", "say", "replacing")}
    new = lexicons.entry(form["grapheme"], form["say"])
    current = current_app.extensions["speech"].lexicons[lang]
    return form, new, current.with_entry(new, replacing=form["replacing"] or None)


@bp.post("/lexicon/<lang>/preview")
@staff_only
def preview(lang: str):
    """The word, and the leaflet sentences with it, as the kiosk says them now and would with this entry."""
    _language(lang)
    try:
        form, new, changed = _form_entry(lang)
    except LexiconError as error:
        form = {name: request.form.get(name, "") for name in ("grapheme", "say", "replacing")}
        return _page(lang, 400, form=form, error=str(error))
    app = current_app._get_current_object()
    speech = app.extensions["speech"]
    rows = []
    if speech.enabled and speech.voice_for(lang) is not None:
        ensure_registered(app)
        single = Lexicon.of([new])
        sentences = [text for text in speech.texts(lang) if text != new.grapheme and single.matching(text)]
        for text in [new.grapheme, *sorted(set(sentences), key=sentences.index)[:PREVIEW_SENTENCES]]:
            rows.append({
                "text": text,
                "before": url_for("staff.preview_clip", key=speech.preview(text, lang)),
                "after": url_for("staff.preview_clip", key=speech.preview(text, lang, changed)),
            })
    return _page(lang, form=form, preview={"entry": new, "rows": rows, "sentences": len(rows) - 1 if rows else 0})


@bp.get(f"/lexicon/audio/<key>{ogg.SUFFIX}")
@staff_only
def preview_clip(key: str):
    """One preview clip, synthesized now if need be (never served to patients: staff only)."""
    speech = current_app.extensions["speech"]
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


def change(app: Flask, lang: str, new: Lexicon) -> bool:
    """Keep `new` as `lang`'s lexicon, say words by it from now on, and render the clips it changed.

    True when the clips changed (a new render was asked for)."""
    lexicons.save(app.instance_path, lang, new)
    speech = app.extensions["speech"]
    if not speech.use_lexicons(speech.lexicons.replaced(lang, new)):
        return False
    forget_registered(app)
    if speech.enabled:
        app.extensions["render"].start_or_again()
    return True


def _saved(lang: str, message: str):
    flash(message, PRONUNCIATION)
    return redirect(url_for("staff.lexicon", lang=lang, _anchor=f"{PRONUNCIATION}-notice"), 303)


@bp.post("/lexicon/<lang>/save")
@staff_only
def save_entry(lang: str):
    """Add or change an entry, and render again the clips it changes."""
    _language(lang)
    try:
        form, new, changed = _form_entry(lang)
    except LexiconError as error:
        form = {name: request.form.get(name, "") for name in ("grapheme", "say", "replacing")}
        return _page(lang, 400, form=form, error=str(error))
    change(current_app._get_current_object(), lang, changed)
    return _saved(lang, f"Saved: “{new.grapheme}” is said as “{new.say}”. The audio that has it is being made again.")


@bp.post("/lexicon/<lang>/remove")
@staff_only
def remove_entry(lang: str):
    """Remove an entry: its words are said as eSpeak NG reads them again."""
    _language(lang)
    grapheme = request.form.get("grapheme", "")
    current = current_app.extensions["speech"].lexicons[lang]
    if current.get(grapheme) is None:
        return _saved(lang, f"There was no entry for “{grapheme[:60]}”, so nothing was removed.")
    change(current_app._get_current_object(), lang, current.without(grapheme))
    return _saved(lang, f"Removed “{grapheme}”. The audio that has it is being made again.")


@bp.get("/lexicon/<lang>.pls")
@staff_only
def export_lexicon(lang: str):
    """The language's entries as a W3C PLS 1.0 file, for another kiosk or speech product."""
    _language(lang)
    data = lexicons.to_pls(lang, current_app.extensions["speech"].lexicons[lang])
    response = current_app.response_class(data, mimetype="application/pls+xml")
    response.headers["Content-Disposition"] = f'attachment; filename="kiosk-lexicon-{lang}.pls"'
    return response


@bp.post("/lexicon/<lang>/import")
@staff_only
def import_lexicon(lang: str):
    """Replace the language's entries with those of a PLS file (checked whole before anything changes)."""
    locale = _language(lang)
    upload = request.files.get("file")  # over 64 KiB: 413 (MAX_CONTENT_LENGTH), before any parsing
    data = upload.read() if upload else b""
    if not data:
        return _page(lang, 400, error="Choose a PLS file (.pls or .xml) to import.")
    try:
        tag, read = lexicons.from_pls(data)
    except LexiconError as error:
        log.warning("pronunciation lexicon import refused: %s", str(error).splitlines()[0])
        return _page(lang, 400, error=f"Nothing was imported. {error}")
    if tag and tag.replace("_", "-").split("-")[0].lower() != lang.split("-")[0].lower():
        return _page(lang, 400, error=f"Nothing was imported: the file is for the language “{tag}”, "
                                      f"not {locale.get_display_name('en')}.")
    change(current_app._get_current_object(), lang, read)
    return _saved(lang, f"Imported {len(read.entries)} entries. The audio that changed is being made again.")

