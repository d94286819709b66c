"""Read-aloud on the pages: every shown sentence carries the clip that speaks it.

The page text is split into sentences here, and each sentence is registered
with the speech layer in the language it is really in (an English fallback
on a Spanish page is spoken by the English voice, never the Spanish one), so
the patient hears exactly the words on the screen.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, request, url_for

from werkzeug.exceptions import default_exceptions

from .errors import MESSAGES, N_, handle_http_error
from .guide import phrase
from .i18n import KNOWN_LOCALES, Text, current_tag
from .speech.sentences import split_sentences

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


def ensure_registered(app: Flask) -> int:
    """Register every clip once per app (the one place that calls register_all
    for serving: the first clip request, `kiosk serve`'s background render and
    the staff screen's re-render all come through here). Returns how many clips are known."""
    state = app.extensions["registration"]
    speech = app.extensions["speech"]
    if not state.done.is_set():
        with state.lock:
            # Rendering every page takes seconds: while the engine is down, at most once a minute.
            recent = state.tried_at is not None and time.monotonic() - state.tried_at < RETRY_REGISTRATION_AFTER
            if not state.done.is_set() and not recent:
                state.tried_at = time.monotonic()
                register_all(app)
                # With the engine down, no voice was found and nothing registered: try
                # again next time rather than report zero clips for good.
                if speech.engine_known:
                    state.done.set()
    return speech.registered()


@dataclass
class _Registration:
    done: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    tried_at: float | None = None


RETRY_REGISTRATION_AFTER = 60.0


def register_all(app: Flask) -> int:
    """Register every clip of every page in every language: the leaflets'
    sentences and the guide's labels, hints, help and error messages.

    Pages register what they show as they render, so rendering each page
    once registers exactly what a patient can hear. This covers the clips of
    pages nobody has opened since start-up (a clip URL cached by the browser
    before a restart, and `kiosk prerender`). Returns how many clips are known.
    """
    # In a thread of its own: context variables do not cross threads, so the
    # test client's requests get their own `g` (where Flask-Babel caches the
    # locale) even when this is called while a request is being handled.
    worker = threading.Thread(target=_render_every_page, args=(app,), name="register-all")
    worker.start()
    worker.join()
    return app.extensions["speech"].registered()


def page_urls(app: Flask) -> list[str]:
    """Every page a patient can reach, in every language."""
    urls = ["/"]
    for tag in KNOWN_LOCALES:
        urls.append(f"/{tag}/")
        for leaflet in app.extensions["leaflets"].values():
            urls.append(f"/{tag}/{leaflet.slug}/")
            urls += [f"/{tag}/{leaflet.slug}/{part.slug}" for part in leaflet.sections]
            if leaflet.terms:
                urls.append(f"/{tag}/{leaflet.slug}/words")
    return urls


def _render_every_page(app: Flask) -> None:
    client = app.test_client()
    for url in page_urls(app):
        client.get(url)
    # Every kind of error page too, in every language: its words are spoken.
    for tag in KNOWN_LOCALES:
        for code in (*MESSAGES, 500):
            with app.test_request_context(f"/{tag}/"):
                handle_http_error(default_exceptions[code]())


def init_app(app: Flask) -> None:
    app.extensions["registration"] = _Registration()

    @app.before_request
    def register_before_first_clip():
        # A clip URL from before a restart (in the browser's cache or history) names a clip
        # that no page has registered in this process yet.
        if request.blueprint == "audio":
            ensure_registered(app)

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
