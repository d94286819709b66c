"""Each language's voice as the staff screen shows it: eSpeak NG (the default) or a Piper voice found for it.

A row per language says which voice speaks it now, which Piper voices could (never one of
another language: speech/voices.py's speaks()), their licence from the model card, a sample to
hear, and why a chosen voice is not used (its file could not be loaded: the language speaks with
eSpeak NG meanwhile). The form that changes a voice is voices.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for

from ..i18n import KNOWN_LOCALES
from ..speech.piper import voice_info
from ..speech.piper_voices import INSTALL_HINT, PREFIX, PiperVoiceFile, piper_installed
from ..speech.voices import speaks
from ..state import app_state

# A sample is a sentence of the language's own leaflets, of at least this many words.
SAMPLE_WORDS = 6
@dataclass(frozen=True)
class Choice:
    voice: PiperVoiceFile
    sample: str | None  # the sample clip's URL (staff only), None when nothing can be said


@dataclass(frozen=True)
class VoiceRow:
    tag: str
    name: str
    speaking: str | None  # the voice id used now (None: no voice at all)
    piper: bool  # whether it is a Piper voice
    chosen: str | None  # staff's choice, used or not
    failed: str | None  # why the chosen voice is not used
    choices: tuple[Choice, ...]  # the Piper voices that speak this language
    espeak_sample: str | None


def sample_text(app: Flask, tag: str) -> str | None:
    """A sentence of the language's leaflets to hear a voice say (the pages registered it)."""
    texts = app_state(app).speech.texts(tag)
    return next((t for t in texts if len(t.split()) >= SAMPLE_WORDS), texts[0] if texts else None)


def _sample(app: Flask, tag: str, text: str | None, voice: str | None = None) -> str | None:
    if text is None:
        return None
    key = app_state(app).speech.preview(text, tag, voice=voice)
    return url_for("lexicon.preview_clip", key=key) if key else None


def rows(app: Flask) -> list[VoiceRow]:
    """Every language's voice as the staff screen shows it."""
    speech = app_state(app).speech
    found = speech.piper_voices
    table = []
    for tag, locale in KNOWN_LOCALES.items():
        text = sample_text(app, tag)
        speaking = speech.voice_for(tag)
        chosen = speech.registry.chosen(tag)
        # speaks() reads a voice's VoiceInfo: a Piper voice's has its one language.
        offered = tuple(Choice(v, _sample(app, tag, text, v.id) if not v.problem else None)
                        for v in found if speaks(tag, voice_info(v)))
        failed = None
        if chosen is not None and chosen != speaking:
            failed = speech.registry.failed(chosen) or "the voice is not installed any more"
        table.append(VoiceRow(tag=tag, name=locale.get_display_name("en"), speaking=speaking,
                              piper=bool(speaking and speaking.startswith(PREFIX)), chosen=chosen,
                              failed=failed, choices=offered,
                              espeak_sample=_sample(app, tag, text) if speaking and not
                              speaking.startswith(PREFIX) else None))
    return table


def context(app: Flask) -> dict:
    """What the staff screen's Voices section needs."""
    return {"voice_rows": rows(app), "piper_installed": piper_installed(), "piper_install_hint": INSTALL_HINT,
            "piper_voices": app_state(app).speech.piper_voices}


