"""Read-aloud on the pages: every shown sentence carries the clip that speaks it.

The page text is split into sentences here, and each sentence is registered
with the speech layer in the language it is really in (an English fallback
on a Spanish page is spoken by the English voice, never the Spanish one), so
the patient hears exactly the words on the screen.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ContextManager

from flask import Flask, current_app, request, url_for

from werkzeug.exceptions import default_exceptions

from .web.errors import MESSAGES, N_, handle_http_error
from .phrases import phrase
from .i18n import KNOWN_LOCALES, Text, current_tag
from .speech.sentences import split_sentences

log = logging.getLogger(__name__)

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


def start_crawl(app: Flask) -> threading.Event | None:
    """Start registering every clip (rendering every page once) on a thread of its own, unless
    it is done, running, or failed less than a minute ago; return the run's `finished` event
    (None when there is nothing to wait for).

    `kiosk serve` calls it once it listens, so that no request ever pays for the crawl: a
    request that needs it (a clip from before a restart, the staff screen) waits for this
    run, with its turn given back (kiosk.web.turns), and pages keep coming meanwhile."""
    return app.extensions["registration"].start(app)


def ensure_registered(app: Flask) -> int:
    """Wait until every clip of every page is registered (the one way in: the first clip
    request, the background render, the staff screen, prerender and export all come through
    here), starting the crawl if need be. Returns how many clips are known."""
    state = app.extensions["registration"]
    finished = state.start(app)
    if finished is not None:
        with state.waiting():
            finished.wait()
    return app.extensions["speech"].registered()


class _Registration:
    """The crawl of one app: at most one run at a time, and none after one has succeeded."""

    def __init__(self, off_cpu: Callable[[], ContextManager], turn: Callable[[], ContextManager]) -> None:
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.tried_at: float | None = None
        self._running: threading.Event | None = None
        self._off_cpu = off_cpu
        self._turn = turn

    def start(self, app: Flask) -> threading.Event | None:
        with self.lock:
            if self.done.is_set():
                return None
            if self._running is not None:
                return self._running
            # Rendering every page takes seconds: while the engine is down, at most once a minute.
            if self.tried_at is not None and time.monotonic() - self.tried_at < RETRY_REGISTRATION_AFTER:
                return None
            self.tried_at = time.monotonic()
            finished = self._running = threading.Event()
        threading.Thread(target=self._crawl, args=(app, finished), name="register-all", daemon=True).start()
        return finished

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a wait for the crawl: it uses no CPU in the waiting thread, so its turn is given back."""
        with self._off_cpu():
            yield

    def _crawl(self, app: Flask, finished: threading.Event) -> None:
        try:
            _render_every_page(app, self._turn)
            # With the engine down, no voice was found and nothing registered: try
            # again next time rather than report zero clips for good.
            if app.extensions["speech"].engine_known:
                self.done.set()
        except Exception:  # noqa: BLE001 - a background thread has nobody else to tell
            log.exception("registering the clips of every page failed")
        finally:
            with self.lock:
                self._running = None
            finished.set()


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
    worker = threading.Thread(target=_render_every_page, args=(app, contextlib.nullcontext), name="register-all")
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
            urls.append(f"/{tag}/{leaflet.slug}/print")
            if leaflet.terms:
                urls.append(f"/{tag}/{leaflet.slug}/words")
    return urls


def _render_every_page(app: Flask, turn: Callable[[], ContextManager]) -> None:
    """Each page in a turn of its own (`turn()`): while the kiosk serves, the crawl takes
    turns with the requests, page by page, rather than compete with them for the GIL."""
    client = app.test_client()
    for url in page_urls(app):
        with turn():
            client.get(url)
    # Every kind of error page too, in every language: its words are spoken.
    for tag in KNOWN_LOCALES:
        with turn():
            for code in (*MESSAGES, 500):
                with app.test_request_context(f"/{tag}/"):
                    handle_http_error(default_exceptions[code]())


def init_app(app: Flask, *, off_cpu: Callable[[], ContextManager] = contextlib.nullcontext,
             turn: Callable[[], ContextManager] = contextlib.nullcontext) -> None:
    """`off_cpu()` is entered around a request's wait for the crawl, and `turn()` around each
    page the crawl renders: the web server's scheduler (kiosk.web.turns), passed in by create_app."""
    app.extensions["registration"] = _Registration(off_cpu, turn)

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
