"""Read-aloud on the pages: every shown sentence carries the clip that speaks it.

The page text is split into sentences here, and each sentence is registered
with the speech layer in the language it is really in (an English fallback
on a Spanish page is spoken by the English voice, never the Spanish one), so
the patient hears exactly the words on the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, current_app, url_for

from ..web.errors import N_
from .phrases import phrase
from ..i18n import KNOWN_LOCALES, Text, current_tag
from ..speech.sentences import split_sentences
from ..state import app_state

# Five speeds from 0.6x to 1.5x; the browser keeps the voice's pitch
# (preservesPitch). Each is spoken by name when chosen.
SPEEDS = (
    (0.6, N_("Speed: very slow")),
    (0.8, N_("Speed: slow")),
    (1.0, N_("Speed: normal")),
    (1.25, N_("Speed: fast")),
    (1.5, N_("Speed: very fast")),
)
NORMAL_SPEED = 2
# Five volume steps 6 dB apart, 24 dB in all (Section 508 402.3 and
# EN 301 549 8.2.1 ask for at least 18 dB). An <audio> element cannot go
# above its recorded level, so the default leaves one step of headroom.
VOLUME_STEPS_DB = (-24, -18, -12, -6, 0)
DEFAULT_VOLUME = 3


# What separates two sentences in the text: a space, or nothing in Chinese.
BETWEEN = re.compile(r"\s*")


@dataclass(frozen=True)
class Sentence:
    text: str
    clip: str | None  # URL of the clip, or None when no voice speaks its language
    after: str  # the whitespace that followed it in the text ("" in Chinese)


def spoken(text: Text) -> list[Sentence]:
    """The sentences of `text`, each with its clip URL."""
    engine = app_state().speech
    sentences = []
    position = 0
    for part in split_sentences(text.text):
        start = text.text.index(part, position)
        position = start + len(part)
        gap = BETWEEN.match(text.text, position).group()
        key = engine.register(part, text.lang)
        clip = url_for("audio.clip", key=key) if key else None
        sentences.append(Sentence(part, clip, gap))
    return sentences


def voice_available(tag: str | None = None) -> bool:
    """Whether the page's language has a voice (else the page says so)."""
    return app_state().speech.voice_for(tag or current_tag()) is not None


def speed_phrases():
    return [phrase(name) for _, name in SPEEDS]


def volume_phrases():
    total = len(VOLUME_STEPS_DB)
    return [phrase("Volume %(level)s of %(total)s", level=n, total=total) for n in range(1, total + 1)]


def voice_settings() -> dict:
    """The speed and volume steps, for every page (the guide speaks at them too)."""
    return {
        "rates": [rate for rate, _ in SPEEDS],
        "volumes": [round(10 ** (db / 20), 4) for db in VOLUME_STEPS_DB],
        "normalRate": NORMAL_SPEED,
        "defaultVolume": DEFAULT_VOLUME,
    }


def init_app(app: Flask) -> None:
    @app.context_processor
    def read_aloud_context():
        return {
            "spoken": spoken,
            "voice_available": voice_available,
            "speed_phrases": speed_phrases,
            "volume_phrases": volume_phrases,
            "normal_speed": NORMAL_SPEED,
            "default_volume": DEFAULT_VOLUME,
            "voice_settings": voice_settings,
        }
