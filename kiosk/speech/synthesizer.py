"""The synthesizer: clips made by an engine behind an executor, once per key however many ask,
with back-pressure, into the clip cache.

It knows nothing of pages or languages: it is handed a clip key and its Job (registry.py) and
answers with the clip's file. The engine runs behind an executor (engine.Executor: a worker
process, worker.ProcessExecutor; several, pool.WorkerPool; a thread, in tests), so another
engine comes in as another engine.Engine in the same workers (SPEECH_ENGINE), and nothing here
changes.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
import weakref
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, TypeVar

from .. import files
from . import ogg, wav
from .cache import CacheUnwritable, ClipCache
from .engine import EngineClosed, EngineError, EngineInfo, Executor, Job, VoiceUnusable, Words
from .engines import EngineRouter
from .lexicon import said
from .piper_voices import PiperVoiceFile
from .pool import WorkerPool
from .worker import BASE_TIMEOUT, ProcessExecutor, default_engine_factory, load_engine

log = logging.getLogger(__name__)

# After the engine failed to start, pages go without audio for this long before it is tried again.
RETRY_ENGINE_AFTER = 60.0
# Clip requests that may wait for synthesis at once; more get 503 with Retry-After at once,
# so that they never hold all of the web server's threads while pages wait behind them.
DEFAULT_QUEUE = 4
RETRY_AFTER = 5  # seconds: about how long the engine takes to work through a full queue

T = TypeVar("T")


class SpeechUnavailable(RuntimeError):
    """The engine could not produce the clip (after retries)."""


class SpeechBusy(SpeechUnavailable):
    """Too many clip requests are waiting for synthesis already; ask again in `retry_after` seconds."""

    retry_after = RETRY_AFTER


class VoiceFailed(SpeechUnavailable):
    """The clip's voice cannot be loaded (engine.VoiceUnusable): its language must fall back."""

    def __init__(self, voice: str, reason: str) -> None:
        super().__init__(reason)
        self.voice = voice
        self.reason = reason


@dataclass(frozen=True)
class Synthesized:
    path: Path
    frames: int
    words: Words


def synthesize_clip(executor: Executor, job: Job, dest: Path, *, attempts: int = 2,
                    cache: ClipCache | None = None) -> Synthesized:
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
            return Synthesized(dest, info.frames, words)
        except (EngineError, wav.InvalidAudio, OSError) as exc:
            error = exc
            log.warning("speech attempt %d/%d for %s failed: %s", attempt, attempts, dest.name, exc)
            if isinstance(exc, (EngineClosed, VoiceUnusable)):
                break  # the server is stopping, or the voice's file is bad: no second attempt
        finally:
            cache.done_with(tmp)
            cache.done_with(encoded)
    if isinstance(error, VoiceUnusable):
        raise VoiceFailed(job.voice, str(error)) from error
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


class Synthesizer:
    """The engine of one app behind its executor, and the clip cache it fills."""

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        enabled: bool = True,
        executor: Executor | None = None,
        attempts: int = 2,
        queue: int = DEFAULT_QUEUE,
        engine: str | None = None,
        workers: int = 1,
        off_cpu: Callable[[], ContextManager] = contextlib.nullcontext,
        piper_voices: Callable[[], list[PiperVoiceFile]] | None = None,
    ) -> None:
        """`off_cpu()` is entered around every wait that uses no CPU in this process (the engine
        starting, a clip being synthesized): the web server passes one that lets another request
        run meanwhile (kiosk.web.turns). The speech layer knows nothing of how requests are scheduled.

        `piper_voices()` finds the Piper voices (piper_voices.find): given, the default engine's
        executor (its own, or `executor`) is put behind an engines.EngineRouter with Piper's."""
        if int(queue) < 1:
            raise ValueError(f"SPEECH_QUEUE must be 1 or more, not {queue}")
        self.cache = ClipCache(cache_dir)
        self.enabled = bool(enabled)
        self.attempts = attempts
        self.queue = int(queue)
        # Workers synthesize in parallel (prerender, and a crowd of patients); a given executor is one.
        self.workers = getattr(executor, "size", 1) if executor is not None else max(1, int(workers))
        self.executor = executor if self.enabled else None
        self._own_executor = self.enabled and executor is None
        self._factory = functools.partial(load_engine, engine) if engine else default_engine_factory
        self._piper_voices = piper_voices
        if self._own_executor:
            # Built now, started lazily: the first voice or clip request spawns the worker.
            self._build_executor(self.workers)
        elif self.executor is not None and piper_voices is not None and not isinstance(executor, EngineRouter):
            # A test's executor for the default engine gets the real Piper beside it; a test
            # that gives a whole EngineRouter (a fake Piper too) keeps it as it is.
            self.executor = EngineRouter(self.executor, piper_voices, self._new_executor)
        self._lock = threading.Lock()
        self._info: EngineInfo | None = None
        self._info_failed_at: float | None = None
        self._last_error: str | None = None
        self._flights = SingleFlight()
        self._waiting = threading.BoundedSemaphore(self.queue)
        self._waiters = 0
        self._off_cpu = off_cpu

    def _build_executor(self, workers: int) -> None:
        self.workers = workers
        self.executor = self._new_executor(self._factory)
        if self._piper_voices is not None:
            self.executor = EngineRouter(self.executor, self._piper_voices, self._new_executor)
        weakref.finalize(self, self.executor.close)

    def _new_executor(self, factory, timeout: float = BASE_TIMEOUT) -> Executor:
        """Worker processes for the engine `factory` builds: one, or a pool of `workers`."""
        if self.workers > 1:
            return WorkerPool(factory, self.workers, timeout=timeout)
        return ProcessExecutor(factory, timeout=timeout)

    def use_workers(self, workers: int) -> None:
        """Synthesize with `workers` worker processes from now on (`kiosk prerender --workers`):
        only before any has started, and only with the synthesizer's own workers."""
        workers = max(1, int(workers))
        if not self._own_executor or workers == self.workers:
            return
        with self._lock:
            # No voice was looked up yet, so no clip was registered either (registry.py).
            if self._info is not None:
                raise RuntimeError("use_workers() must come before any voice or clip is asked for")
            old = self.executor
            self._build_executor(workers)
        old.close()

    @property
    def piper_voices(self) -> tuple[PiperVoiceFile, ...]:
        """The Piper voices found (none without a router: a test's bare executor)."""
        return self.executor.piper_voices if isinstance(self.executor, EngineRouter) else ()

    @property
    def engine_known(self) -> bool:
        """Whether voices could be looked up (or speech is off): registering found what it could."""
        return not self.enabled or self._info is not None

    @property
    def engine_started(self) -> bool:
        return self._info is not None

    @property
    def engine_failed(self) -> bool:
        """The engine could not start, and has not started since."""
        return self._info is None and self._info_failed_at is not None

    @property
    def engine(self) -> str | None:
        """The running engine's name and versions (every clip key names it), once it started."""
        return self._info.engine if self._info else None

    @property
    def last_error(self) -> str | None:
        """Why the last clip or start failed (None once a clip is made again)."""
        return self._last_error

    def waiting(self) -> int:
        """Clip requests waiting for synthesis now (at most `queue`)."""
        with self._lock:
            return self._waiters

    def waiters(self, key: str) -> int:
        """How many callers wait for the clip `key` being synthesized now (0 if none)."""
        return self._flights.waiters(key)

    def info(self) -> EngineInfo | None:
        """The engine and its voices, starting it if need be; None while it cannot start (tried
        again after RETRY_ENGINE_AFTER) or speech is off."""
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

    def find(self, key: str, job: Job) -> Path | None:
        """The valid cached clip of `key`, or None."""
        return self.cache.find(key, job)

    def clip_path(self, key: str, job: Job) -> Path:
        """The valid clip file for `key`, synthesized now (once, however many ask) if not cached yet.

        At most `queue` callers wait for synthesis at once; any more get SpeechBusy at once.
        """
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
                return self.synthesize(key, job)
        finally:
            with self._lock:
                self._waiters -= 1
            self._waiting.release()

    def synthesize(self, key: str, job: Job) -> Path:
        """The clip of `key`, synthesized now unless cached (once, however many ask at once), with
        no back-pressure: for the prerender, which keeps its own number of clips in hand."""
        return self._flights.do(key, lambda: self._synthesize_missing(key, job))

    def close(self) -> None:
        """Stop the executor (and its worker process, if one was started) and remove partial files."""
        if self.executor is not None:
            self.executor.close()
        self.cache.close()

    def _synthesize_missing(self, key: str, job: Job) -> Path:
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
            synthesize_clip(self.executor, job, path, attempts=self.attempts, cache=self.cache)
        except SpeechUnavailable as exc:
            self._last_error = str(exc)
            self.cache.written_badly()  # probe the folder again before the next clip
            raise
        self.cache.remember(key, path)
        self._last_error = None
        return path
