"""Patient pages rendered once and kept: each is determined by its path and the site's settings.

A page is the same for every patient (the server keeps nothing per patient), so the first
render of a URL is kept in memory with its gzip form and an ETag, and later requests are
answered from it, with 304 for an If-None-Match that matches. What can change a page while
the kiosk runs is part of the key: the staff's settings (start language, idle time) and
pronunciation lexicon (its clip URLs). A page
rendered while the speech engine's voices are not known yet (starting, or failed) is not
kept: it may say "audio not available" where audio will be.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from .compressed import encoded

# The patient's pages: their content depends only on the URL and the settings.
CACHEABLE = frozenset({
    "start.choose_language", "pages.leaflet_list", "pages.overview", "pages.section", "pages.printable",
    "pages.words",
})


@dataclass(frozen=True)
class Page:
    body: bytes
    gzipped: bytes
    etag: str
    mimetype: str


class PageCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[tuple, Page] = {}

    def get(self, key: tuple) -> Page | None:
        with self._lock:
            return self._pages.get(key)

    def put(self, key: tuple, body: bytes, mimetype: str) -> Page:
        page = Page(body, gzip.compress(body, 6, mtime=0), hashlib.sha256(body).hexdigest()[:32], mimetype)
        with self._lock:
            self._pages[key] = page
        return page

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)


def _key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHEABLE:
        return None
    extensions = current_app.extensions
    # A page names its clips, whose keys follow the pronunciation lexicon (kiosk/speech/lexicon.py).
    # ASK_STAFF: a static export renders the section pages without "Ask staff about this".
    return (
        request.path, extensions.get("default_language"), extensions["idle"], extensions["speech"].lexicons.digest,
        current_app.config.get("ASK_STAFF"),
    )


def _answer(page: Page) -> Response:
    """The kept page, as 304, gzip or plain as the request allows."""
    return encoded(page.etag, page.mimetype, page.gzipped, page.body)


def from_cache():
    key = _key()
    if key is None:
        return None
    page = current_app.extensions["page_cache"].get(key)
    return _answer(page) if page is not None else None


def keep(response: Response) -> Response:
    key = _key()
    if key is None or response.status_code != 200 or response.direct_passthrough or response.headers.get("ETag"):
        return response
    if not current_app.extensions["speech"].engine_known:
        return response
    page = current_app.extensions["page_cache"].put(key, response.get_data(), response.mimetype)
    answer = _answer(page)
    # Keep what the view and earlier hooks set (cookies, for one), and answer as a hit would.
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length", "content-encoding", "etag", "vary"):
            answer.headers.add(name, value)
    return answer


def init_app(app: Flask) -> None:
    app.extensions["page_cache"] = PageCache()
    app.before_request(from_cache)
    # Flask runs after_request hooks in reverse order of registration: registered after
    # kiosk.web.headers, `keep` runs first, and the security headers and no-store are then added
    # to its answer (and to every answer from the cache) as to any other.
    app.after_request(keep)
