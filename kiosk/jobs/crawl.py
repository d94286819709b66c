"""The crawl of every page: rendering each page once registers every clip a patient can hear.

Pages register what they show as they render (kiosk.patient.read_aloud), so the crawl is how
the kiosk learns the clips of pages nobody has opened since start-up: for `kiosk
prerender`, `kiosk export`, the background render, the staff screen's counts, and a clip
URL a browser kept from before a restart. `page_urls` is the one list of every page.

A page that does not answer 200 is never dropped quietly: its clips would be missing and
`kiosk prerender` would say "Done" (issue 30). Each run keeps the pages that failed
(`failed_pages`); prerender fails with them, and /healthz and the staff screen name them.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import ContextManager

from flask import Flask, request
from werkzeug.exceptions import default_exceptions

from ..content import Leaflet
from ..i18n import KNOWN_LOCALES
from ..patient.page_table import every_path
from ..speech import UnknownClip
from ..web.errors import MESSAGES, handle_http_error
from ..state import app_state

log = logging.getLogger(__name__)


def start_crawl(app: Flask) -> threading.Event | None:
    """Start registering every clip (rendering every page once) on a thread of its own, unless
    it is done, running, or failed less than a minute ago; return the run's `finished` event
    (None when there is nothing to wait for).

    `kiosk serve` calls it once it listens, so that no request ever pays for the crawl: a
    request that needs it (a clip from before a restart, the staff screen) waits for this
    run, with its turn given back (kiosk.web.turns), and pages keep coming meanwhile."""
    return app_state(app).crawl.start(app)


def ensure_registered(app: Flask) -> int:
    """Wait until every clip of every page is registered (the one way in: the first clip
    request, the background render, the staff screen, prerender and export all come through
    here), starting the crawl if need be. Returns how many clips are known."""
    state = app_state(app).crawl
    # start() answers None once a crawl is done (or failed a moment ago). A lexicon change needs
    # no new crawl: the speech layer re-keys what it registered (Speech.use_lexicons).
    while (finished := state.start(app)) is not None:
        with state.waiting():
            finished.wait()
    return app_state(app).speech.registered()


def failed_pages(app: Flask) -> list[str]:
    """The pages the last crawl could not render ("URL answered 500"), whose clips are unknown."""
    return list(app_state(app).crawl.failures)


class Crawl:
    """The crawl of one app: at most one run at a time, and none after one has succeeded."""

    def __init__(self, off_cpu: Callable[[], ContextManager], turn: Callable[[], ContextManager]) -> None:
        self.done = threading.Event()
        self.lock = threading.Lock()
        self.tried_at: float | None = None
        self.failures: list[str] = []  # the last run's pages that did not answer 200
        self._running: threading.Event | None = None
        self._off_cpu = off_cpu
        self._turn = turn
        self._content = 0  # counts the content reloads: a crawl of the old pages is not the new ones'

    def forget(self) -> None:
        """The leaflets changed (staff's Reload content): the next wait crawls every page again,
        and a crawl running now, which walks the old list of pages, does not count as done."""
        with self.lock:
            self._content += 1
            self.done.clear()
            self.tried_at = None
            self.failures = []

    def start(self, app: Flask) -> threading.Event | None:
        with self.lock:
            if self.done.is_set():
                return None
            if self._running is not None:
                return self._running
            # Rendering every page takes seconds: while the engine is down, at most once a minute.
            if self.tried_at is not None and time.monotonic() - self.tried_at < RETRY_CRAWL_AFTER:
                return None
            self.tried_at = time.monotonic()
            finished = self._running = threading.Event()
        threading.Thread(target=self._crawl, args=(app, finished), name="crawl", daemon=True).start()
        return finished

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a wait for the crawl: it uses no CPU in the waiting thread, so its turn is given back."""
        with self._off_cpu():
            yield

    def _crawl(self, app: Flask, finished: threading.Event) -> None:
        with self.lock:
            content = self._content
        try:
            failures = _render_every_page(app, self._turn)
            if failures:
                log.error("the crawl could not render %d pages, so their clips are unknown: %s",
                          len(failures), "; ".join(failures))
            # With the engine down, no voice was found and nothing registered, and a page that
            # failed registered nothing: try again next time rather than report them for good.
            with self.lock:
                self.failures = failures
                if app_state(app).speech.engine_known and not failures and content == self._content:
                    self.done.set()
        except Exception as error:  # noqa: BLE001 - a background thread has nobody else to tell
            log.exception("registering the clips of every page failed")
            with self.lock:
                self.failures = [f"the crawl stopped: {type(error).__name__}: {error}"]
        finally:
            with self.lock:
                self._running = None
            finished.set()


RETRY_CRAWL_AFTER = 60.0


def page_urls(app: Flask) -> list[str]:
    """Every page a patient can reach, in every language."""
    return urls_of(app_state(app).leaflets)


def urls_of(leaflets: Mapping[str, Leaflet]) -> list[str]:
    """Every page a patient can reach with these leaflets, in every language (the tests' list too),
    from the page table."""
    return every_path(leaflets, KNOWN_LOCALES)


def _render_every_page(app: Flask, turn: Callable[[], ContextManager]) -> list[str]:
    """Each page in a turn of its own (`turn()`): while the kiosk serves, the crawl takes
    turns with the requests, page by page, rather than compete with them for the GIL.
    Returns the pages that did not answer 200, each as "URL answered CODE"."""
    client = app.test_client()
    failures = []
    for url in page_urls(app):
        with turn():
            status = client.get(url).status_code
        if status != 200:
            failures.append(f"{url} answered {status}")
    # Every kind of error page too, in every language: its words are spoken.
    for tag in KNOWN_LOCALES:
        with turn():
            for code in (*MESSAGES, 500):
                with app.test_request_context(f"/{tag}/"):
                    handle_http_error(default_exceptions[code]())
    return failures


def init_app(app: Flask, *, off_cpu: Callable[[], ContextManager] = contextlib.nullcontext,
             turn: Callable[[], ContextManager] = contextlib.nullcontext) -> None:
    """`off_cpu()` is entered around a request's wait for the crawl, and `turn()` around each
    page the crawl renders: the web server's scheduler (kiosk.web.turns), passed in by create_app."""
    app_state(app).crawl = Crawl(off_cpu, turn)

    @app.before_request
    def register_before_first_clip():
        # A clip URL from before a restart (in the browser's cache or history) names a clip
        # that no page has registered in this process yet. A clip that a page rendered in this
        # process has registered needs no crawl: with 40 leaflets the crawl renders some 3,400
        # pages (minutes on a busy 2-core kiosk), and the guide's first words on the first
        # page a patient opens after a restart waited for all of them (issue 31).
        if request.blueprint == "audio" and not registered(app, (request.view_args or {}).get("key")):
            ensure_registered(app)


def registered(app: Flask, key: str | None) -> bool:
    """Whether a page has registered the clip `key` in this process."""
    try:
        app_state(app).speech.job(key)
    except UnknownClip:
        return False
    return True
