"""Read-aloud on the pages: every shown sentence carries the clip that speaks it.

The page text is split into sentences here, and each sentence is registered
with the speech layer in the language it is really in (an English fallback
on a Spanish page is spoken by the English voice, never the Spanish one), so
the patient hears exactly the words on the screen.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from flask import Flask, current_app, request, url_for

from . import speech
from .i18n import KNOWN_LOCALES, Text, current_tag, localize
from .speech.sentences import split_sentences


# What separates two sentences in the text: a space, or nothing in Chinese.
BETWEEN = re.compile(r"\s*")


@dataclass(frozen=True)
class Sentence:
    text: str
    clip: str | None  # URL of the clip, or None when no voice speaks its language
    after: str  # the whitespace that followed it in the text ("" in Chinese)


def spoken(text: Text) -> list[Sentence]:
    """The sentences of `text`, each with its clip URL."""
    engine = current_app.extensions["speech"]
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
    return current_app.extensions["speech"].voice_for(tag or current_tag()) is not None


def register_all(app: Flask) -> int:
    """Register every sentence of every leaflet in every language.

    Pages register what they show as they render; this covers the clips of
    pages nobody has opened since start-up (a clip URL cached by the browser
    before a restart, and `kiosk prerender`).
    """
    count = 0
    for tag in KNOWN_LOCALES:
        # A fresh app context per language: called during a request, a bare
        # test_request_context would share that request's `g`, where
        # Flask-Babel caches the locale, and register everything in it.
        # The locale then comes from the path's prefix, as for a real request.
        with app.app_context(), app.test_request_context(f"/{tag}/"):
            for leaflet in app.extensions["leaflets"].values():
                for message in leaflet.messages():
                    count += len(spoken(localize(message)))
    return count


def init_app(app: Flask) -> None:
    speech.init_app(app)
    registered = threading.Event()
    lock = threading.Lock()

    @app.before_request
    def register_before_first_clip():
        if request.blueprint == "audio" and not registered.is_set():
            with lock:
                if not registered.is_set():
                    register_all(app)
                    registered.set()

    @app.context_processor
    def read_aloud_context():
        return {"spoken": spoken, "voice_available": voice_available}
