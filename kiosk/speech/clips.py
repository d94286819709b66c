"""Spoken clips: content-addressed keys, a file cache, and one synthesis per key however many ask."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
import uuid
import weakref
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from . import voices as voice_table
from . import wav
from .engine import EngineError, EngineInfo, Job, Words
from .worker import ProcessExecutor

log = logging.getLogger(__name__)

# Bump when the rendering pipeline changes in a way the engine versions do not show.
SCHEMA = "kiosk-speech-1"
KEY = re.compile(r"[0-9a-f]{64}")
# eSpeak NG's own limits for the rate parameter (espeakRATE_MINIMUM/MAXIMUM).
MIN_RATE, MAX_RATE = 80, 450
# After the engine failed to start, pages go without audio for this long before it is tried again.
RETRY_ENGINE_AFTER = 60.0
STALE_TEMP_AGE = 3600.0

T = TypeVar("T")


class UnknownClip(KeyError):
    """Not a clip key, or a key nobody registered."""


class SpeechUnavailable(RuntimeError):
    """The engine could not produce the clip (after retries)."""


def clip_key(text: str, voice: str, rate: int, engine: str) -> str:
    """Hex SHA-256 of everything that decides the audio, so a cached file can never be stale."""
    material = json.dumps([SCHEMA, engine, voice, rate, text], ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Rendered:
    path: Path
    frames: int
    words: Words


def render(executor, job: Job, dest: Path, *, attempts: int = 2) -> Rendered:
    """Synthesize `job` to a temporary file, check it, then rename it to `dest`; retry on failure."""
    error: Exception | None = None
    for attempt in range(1, attempts + 1):
        # A fresh name per attempt in the same folder: os.replace stays atomic, and a killed
        # worker's half-written file can never be taken for a later attempt's output.
        tmp = dest.with_name(f".{dest.stem}.{uuid.uuid4().hex}.part")
        try:
            words = executor.run(job, str(tmp))
            try:
                info = wav.check(tmp, job.text, job.rate)
            except wav.InvalidAudio:
                executor.discard()  # an engine that wrote bad audio is not trusted with the next job
                raise
            wav.commit(tmp, dest)
            return Rendered(dest, info.frames, words)
        except (EngineError, wav.InvalidAudio, OSError) as exc:
            error = exc
            log.warning("speech attempt %d/%d for %s failed: %s", attempt, attempts, dest.name, exc)
        finally:
            tmp.unlink(missing_ok=True)
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
    ) -> None:
        if not MIN_RATE <= int(rate) <= MAX_RATE:
            raise ValueError(f"SPEECH_RATE must be {MIN_RATE}-{MAX_RATE} words per minute, not {rate}")
        self.cache_dir = Path(cache_dir)
        self.rate = int(rate)
        self.enabled = bool(enabled)
        self.attempts = attempts
        self._overrides = {voice_table.normalize(tag): voice for tag, voice in (voices or {}).items()}
        self.executor = executor if self.enabled else None
        if self.enabled and executor is None:
            # Built now, started lazily: the first voice or clip request spawns the worker.
            self.executor = ProcessExecutor()
            weakref.finalize(self, self.executor.close)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._voice_ids: dict[str, str | None] = {}
        self._info: EngineInfo | None = None
        self._info_failed_at: float | None = None
        self._flights = SingleFlight()
        self._swept = False

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
        key = clip_key(text, voice, self.rate, self._info.engine)
        with self._lock:
            self._jobs[key] = Job(text, voice, self.rate)
        return key

    def registered(self) -> int:
        """How many clips are known (registered by the pages rendered so far)."""
        with self._lock:
            return len(self._jobs)

    def job(self, key: str) -> Job:
        """What the clip `key` says, in which voice (UnknownClip if no page registered it)."""
        return self._job(key)

    def clip_path(self, key: str) -> Path:
        """The WAV file for `key`, synthesized now (once, however many ask) if not cached yet."""
        job = self._job(key)
        path = self.cache_dir / f"{key}.wav"
        if not path.is_file():
            self._flights.do(key, lambda: self._render_missing(job, path))
        return path

    def prerender(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Render every registered clip that is not cached yet; return how many were rendered."""
        with self._lock:
            keys = [key for key in self._jobs if not (self.cache_dir / f"{key}.wav").is_file()]
        failed = 0
        for done, key in enumerate(keys, 1):
            try:
                self.clip_path(key)
            except SpeechUnavailable as exc:
                failed += 1
                log.error("%s", exc)
            if progress is not None:
                progress(done, len(keys))
        if failed:
            error = SpeechUnavailable(f"{failed} of {len(keys)} clips could not be rendered")
            error.rendered = len(keys) - failed
            raise error
        return len(keys)

    def close(self) -> None:
        """Stop the executor (and its worker process, if one was started)."""
        if self.executor is not None:
            self.executor.close()

    def _job(self, key: str) -> Job:
        # Only registered keys: a hex digest cannot name a path outside the cache folder, and
        # clips of texts no page shows any more (old translations) are not served.
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise UnknownClip(key)
        with self._lock:
            job = self._jobs.get(key)
        if job is None:
            raise UnknownClip(key)
        return job

    def _render_missing(self, job: Job, path: Path) -> bool:
        if path.is_file():
            return False  # finished by a call that ended between our check and joining the flight
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpeechUnavailable(f"cannot create {self.cache_dir}: {exc}") from exc
        self._sweep_once()
        render(self.executor, job, path, attempts=self.attempts)
        return True

    def _engine_info(self) -> EngineInfo | None:
        if not self.enabled:
            return None
        if self._info is not None:
            return self._info
        if self._info_failed_at is not None and time.monotonic() - self._info_failed_at < RETRY_ENGINE_AFTER:
            return None
        try:
            info = self.executor.info()
        except EngineError as exc:
            log.error("speech engine unavailable: %s", exc)
            self._info_failed_at = time.monotonic()
            return None
        self._info = info
        return info

    def _sweep_once(self) -> None:
        """Remove temporary files left by a crashed server (old ones only: another process may be writing)."""
        if self._swept:
            return
        self._swept = True
        cutoff = time.time() - STALE_TEMP_AGE
        for tmp in self.cache_dir.glob(".*.part"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
            except OSError:
                pass
