"""Rendering the missing audio in the background, one run at a time, with its progress for staff.

`kiosk serve` starts a run at start-up, and staff can start another from the
staff screen (after a catalog update, or once a full disk has been cleared).
The progress is the kiosk's, not a patient's: it is the same for every client.

After a pronunciation change, a run also renders again the pages that named the clips it
changed (the page cache marked them stale), each in a spare turn (kiosk.web.turns: only while no
request runs or waits), after the clips: a patient who opens one meanwhile is answered with the
stale page at once, the words said as before the change.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Callable, ContextManager

from flask import Flask

from .crawl import ensure_registered
from ..web.page_cache import RENDER_AGAIN
from ..speech import SpeechUnavailable
from ..state import app_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    running: bool = False
    done: int = 0  # clips tried so far in this run
    total: int = 0  # clips missing when the run started
    failed: int = 0
    started: float | None = None  # time.time() of the run's start
    finished: float | None = None
    error: str | None = None

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 1.0


class BackgroundRender:
    """Renders every missing clip of one app on a thread of its own; a second start while one runs is refused."""

    def __init__(self, app: Flask, spare_turn: Callable[[], ContextManager] = contextlib.nullcontext) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._progress = Progress()
        self._again = False
        self._pages: set[str] = set()  # paths to render again, for the page cache
        self._spare_turn = spare_turn

    @property
    def progress(self) -> Progress:
        with self._lock:
            return self._progress

    def start(self, after_pages: Callable[[], None] | None = None) -> bool:
        """Start a run; False (and nothing started) when one is running already.

        `after_pages` is called on the run's thread once every page has been rendered, before
        the clips are."""
        with self._lock:
            if self._progress.running:
                return False
            self._progress = Progress(running=True, started=time.time())
        threading.Thread(target=self._run, args=(after_pages,), name="render-audio", daemon=True).start()
        return True

    def start_or_again(self, pages: Iterable[str] = ()) -> None:
        """Start a run, or, if one is running, another as soon as it ends: for a change (the
        pronunciation lexicon) that makes new clips the running one has not counted, and
        drops `pages` (paths) from the page cache, to be rendered again after the clips."""
        with self._lock:
            self._pages.update(pages)
            if self._progress.running:
                self._again = True
                return
        if not self.start():
            self.start_or_again()  # another thread started one in between

    def _render_pages(self) -> int:
        """Render again, and so keep, the pages a change dropped: one at a time, each in a spare
        turn. Returns how many."""
        client = self._app.test_client()
        done = 0
        while True:
            with self._lock:
                if not self._pages:
                    return done
                path = self._pages.pop()
            with self._spare_turn():
                client.get(path, environ_overrides={RENDER_AGAIN: True})  # past the stale page
            done += 1

    def pages_waiting(self) -> int:
        """Pages still to be rendered again (for tests and the bench)."""
        with self._lock:
            return len(self._pages)

    def _update(self, **changes) -> None:
        with self._lock:
            self._progress = replace(self._progress, **changes)

    def _run(self, after_pages: Callable[[], None] | None) -> None:
        speech = app_state(self._app).speech
        error = None
        try:
            ensure_registered(self._app)
            if after_pages is not None:
                after_pages()
            self._update(total=len(speech.missing()))
            rendered = speech.prerender(lambda done, total: self._update(done=done, total=total))
            log.info("audio cache ready (%d clips rendered now)", rendered)
        except SpeechUnavailable as exc:
            error = str(exc)
            self._update(failed=self.progress.total - getattr(exc, "rendered", 0))
            log.error("audio cache incomplete: %s", exc)
        except Exception as exc:  # noqa: BLE001 - a background thread has nobody else to tell
            error = f"{type(exc).__name__}: {exc}"
            log.exception("rendering audio failed")
        finally:
            # Whether or not every clip could be made: the pages are right either way.
            try:
                log.info("%d pages rendered again", self._render_pages())
            except Exception:  # noqa: BLE001 - a background thread has nobody else to tell
                log.exception("rendering pages again failed")
            finally:
                # What could not be kept again (a page that failed, or one that another change
                # overtook) is rendered on its next visit instead of served stale for good;
                # but the pages a change since has queued, which the next run renders.
                with self._lock:
                    waiting = set(self._pages)
                app_state(self._app).page_cache.drop_stale(but=waiting)
            self._update(running=False, finished=time.time(), error=error)
            with self._lock:
                again, self._again = self._again, False
            if again:
                self.start()


def init_app(app: Flask, *, spare_turn: Callable[[], ContextManager] = contextlib.nullcontext) -> None:
    """`spare_turn()` is entered around each page rendered again: the web server's scheduler's
    lowest priority (kiosk.web.turns), passed in by create_app."""
    app_state(app).background_render = BackgroundRender(app, spare_turn)
