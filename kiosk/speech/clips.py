"""Spoken clips: content-addressed keys, a file cache, and one synthesis per key however many ask."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import re
import threading
import time
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, ContextManager, TypeVar

from .. import files
from . import voices as voice_table
from . import ogg, wav
from .cache import CacheUnwritable, ClipCache
from .engine import EngineClosed, EngineError, EngineInfo, Job, LexiconEntry, Words
from .lexicon import Lexicon, Lexicons, said
from .pool import WorkerPool
from .worker import ProcessExecutor, default_engine_factory, load_engine

log = logging.getLogger(__name__)

# Bump when the rendering pipeline changes in a way the engine versions do not show.
SCHEMA = "kiosk-speech-1"
KEY = re.compile(r"[0-9a-f]{64}")
# eSpeak NG's own limits for the rate parameter (espeakRATE_MINIMUM/MAXIMUM).
MIN_RATE, MAX_RATE = 80, 450
# After the engine failed to start, pages go without audio for this long before it is tried again.
RETRY_ENGINE_AFTER = 60.0
# Clip requests that may wait for synthesis at once; more get 503 with Retry-After at once,
# so that they never hold all of the web server's threads while pages wait behind them.
DEFAULT_QUEUE = 4
RETRY_AFTER = 5  # seconds: about how long the engine takes to work through a full queue
# prerender gives up after this many clips in a row could not be rendered (an engine that cannot
# start or a disk that cannot be written would otherwise cost minutes per clip, for hours).
GIVE_UP_AFTER = 5
# prerender keeps this many clips in hand per worker: while one is checked and made durable (two
# fsyncs, several milliseconds), the worker already speaks the next, rather than wait for it.
CLIPS_IN_HAND = 2
# Staff previews of a lexicon entry kept at once (the word and up to 12 sentences, before and after).
PREVIEWS = 64
# Clips retired by lexicon changes and still served (a patient's open page may name them): the
# newest this many, so that fifty saves do not keep fifty sets of old jobs.
RETIRED = 5000

T = TypeVar("T")


class UnknownClip(KeyError):
    """Not a clip key, or a key nobody registered."""


class SpeechUnavailable(RuntimeError):
    """The engine could not produce the clip (after retries)."""


class SpeechBusy(SpeechUnavailable):
    """Too many clip requests are waiting for synthesis already; ask again in `retry_after` seconds."""

    retry_after = RETRY_AFTER


def clip_key(text: str, voice: str, rate: int, engine: str, lexicon: tuple[LexiconEntry, ...] = ()) -> str:
    """Hex SHA-256 of everything that decides the audio, so a cached file can never be stale.

    `lexicon` is the pronunciation entries that change this text's words: named only when there
    are some, so a text no entry touches keeps its key (and its clip) whatever else the lexicon
    holds, and removing an entry brings back the key from before it was added."""
    fields: list = [SCHEMA, engine, voice, rate, text]
    if lexicon:
        fields.append([[e.grapheme, e.say] for e in lexicon])
    material = json.dumps(fields, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Rendered:
    path: Path
    frames: int
    words: Words


def render(executor, job: Job, dest: Path, *, attempts: int = 2, cache: ClipCache | None = None) -> Rendered:
    """Have the executor speak and encode `job` into a temporary file (produce.py), check that,
    then rename it to `dest`; retry on failure."""
    cache = cache or ClipCache(dest.parent)
    error: Exception | None = None
    for attempt in range(1, attempts + 1):
        # Both temporary names are the server's, so close() and the start-up sweep remove
        # whatever a killed worker leaves.
        tmp, encoded = cache.temporary(dest), cache.temporary(dest)
        try:
            words = executor.run(job, str(tmp), str(encoded))
            # Checked again here: what goes into the cache is never taken on a worker's word.
            info = ogg.check(encoded, job.text, job.rate, said(job))
            files.replace_durably(encoded, dest)
            return Rendered(dest, info.frames, words)
        except (EngineError, wav.InvalidAudio, OSError) as exc:
            error = exc
            log.warning("speech attempt %d/%d for %s failed: %s", attempt, attempts, dest.name, exc)
            if isinstance(exc, EngineClosed):
                break  # the server is stopping: no second attempt
        finally:
            cache.done_with(tmp)
            cache.done_with(encoded)
    raise SpeechUnavailable(f"could not render {dest.name}: {error}") from error


class SingleFlight:
    """Runs `fn` once per key however many threads ask at the same time; the others share its result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, tuple[Future, list[int]]] = {}

    def do(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            call = self._calls.get(key)
            leader = call is None
            if leader:
                call = self._calls[key] = (Future(), [0])
            call[1][0] += 1
        future = call[0]
        if leader:
            try:
                future.set_result(fn())
            except BaseException as exc:  # noqa: BLE001 - every waiter gets it
                future.set_exception(exc)
            finally:
                with self._lock:
                    del self._calls[key]
        return future.result()

    def waiters(self, key: str) -> int:
        """How many callers share the call for `key` that is running now (0 if none)."""
        with self._lock:
            call = self._calls.get(key)
            return call[1][0] if call else 0


@dataclass(frozen=True)
class ClipCount:
    cached: int
    missing: int


class Speech:
    """Voices, clip keys and the audio cache of one app; the engine itself runs behind an executor."""

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        rate: int = 150,
        voices: dict[str, str | None] | None = None,
        enabled: bool = True,
        executor=None,
        attempts: int = 2,
        queue: int = DEFAULT_QUEUE,
        engine: str | None = None,
        workers: int = 1,
        off_cpu: Callable[[], ContextManager] = contextlib.nullcontext,
    ) -> None:
        """`off_cpu()` is entered around every wait that uses no CPU in this process (the engine
        starting, a clip being synthesized): the web server passes one that lets another request
        run meanwhile (kiosk.web.turns). The speech layer knows nothing of how requests are scheduled."""
        if not MIN_RATE <= int(rate) <= MAX_RATE:
            raise ValueError(f"SPEECH_RATE must be {MIN_RATE}-{MAX_RATE} words per minute, not {rate}")
        if int(queue) < 1:
            raise ValueError(f"SPEECH_QUEUE must be 1 or more, not {queue}")
        self.cache = ClipCache(cache_dir)
        self.cache_dir = self.cache.folder
        self.rate = int(rate)
        self.enabled = bool(enabled)
        self.attempts = attempts
        self.queue = int(queue)
        # Workers render in parallel (prerender, and a crowd of patients); a given executor is one.
        self.workers = getattr(executor, "size", 1) if executor is not None else max(1, int(workers))
        self._overrides = {voice_table.normalize(tag): voice for tag, voice in (voices or {}).items()}
        self.executor = executor if self.enabled else None
        self._own_executor = self.enabled and executor is None
        self._factory = functools.partial(load_engine, engine) if engine else default_engine_factory
        if self._own_executor:
            # Built now, started lazily: the first voice or clip request spawns the worker.
            self._build_executor(self.workers)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._tags: dict[str, str] = {}  # key -> the language tag it was registered for
        # Clips of pages from before the lexicon last changed: still served (a patient's page may
        # name them) but neither counted nor rendered any more.
        self._retired: dict[str, Job] = {}
        self._previews: dict[str, Job] = {}  # staff previews of lexicon entries, newest last
        self.lexicons = Lexicons()
        self._voice_ids: dict[str, str | None] = {}
        self._info: EngineInfo | None = None
        self._info_failed_at: float | None = None
        self._last_error: str | None = None
        self._flights = SingleFlight()
        self._waiting = threading.BoundedSemaphore(self.queue)
        self._waiters = 0
        self._off_cpu = off_cpu

    def _build_executor(self, workers: int) -> None:
        self.workers = workers
        self.executor = WorkerPool(self._factory, workers) if workers > 1 else ProcessExecutor(self._factory)
        weakref.finalize(self, self.executor.close)

    def use_workers(self, workers: int) -> None:
        """Render with `workers` worker processes from now on (`kiosk prerender --workers`):
        only before any has started, and only with the speech layer's own workers."""
        workers = max(1, int(workers))
        if not self._own_executor or workers == self.workers:
            return
        with self._lock:
            if self._info is not None or self._jobs:
                raise RuntimeError("use_workers() must come before any voice or clip is asked for")
            old = self.executor
            self._build_executor(workers)
        old.close()

    def voice_for(self, locale_tag: str) -> str | None:
        """The voice id for `locale_tag`, or None when no installed voice speaks that language."""
        tag = voice_table.normalize(locale_tag)
        with self._lock:
            if tag in self._voice_ids:
                return self._voice_ids[tag]
        info = self._engine_info()
        if info is None:
            return None  # engine unavailable: the page goes without audio, and we try again later
        installed = {v.id.lower(): v.id for v in info.voices}
        if tag in self._overrides:
            wanted = self._overrides[tag]
            voice = installed.get(wanted.lower()) if wanted else None
            if wanted and voice is None:
                log.error("SPEECH_VOICES[%r] = %r is not an installed voice", locale_tag, wanted)
        else:
            voice = voice_table.pick(tag, info.voices)
        with self._lock:
            self._voice_ids[tag] = voice
        return voice

    def register(self, text: str, locale_tag: str) -> str | None:
        """Remember `text` for later synthesis and return its clip key; None when it cannot be spoken."""
        if not text or not text.strip():
            return None
        voice = self.voice_for(locale_tag)
        if voice is None:
            return None
        while True:
            lexicons = self.lexicons
            lexicon = lexicons.matching(locale_tag, text)
            key = clip_key(text, voice, self.rate, self._info.engine, lexicon)
            with self._lock:
                # The lexicon changed meanwhile (use_lexicons re-keyed what was registered before
                # it): this text's key may have changed too.
                if self.lexicons is not lexicons:
                    continue
                self._jobs[key] = Job(text, voice, self.rate, lexicon)
                self._tags.setdefault(key, locale_tag)
            return key

    def use_lexicons(self, lexicons: Lexicons) -> frozenset[str]:
        """Say words as `lexicons` has them from now on; return the keys of the clips that changed.

        Each registered clip whose words an entry now says differently gets its new key here, in
        place (issue 28: every page of every language was rendered again to find them, for one
        English word). The old keys are retired: still served to a page that names them, but no
        longer counted or rendered. The pages that name them are the caller's to render again."""
        with self._lock:
            if lexicons.digest == self.lexicons.digest:
                return frozenset()
            old, self.lexicons = self.lexicons, lexicons
            changed_tags = {tag for tag in set(self._tags.values()) if old[tag] != lexicons[tag]}
            retired = []
            for key, job in list(self._jobs.items()):
                tag = self._tags[key]
                if tag not in changed_tags or self._info is None:
                    continue
                entries = lexicons.matching(tag, job.text)
                if entries == job.lexicon:
                    continue
                del self._jobs[key], self._tags[key]
                self._retired.pop(key, None)
                self._retired[key] = job  # the newest last
                retired.append(key)
                new_key = clip_key(job.text, job.voice, job.rate, self._info.engine, entries)
                self._jobs[new_key] = replace(job, lexicon=entries)
                self._tags.setdefault(new_key, tag)
            while len(self._retired) > RETIRED:
                del self._retired[next(iter(self._retired))]
        return frozenset(retired)

    def preview(self, text: str, locale_tag: str, lexicon: Lexicon | None = None) -> str | None:
        """The key of a staff preview: `text` said with `lexicon` (None: the kiosk's own, as now)
        for `locale_tag`; served by preview_path(), never to patients, and forgotten after PREVIEWS."""
        voice = self.voice_for(locale_tag)
        if voice is None or not text.strip():
            return None
        entries = (lexicon.matching(text) if lexicon is not None else self.lexicons.matching(locale_tag, text))
        key = clip_key(text, voice, self.rate, self._info.engine, entries)
        with self._lock:
            self._previews.pop(key, None)
            self._previews[key] = Job(text, voice, self.rate, entries)
            while len(self._previews) > PREVIEWS:
                del self._previews[next(iter(self._previews))]
        return key

    def preview_path(self, key: str) -> Path:
        """The clip of a preview key (UnknownClip for any other), synthesized now if need be."""
        with self._lock:
            job = self._previews.get(key) if isinstance(key, str) else None
        if job is None:
            raise UnknownClip(key)
        return self._path(key, job)

    @property
    def engine_known(self) -> bool:
        """Whether voices could be looked up (or speech is off): registering found what it could."""
        return not self.enabled or self._info is not None

    def registered(self) -> int:
        """How many clips are known (registered by the pages rendered so far)."""
        with self._lock:
            return len(self._jobs)

    def keys(self) -> list[str]:
        """The keys of every registered clip (kiosk export copies their files)."""
        with self._lock:
            return list(self._jobs)

    def texts(self, locale_tag: str) -> list[str]:
        """Every registered text of one language (the sentences a lexicon entry may change)."""
        with self._lock:
            return [job.text for key, job in self._jobs.items() if self._tags[key] == locale_tag]

    def job(self, key: str) -> Job:
        """What the clip `key` says, in which voice (UnknownClip if no page registered it)."""
        return self._job(key)

    def clip_path(self, key: str) -> Path:
        """The valid clip file for `key`, synthesized now (once, however many ask) if not cached yet.

        At most `queue` callers wait for synthesis at once; any more get SpeechBusy at once.
        """
        return self._path(key, self._job(key))

    def _path(self, key: str, job: Job) -> Path:
        path = self.cache.find(key, job)
        if path is not None:
            return path
        if not self._waiting.acquire(blocking=False):
            raise SpeechBusy(f"{self.queue} clip requests are waiting for the engine already")
        with self._lock:
            self._waiters += 1
        try:
            # The work is the speech worker's, in its own process: a page may run meanwhile.
            with self._off_cpu():
                return self._flights.do(key, lambda: self._render_missing(key, job))
        finally:
            with self._lock:
                self._waiters -= 1
            self._waiting.release()

    def missing(self) -> list[str]:
        """Keys of registered clips with no valid cached file."""
        with self._lock:
            jobs = list(self._jobs.items())
        return [key for key, job in jobs if self.cache.find(key, job) is None]

    def counts(self) -> dict[str, ClipCount]:
        """Per language tag (as registered): how many of its clips are cached and how many missing."""
        with self._lock:
            jobs = [(key, job, self._tags[key]) for key, job in self._jobs.items()]
        cached: dict[str, int] = {}
        missing: dict[str, int] = {}
        for key, job, tag in jobs:
            bucket = cached if self.cache.find(key, job) is not None else missing
            bucket[tag] = bucket.get(tag, 0) + 1
        return {tag: ClipCount(cached.get(tag, 0), missing.get(tag, 0)) for tag in {*cached, *missing}}

    def prerender(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Render every registered clip that is not cached yet, on every worker; return how many.

        Gives up early when GIVE_UP_AFTER clips in a row fail, or at once when no folder can be written.
        """
        keys = self.missing()
        lock = threading.Lock()
        tally = {"done": 0, "failed": 0, "in_a_row": 0}
        stop = threading.Event()

        def one(key: str) -> None:
            if stop.is_set():
                return
            try:
                job = self._job(key)
                if self.cache.find(key, job) is None:
                    self._flights.do(key, lambda: self._render_missing(key, job))
                ok = True
            except SpeechUnavailable as exc:
                ok = False
                log.error("%s", exc)
            with lock:
                tally["done"] += 1
                tally["failed"] += 0 if ok else 1
                tally["in_a_row"] = 0 if ok else tally["in_a_row"] + 1
                if progress is not None:
                    progress(tally["done"], len(keys))
                if tally["in_a_row"] >= GIVE_UP_AFTER or self.cache.writable is False:
                    if not stop.is_set():
                        log.error("gave up rendering: the last %d clips failed", tally["in_a_row"])
                    stop.set()

        with ThreadPoolExecutor(CLIPS_IN_HAND * self.workers, thread_name_prefix="prerender") as pool:
            list(pool.map(one, keys))
        failed = tally["failed"] + (len(keys) - tally["done"])
        if failed:
            error = SpeechUnavailable(f"{failed} of {len(keys)} clips could not be rendered")
            error.rendered = len(keys) - failed
            raise error
        return len(keys)

    def status(self) -> dict:
        """The engine's state, for staff and /healthz: ok is False when clips cannot be made."""
        with self._lock:
            waiting = self._waiters
        if not self.enabled:
            return {"ok": True, "state": "off", "detail": "speech is turned off in the settings"}
        writable = self.cache.writable
        state = {
            "engine": self._info.engine if self._info else None,
            "waiting": waiting,
            "queue": self.queue,
            "cache": str(self.cache_dir),
            "fallback": str(self.cache.fallback) if self.cache.fallback else None,
            "last_error": self._last_error,
        }
        if self._info is None and self._info_failed_at is not None:
            return {**state, "ok": False, "state": "failed", "detail": "the speech engine could not start"}
        if writable is False:
            return {**state, "ok": False, "state": "failed", "detail": "no folder for clips can be written"}
        if self._info is None:
            return {**state, "ok": True, "state": "not started", "detail": "starts when audio is first needed"}
        return {**state, "ok": True, "state": "busy" if waiting else "ready",
                "detail": f"{waiting} clip(s) being rendered" if waiting else "ready"}

    def close(self) -> None:
        """Stop the executor (and its worker process, if one was started) and remove partial files."""
        if self.executor is not None:
            self.executor.close()
        self.cache.close()

    def _job(self, key: str) -> Job:
        # Only registered keys: a hex digest cannot name a path outside the cache folder, and
        # clips of texts no page shows any more (old translations) are not served.
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise UnknownClip(key)
        with self._lock:
            job = self._jobs.get(key) or self._retired.get(key)
        if job is None:
            raise UnknownClip(key)
        return job

    def _render_missing(self, key: str, job: Job) -> Path:
        found = self.cache.find(key, job)
        if found is not None:
            return found  # finished by a call that ended between our check and joining the flight
        try:
            folder = self.cache.write_dir()
        except CacheUnwritable as exc:
            self._last_error = str(exc)
            raise SpeechUnavailable(str(exc)) from exc
        path = folder / f"{key}{ogg.SUFFIX}"
        try:
            render(self.executor, job, path, attempts=self.attempts, cache=self.cache)
        except SpeechUnavailable as exc:
            self._last_error = str(exc)
            self.cache.written_badly()  # probe the folder again before the next clip
            raise
        self.cache.remember(key, path)
        self._last_error = None
        return path

    def _engine_info(self) -> EngineInfo | None:
        if not self.enabled:
            return None
        if self._info is not None:
            return self._info
        if self._info_failed_at is not None and time.monotonic() - self._info_failed_at < RETRY_ENGINE_AFTER:
            return None
        try:
            # Starting the worker takes a second or more (a process, eSpeak's voices), spent
            # in the worker, and every caller meanwhile waits here for the first to finish.
            with self._off_cpu():
                info = self.executor.info()
        except EngineError as exc:
            log.error("speech engine unavailable: %s", exc)
            self._info_failed_at = time.monotonic()
            self._last_error = f"speech engine unavailable: {exc}"
            return None
        self._info = info
        self._info_failed_at = None
        return info
