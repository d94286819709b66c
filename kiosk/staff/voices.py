"""Choosing a language's voice on the staff screen: eSpeak NG (the default) or a Piper voice.

Choosing a Piper voice first makes its sample clip, so a voice that cannot be loaded is refused
before it is kept; the choice is then saved in the staff settings (settings.py), and only that
language's clips are made again, with the Audio section's progress bar. The rows the screen
shows are voice_rows.py's.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, request, url_for
from flask_wtf.csrf import CSRFError

from ..i18n import KNOWN_LOCALES
from ..speech import SpeechBusy, SpeechUnavailable
from ..speech.piper_voices import INSTALL_HINT, piper_installed
from ..speech.service import keys_changed
from ..speech.synthesizer import VoiceFailed
from ..state import app_state
from . import settings
from .access import staff_only
from .views import form_out_of_date, screen, staff_context
from .voice_rows import rows, sample_text

bp = Blueprint("voices", __name__, url_prefix="/staff")
bp.context_processor(staff_context)
bp.register_error_handler(CSRFError, form_out_of_date)

VOICES = "voices"  # where its notices are shown (templates/staff/notices.html)
ESPEAK = "espeak"  # the form's value for the default engine


@bp.post("/voice")
@staff_only
def choose():
    """Speak one language with eSpeak NG or a Piper voice from now on; its clips are made again."""
    app = current_app._get_current_object()
    lang, wanted = request.form.get("lang", ""), request.form.get("voice", "")
    if lang not in KNOWN_LOCALES:
        return screen(400, errors={"voice": "Choose a language from the list."})
    speech = app_state(app).speech
    name = KNOWN_LOCALES[lang].get_display_name("en")
    if wanted == ESPEAK:
        voice, label = None, "eSpeak NG"
    else:
        offered = {c.voice.id: c.voice for row in rows(app) if row.tag == lang for c in row.choices}
        if wanted not in offered:
            return screen(400, errors={"voice": f"Choose one of the voices offered for {name}."})
        if not piper_installed():
            flash(f"Piper is not installed, so {name} keeps eSpeak NG. To add it: {INSTALL_HINT}.", VOICES)
            return _back()
        voice, label = wanted, f"{offered[wanted].name} (Piper)"
        problem = _try(app, lang, voice)
        if problem:
            flash(f"{name} keeps its voice: {problem}", VOICES)
            return _back()
        # A voice that failed before and loads now (its file was replaced) is used again.
        keys_changed(app, speech.registry.voice_works(voice))
    current = app_state(app).settings
    new = current.with_voice(lang, voice)
    if new == current:
        flash(f"{name} speaks with {label} already.", VOICES)
        return _back()
    settings.save(app, new)
    settings.apply(app, new)  # re-keys this language's clips and starts their render
    clips = speech.counts().get(lang)
    missing = f" Its {clips.missing} clips are being made now: see the progress under Audio." if clips and clips.missing else ""
    flash(f"{name} now speaks with {label}.{missing}", VOICES)
    return _back()


def _try(app: Flask, lang: str, voice: str) -> str | None:
    """Make `voice`'s sample clip now; why it cannot be used, or None when it can."""
    speech = app_state(app).speech
    text = sample_text(app, lang) or KNOWN_LOCALES[lang].get_display_name(lang)
    key = speech.preview(text, lang, voice=voice)
    if key is None:
        return "that voice does not speak the language."
    try:
        speech.preview_path(key)
    except VoiceFailed as failure:
        return f"the voice could not be loaded ({failure.reason})."
    except SpeechBusy:
        return "the speech engine is busy; try again in a minute."
    except SpeechUnavailable as exc:
        return f"the voice could not say its sample ({exc})."
    return None


def _back():
    return redirect(url_for("staff.index", _anchor=f"{VOICES}-notice"), 303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
