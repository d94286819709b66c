"""Patient pages rendered once and kept: each is determined by its path and the site's settings.

A page is the same for every patient (the server keeps nothing per patient), so the first
render of a URL is kept in memory with its gzip form and an ETag, and later requests are
answered from it, with 304 for an If-None-Match that matches. A page rendered while the speech
engine's voices are not known yet (starting, or failed) is not kept: it may say "audio not
available" where audio will be.

What can change a page while the kiosk runs, and how the cache keeps up (issue 28: it kept
every page of every lexicon and settings ever used, 5.5 MB more at each save):
- the staff's settings (start language, idle time): a page is kept with the settings it was
  rendered with, one page per path, and a page of other settings is dropped when found;
- the pronunciation lexicon, through the clip URLs a page names: a change marks the pages that
  name a clip it changed as stale (mark_stale_naming), and nothing else, and
  kiosk/jobs/render_audio.py renders them again in the background, each replacing its stale
  page when it is done. Until then patients are answered from the stale page, at once: it names
  the clips as they were said before the change, which the speech layer still serves (retired,
  speech.registry). Dropping them made every patient who opened one wait for its render, and
  p99 went from 123 ms to 771 ms for the seconds after a save (bench/bench_lexicon_save.py).
  Whatever the background could not render again is dropped at the end of its run
  (drop_stale), so no stale page outlives it.
And the whole cache has a size limit (MAX_BYTES): the least recently used pages go first.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request

from .compressed import encoded
from ..patient.page_table import CACHED
from ..state import app_state

# Which pages are kept: the page table's (kiosk/patient/page_table.py, CACHED).
# About forty times every page of every language of the shipped leaflets (99 pages, 5.5 MB with
# their gzip forms): room for far more leaflets, and a bound however many there are.
MAX_BYTES = 200 * 1024 * 1024
# A clip key in a page's /audio/<key>.ogg URLs (speech.registry.KEY).
CLIP_KEY = re.compile(rb"/audio/([0-9a-f]{64})\.ogg")
# The WSGI environ key by which the background render asks for a page rendered anew, past a
# stale one. An environ key, not a header: no HTTP client can set it.
RENDER_AGAIN = "kiosk.render_again"


@dataclass(frozen=True)
class Page:
    body: bytes
    gzipped: bytes
    etag: str
    mimetype: str
    settings: object  # the staff settings and reviews' revision it was rendered with (_settings())
    clips: frozenset[str]  # the clip keys it names

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped)


class PageCache:
    """Pages by path, least recently used first, at most `max_bytes` in all."""

    def __init__(self, max_bytes: int = MAX_BYTES) -> None:
        self._lock = threading.Lock()
        self._pages: OrderedDict[tuple, Page] = OrderedDict()
        self._bytes = 0
        self._stale: set[tuple] = set()  # kept pages that name a clip a lexicon change retired
        self.max_bytes = max_bytes
        # Counts the lexicon changes: a page rendered across one may name the old clips, and is not kept.
        self.generation = 0

    def get(self, key: tuple, settings: object) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.settings != settings:
                self._drop(key)  # the settings changed: it will never be served again
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: tuple, settings: object, body: bytes, mimetype: str, generation: int) -> Page:
        """Keep the page (in place of any of the same path), unless the lexicon changed since
        `generation` was read at the start of its request."""
        page = Page(body, gzip.compress(body, 6, mtime=0), hashlib.sha256(body).hexdigest()[:32], mimetype,
                    settings, frozenset(key.decode() for key in CLIP_KEY.findall(body)))
        with self._lock:
            if generation != self.generation:
                return page
            if key in self._pages:
                self._drop(key)
            self._pages[key] = page
            self._bytes += page.size
            while self._bytes > self.max_bytes and len(self._pages) > 1:
                self._drop(next(iter(self._pages)))
        return page

    def drop_naming(self, clips: Iterable[str]) -> list[str]:
        """Drop every page that names one of `clips` (the keys a lexicon change retired), for
        a kiosk that cannot render them again in the background; return their paths."""
        stale = self._naming(clips)
        with self._lock:
            for key in stale:
                if key in self._pages:
                    self._drop(key)
        return [key[0] for key in stale]

    def mark_stale_naming(self, clips: Iterable[str]) -> list[str]:
        """Mark every page that names one of `clips` stale: served until the background renders
        it again (put), or drop_stale(). Return their paths."""
        stale = self._naming(clips)
        with self._lock:
            self._stale.update(key for key in stale if key in self._pages)
        return [key[0] for key in stale]

    def _naming(self, clips: Iterable[str]) -> list[tuple]:
        clips = frozenset(clips)
        with self._lock:
            self.generation += 1  # a render begun before the change may name the old clips
            return [key for key, page in self._pages.items() if page.clips & clips]

    def drop_stale(self, but: Iterable[str] = ()) -> int:
        """Drop the stale pages, but those whose paths are in `but` (still to be rendered
        again); return how many were dropped."""
        but = frozenset(but)
        with self._lock:
            gone = [key for key in self._stale if key[0] not in but]
            for key in gone:
                self._drop(key)
        return len(gone)

    def clear(self) -> None:
        """Drop every page: the content changed (staff's Reload content), and any page may show
        it. A render begun before now may show the old content, and is not kept either."""
        with self._lock:
            self.generation += 1
            self._pages.clear()
            self._stale.clear()
            self._bytes = 0

    def stale(self) -> set[str]:
        """The paths of the stale pages (for tests)."""
        with self._lock:
            return {key[0] for key in self._stale}

    def _drop(self, key: tuple) -> None:
        self._bytes -= self._pages.pop(key).size
        self._stale.discard(key)

    def pages(self) -> dict[str, Page]:
        """The kept pages by path, least recently used first (for the staff screen and tests)."""
        with self._lock:
            return {key[0]: page for key, page in self._pages.items()}

    @property
    def bytes(self) -> int:
        with self._lock:
            return self._bytes

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)


def _key() -> tuple | None:
    if request.method not in ("GET", "HEAD") or request.endpoint not in CACHED:
        return None
    # ASK_STAFF: a static export renders the section pages without "Ask staff about this".
    return request.path, current_app.config["ASK_STAFF"]


def _settings():
    """What a page depends on besides its path: the staff's settings as a whole (a frozen
    dataclass), not a hand-made list of them, so a setting added later changes the kept pages
    too, never serves them stale (issue 30); and the reviews' revision, as a verdict changes
    a leaflet's "Reviewed by" mark, and what "Show only reviewed translations" shows (issue 32).
    Read once, when the request starts (from_cache): a page rendered while a verdict was
    recorded is kept as of before it, and so rendered again at its next request."""
    if "page_inputs" not in g:
        g.page_inputs = (app_state().settings, app_state().reviews.revision)
    return g.page_inputs


def _answer(page: Page) -> Response:
    """The kept page, as 304, gzip or plain as the request allows."""
    return encoded(page.etag, page.mimetype, page.gzipped, page.body)


def from_cache():
    key = _key()
    if key is None:
        return None
    cache = app_state().page_cache
    g.page_generation = cache.generation  # before the page's clips are registered, if it is rendered
    inputs = _settings()  # likewise: before the page reads the settings and reviews
    if request.environ.get(RENDER_AGAIN):
        return None
    page = cache.get(key, inputs)
    return _answer(page) if page is not None else None


def keep(response: Response) -> Response:
    key = _key()
    if key is None or response.status_code != 200 or response.direct_passthrough or response.headers.get("ETag"):
        return response
    if not app_state().speech.engine_known:
        return response
    page = app_state().page_cache.put(
        key, _settings(), response.get_data(), response.mimetype, g.get("page_generation", -1))
    answer = _answer(page)
    # Keep what the view and earlier hooks set (cookies, for one), and answer as a hit would.
    for name, value in response.headers.items():
        if name.lower() not in ("content-type", "content-length", "content-encoding", "etag", "vary"):
            answer.headers.add(name, value)
    return answer


def init_app(app: Flask) -> None:
    app_state(app).page_cache = PageCache()
    app.before_request(from_cache)
    # Flask runs after_request hooks in reverse order of registration: registered after
    # kiosk.web.headers, `keep` runs first, and the security headers and no-store are then added
    # to its answer (and to every answer from the cache) as to any other.
    app.after_request(keep)
