"""The render scheduler: which registered clips are missing from the cache, the prerender that
synthesizes them on every worker with its progress, and the speech status staff and /healthz see.

It reads the registry (which clips the pages need) and drives the synthesizer (which makes
them); the background render (kiosk/jobs/render_audio.py) and `kiosk prerender` run it.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from .registry import ClipRegistry
from .synthesizer import SpeechUnavailable, Synthesizer, VoiceFailed

log = logging.getLogger(__name__)

# prerender gives up after this many clips in a row could not be made (an engine that cannot
# start or a disk that cannot be written would otherwise cost minutes per clip, for hours).
GIVE_UP_AFTER = 5
# prerender keeps this many clips in hand per worker: while one is checked and made durable (two
# fsyncs, several milliseconds), the worker already speaks the next, rather than wait for it.
CLIPS_IN_HAND = 2


@dataclass(frozen=True)
class ClipCount:
    cached: int
    missing: int


class RenderScheduler:
    """The missing clips of one registry, made by one synthesizer."""

    def __init__(self, registry: ClipRegistry, synthesizer: Synthesizer,
                 on_voice_failed: Callable[[VoiceFailed], None] = lambda failure: None) -> None:
        self.registry = registry
        self.synthesizer = synthesizer
        self._on_voice_failed = on_voice_failed

    def missing(self) -> list[str]:
        """Keys of registered clips with no valid cached file."""
        return [key for key, job, _tag in self.registry.jobs() if self.synthesizer.find(key, job) is None]

    def counts(self) -> dict[str, ClipCount]:
        """Per language tag (as registered): how many of its clips are cached and how many missing."""
        cached: dict[str, int] = {}
        missing: dict[str, int] = {}
        for key, job, tag in self.registry.jobs():
            bucket = cached if self.synthesizer.find(key, job) is not None else missing
            bucket[tag] = bucket.get(tag, 0) + 1
        return {tag: ClipCount(cached.get(tag, 0), missing.get(tag, 0)) for tag in {*cached, *missing}}

    def prerender(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Synthesize every registered clip that is not cached yet, on every worker; return how many.

        Gives up early when GIVE_UP_AFTER clips in a row fail, or at once when no folder can be written.
        """
        synthesizer = self.synthesizer
        keys = self.missing()
        lock = threading.Lock()
        tally = {"done": 0, "failed": 0, "in_a_row": 0, "voice_failed": False}
        stop = threading.Event()

        def one(key: str) -> None:
            if stop.is_set():
                return
            try:
                job = self.registry.job(key)
                # A voice that failed for an earlier clip: this clip was re-keyed to the default
                # voice (made below, in a second pass), so it is not tried again here.
                if self.registry.failed(job.voice) is None and synthesizer.find(key, job) is None:
                    synthesizer.synthesize(key, job)
                ok = True
            except VoiceFailed as exc:
                ok = True  # not the engine's failure: the language falls back, rendered below
                log.error("%s", exc)
                self._on_voice_failed(exc)
                tally["voice_failed"] = True
            except SpeechUnavailable as exc:
                ok = False
                log.error("%s", exc)
            with lock:
                tally["done"] += 1
                tally["failed"] += 0 if ok else 1
                tally["in_a_row"] = 0 if ok else tally["in_a_row"] + 1
                if progress is not None:
                    progress(tally["done"], len(keys))
                if tally["in_a_row"] >= GIVE_UP_AFTER or synthesizer.cache.writable is False:
                    if not stop.is_set():
                        log.error("gave up rendering: the last %d clips failed", tally["in_a_row"])
                    stop.set()

        with ThreadPoolExecutor(CLIPS_IN_HAND * synthesizer.workers, thread_name_prefix="prerender") as pool:
            list(pool.map(one, keys))
            if tally["voice_failed"] and not stop.is_set():
                # A chosen voice could not be loaded, and its languages' clips got the default
                # voice's keys: made now, so `kiosk prerender` and an export end complete.
                tried = set(keys)
                again = [key for key in self.missing() if key not in tried]
                keys = keys + again
                list(pool.map(one, again))
        failed = tally["failed"] + (len(keys) - tally["done"])
        if failed:
            error = SpeechUnavailable(f"{failed} of {len(keys)} clips could not be rendered")
            error.rendered = len(keys) - failed
            raise error
        return len(keys)

    def status(self) -> dict:
        """The engine's state, for staff and /healthz: ok is False when clips cannot be made."""
        synthesizer = self.synthesizer
        waiting = synthesizer.waiting()
        if not synthesizer.enabled:
            return {"ok": True, "state": "off", "detail": "speech is turned off in the settings"}
        cache = synthesizer.cache
        writable = cache.writable
        state = {
            "engine": synthesizer.engine,
            "waiting": waiting,
            "queue": synthesizer.queue,
            "cache": str(cache.folder),
            "fallback": str(cache.fallback) if cache.fallback else None,
            "last_error": synthesizer.last_error,
        }
        if synthesizer.engine_failed:
            return {**state, "ok": False, "state": "failed", "detail": "the speech engine could not start"}
        if writable is False:
            return {**state, "ok": False, "state": "failed", "detail": "no folder for clips can be written"}
        if not synthesizer.engine_started:
            return {**state, "ok": True, "state": "not started", "detail": "starts when audio is first needed"}
        return {**state, "ok": True, "state": "busy" if waiting else "ready",
                "detail": f"{waiting} clip(s) being rendered" if waiting else "ready"}
