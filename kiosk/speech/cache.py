"""The folder of rendered clips: only valid files count, and a folder that cannot be written is found out at once.

Two traps this module exists for:
- A clip file can be there and still be wrong (a power cut mid-write, a full
  disk, a hand-copied cache). Every file is checked with ogg.check before it is
  served or counted, and a bad one is deleted so that it is rendered again.
- A read-only or full cache folder does not fail fast by itself: the engine
  writes into it from another process and the failure only shows as a hung or
  cut-off job, retried on a fresh worker. So the folder is probed with a real
  write before any job is sent, and when it fails the clips go to a temporary
  folder instead (and, if that fails too, nothing is sent to the engine at all).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

from . import ogg, wav
from .engine import Job
from .lexicon import said

log = logging.getLogger(__name__)

# A probe writes about as much as a long clip, so a nearly full disk fails it too.
PROBE_BYTES = 256 * 1024
# After no folder could be written, jobs are refused this long before the folders are probed again.
REPROBE_AFTER = 30.0
STALE_TEMP_AGE = 3600.0


class CacheUnwritable(OSError):
    """Neither the cache folder nor a temporary one can take a clip."""


class ClipCache:
    """Where clips are read from and written to, with every file validated before use."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._valid: dict[str, tuple[int, int]] = {}  # key -> (mtime_ns, size) of the file checked
        self._write_dir: Path | None = None
        self._fallback: Path | None = None
        self._unwritable_since: float | None = None
        self._parts: set[Path] = set()  # temporary files being written now
        self._swept = False

    # Reading ---------------------------------------------------------------

    def find(self, key: str, job: Job) -> Path | None:
        """The valid cached file for `key`, or None (a bad file found on the way is deleted)."""
        for folder in self._folders():
            path = folder / f"{key}{ogg.SUFFIX}"
            try:
                stat = path.stat()
            except OSError:
                continue
            stamp = (stat.st_mtime_ns, stat.st_size)
            with self._lock:
                if self._valid.get(key) == stamp:
                    return path
            try:
                ogg.check(path, job.text, job.rate, said(job))
            except wav.InvalidAudio as exc:
                self._discard(path, exc)
                continue
            with self._lock:
                self._valid[key] = stamp
            return path
        return None

    def _folders(self) -> list[Path]:
        with self._lock:
            return [self.folder] if self._fallback is None else [self.folder, self._fallback]

    def _discard(self, path: Path, reason: Exception) -> None:
        log.warning("cached clip %s is invalid (%s); it will be rendered again", path.name, reason)
        try:
            path.unlink()
        except OSError as exc:
            # A read-only cache: the bad file stays, but is never served; the new one goes elsewhere.
            log.warning("could not delete %s: %s", path.name, exc)

    # Writing ---------------------------------------------------------------

    def write_dir(self) -> Path:
        """A folder that takes a whole clip now: the cache, or a temporary one. CacheUnwritable if neither."""
        with self._lock:
            if self._write_dir is not None:
                return self._write_dir
            if self._unwritable_since is not None and time.monotonic() - self._unwritable_since < REPROBE_AFTER:
                raise CacheUnwritable(f"no folder for clips can be written (tried {self.folder})")
            folder = self._choose_locked()
            self._write_dir = folder
            self._sweep_locked(folder)
            return folder

    def written_badly(self) -> None:
        """A render failed: the folder may have filled up or gone read-only since it was probed."""
        with self._lock:
            self._write_dir = None

    def temporary(self, dest: Path) -> Path:
        """A fresh temporary name beside `dest`, removed by close() if still there then."""
        # A fresh name per attempt in the same folder: os.replace stays atomic, and a killed
        # worker's half-written file can never be taken for a later attempt's output.
        tmp = dest.with_name(f".{dest.stem}.{uuid.uuid4().hex}.part")
        with self._lock:
            self._parts.add(tmp)
        return tmp

    def done_with(self, tmp: Path) -> None:
        tmp.unlink(missing_ok=True)
        with self._lock:
            self._parts.discard(tmp)

    def remember(self, key: str, path: Path) -> None:
        """`path` was just rendered and checked: no need to check it again."""
        stat = path.stat()
        with self._lock:
            self._valid[key] = (stat.st_mtime_ns, stat.st_size)

    @property
    def fallback(self) -> Path | None:
        """The temporary folder clips go to because the cache folder cannot be written, if any."""
        return self._fallback

    @property
    def writable(self) -> bool | None:
        """Whether some folder takes clips (None until the first clip is written)."""
        with self._lock:
            if self._write_dir is not None:
                return True
            return False if self._unwritable_since is not None else None

    def close(self) -> None:
        """Remove partial files of renders cut short, and the temporary folder."""
        with self._lock:
            parts, self._parts = self._parts, set()
            fallback = self._fallback
        for tmp in parts:
            tmp.unlink(missing_ok=True)
        if fallback is not None:
            shutil.rmtree(fallback, ignore_errors=True)

    def _choose_locked(self) -> Path:
        problem = _probe(self.folder)
        if problem is None:
            if self._fallback is not None or self._unwritable_since is not None:
                log.warning("audio cache %s can be written again", self.folder)
            self._unwritable_since = None
            return self.folder
        if self._fallback is None:
            try:
                self._fallback = Path(tempfile.mkdtemp(prefix="kiosk-audio-"))
            except OSError as exc:
                return self._give_up_locked(problem, exc)
        fallback_problem = _probe(self._fallback)
        if fallback_problem is not None:
            return self._give_up_locked(problem, fallback_problem)
        if self._unwritable_since is None:
            log.error("audio cache %s cannot be written (%s); rendering clips into %s instead",
                      self.folder, problem, self._fallback)
        self._unwritable_since = None
        return self._fallback

    def _give_up_locked(self, problem, fallback_problem) -> Path:
        if self._unwritable_since is None:
            log.error("audio cache %s cannot be written (%s), nor a temporary folder (%s): clips are not available",
                      self.folder, problem, fallback_problem)
        self._unwritable_since = time.monotonic()
        raise CacheUnwritable(f"no folder for clips can be written: {problem}")

    def _sweep_locked(self, folder: Path) -> None:
        """Remove temporary files left by a crashed server (old ones only: another process may be writing)."""
        if self._swept:
            return
        self._swept = True
        cutoff = time.time() - STALE_TEMP_AGE
        for tmp in folder.glob(".*.part"):
            try:
                if tmp.stat().st_mtime < cutoff:
                    tmp.unlink()
            except OSError:
                pass


def _probe(folder: Path) -> OSError | None:
    """Write, flush and delete a clip-sized file in `folder`: None if that worked, else the error."""
    probe = folder / f".probe-{uuid.uuid4().hex}.part"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as f:
            f.write(b"\0" * PROBE_BYTES)
            f.flush()
            os.fsync(f.fileno())
        return None
    except OSError as exc:
        return exc
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass
