"""eSpeak NG through pyttsx3, made to finish each utterance before the next; used inside the worker only."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version

from .engine import EngineInfo, LexiconEntry, VoiceInfo, Words
from .lexicon import respell

# eSpeak NG 1.52 keeps its data folder in a 160-byte buffer (N_PATH_HOME); a longer path is cut
# short, the data is "not found", and espeak_Initialize() then calls exit(1) on the whole process.
MAX_DATA_PATH = 120

# After the driver's run loop ends, its finished-utterance notification has already been sent;
# this is only a safety margin.
FINISH_GRACE = 5.0

# pyttsx3's eSpeak run loop naps 10 ms between looks at whether the utterance is done. eSpeak
# speaks a sentence in about 10 ms, so those naps were a third of every clip's time; shorter
# naps cost a little CPU, and only while a clip is being made.
LOOP_NAP = 0.001


class _ShortNaps:
    """Stands in for the `time` module inside pyttsx3's eSpeak driver: sleep() is capped at LOOP_NAP."""

    def __init__(self, real) -> None:
        self._real = real

    def sleep(self, seconds: float) -> None:
        self._real.sleep(min(seconds, LOOP_NAP))

    def __getattr__(self, name: str):
        return getattr(self._real, name)


class _PhonemeInput:
    """Stands in for pyttsx3's `_espeak` module inside its eSpeak driver: Synth() gets
    espeakPHONEMES as well, so the lexicon's "[[...]]" entries are read as eSpeak phonemes.

    The trap: the driver calls Synth with ENDPAUSE | CHARS_UTF8 and nothing else, and has no
    setting for more; without this flag "[[m,aIoUf'aSi@l]]" is read out as letters and
    punctuation. With it, a "[[" in the leaflet's own text would start phoneme input too:
    lexicon.respell() breaks those apart, and every text reaches the engine through it
    (apply_lexicon, via produce.make_clip).
    """

    def __init__(self, real) -> None:
        self._real = real

    def Synth(self, text, *args, flags: int = 0, **kwargs):  # noqa: N802 - the driver's name for it
        return self._real.Synth(text, *args, flags=flags | self._real.PHONEMES, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._real, name)


@dataclass(frozen=True)
class Library:
    """The libespeak-ng this process loaded, and where it came from."""

    path: str
    source: str
    version: str
    dll: ctypes.CDLL


def load_library() -> Library:
    """Load libespeak-ng before pyttsx3 does: the espeakng-loader wheel's copy, else the system's."""
    try:
        import espeakng_loader

        path = espeakng_loader.get_library_path()
        data = espeakng_loader.get_data_path()
        # RTLD_GLOBAL and the library's soname (libespeak-ng.so.1): pyttsx3's own
        # cdll.LoadLibrary("libespeak-ng.so.1") then gets this already-loaded copy, not a system one.
        dll = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
    except (ImportError, OSError, RuntimeError):
        path = ctypes.util.find_library("espeak-ng") or "libespeak-ng.so.1"
        dll = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
        # A system library finds its own data (compiled-in path); the wheel's data may not match it.
        source = "system libespeak-ng"
    else:
        # The wheel's library has no usable compiled-in data path; espeak_Initialize() (called by
        # pyttsx3.init) reads this variable.
        os.environ["ESPEAK_DATA_PATH"] = _short_path(data)
        source = f"espeakng-loader {_version('espeakng-loader')}"
    info = dll.espeak_Info
    info.restype = ctypes.c_char_p
    info.argtypes = [ctypes.c_void_p]
    dll.espeak_IsPlaying.restype = ctypes.c_int
    return Library(path=path, source=source, version=info(None).decode(), dll=dll)


def _short_path(data: str) -> str:
    """`data`, or a short symlink to it when eSpeak's path buffer could not hold it."""
    if len(os.fsencode(data)) <= MAX_DATA_PATH:
        return data
    link = os.path.join(tempfile.gettempdir(), "kiosk-espeak-" + hashlib.sha256(os.fsencode(data)).hexdigest()[:12])
    try:
        os.symlink(data, link)
    except FileExistsError:
        if os.path.realpath(link) != os.path.realpath(data):
            raise
    return link


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"


class EspeakEngine:
    """One pyttsx3 eSpeak engine that finishes each utterance before it is handed the next."""

    def __init__(self) -> None:
        self._library = load_library()
        import pyttsx3  # only now: the library above must be loaded first
        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers import espeak as driver

        if _espeak.dll._handle != self._library.dll._handle:
            raise RuntimeError(f"pyttsx3 loaded another libespeak-ng than {self._library.path}")
        # Only this worker process imports the driver, so nothing else sees the shorter naps.
        if not isinstance(driver.time, _ShortNaps):
            driver.time = _ShortNaps(driver.time)
        if not isinstance(driver._espeak, _PhonemeInput):
            driver._espeak = _PhonemeInput(driver._espeak)
        # pyttsx3 keeps engines in a WeakValueDictionary, and a dropped engine's driver clears eSpeak's
        # process-wide synthesis callback: hold this one for the life of the process.
        self._engine = pyttsx3.init("espeak")
        self._finished = threading.Event()
        self._finished_as: tuple[str, bool] | None = None
        self._errors: list[str] = []
        self._words: list[tuple[int, int]] = []
        # pyttsx3 calls these on eSpeak's own synthesis thread.
        self._engine.connect("finished-utterance", self._on_finished)
        self._engine.connect("started-word", self._on_word)
        self._engine.connect("error", self._on_error)

    def info(self) -> EngineInfo:
        """Versions that change the audio, and the installed voices."""
        voices = tuple(
            VoiceInfo(id=v.id, name=v.name or v.id, languages=tuple(v.languages or ()))
            for v in self._engine.getProperty("voices")
        )
        engine = f"pyttsx3 {_version('pyttsx3')}; eSpeak NG {self._library.version}; {self._library.source}"
        return EngineInfo(engine=engine, library=self._library.path, voices=voices)

    def apply_lexicon(self, text: str, entries: tuple[LexiconEntry, ...]) -> str:
        """`text` with the entries' respellings and `[[...]]` phonemes in place of their words."""
        return respell(text, entries)

    def synthesize(self, text: str, voice: str, rate: int, path: str) -> Words:
        """Write `text` spoken by `voice` at `rate` wpm to the WAV file `path`; return its word events."""
        name = f"clip-{uuid.uuid4().hex}"
        self._finished.clear()
        self._finished_as = None
        self._errors.clear()
        self._words.clear()
        # These are queued in pyttsx3 and run, in order, when the loop starts.
        self._engine.setProperty("voice", voice)
        self._engine.setProperty("rate", rate)
        self._engine.save_to_file(text, path, name)
        # The trap: runAndWait() queues an endLoop command that runs *before* the driver starts
        # synthesis, so it returns at once while eSpeak's thread is still speaking; the driver keeps
        # one save-file slot, so the next save_to_file() redirects this audio into the next file.
        # startLoop() instead runs until the driver's own callback ends the loop, after it wrote the
        # file; endLoop() then leaves the proxy busy, so the next job's commands wait for its loop.
        self._engine.startLoop()
        # Second trap: that callback runs on eSpeak's thread before eSpeak's queue is idle, and
        # endLoop() calls the driver's stop(), which, if espeak_IsPlaying() is still true, sets a
        # stop flag that nothing clears: the *next* job's loop then ends at once with
        # completed=False while its synthesis carries on, into whatever file comes next.
        # espeak_Synchronize() would do, but naps 20 ms at a time.
        while self._library.dll.espeak_IsPlaying():
            time.sleep(0.001)
        self._engine.endLoop()
        if not self._finished.wait(FINISH_GRACE):
            raise RuntimeError("eSpeak never reported the end of the utterance")
        if self._finished_as != (name, True):
            raise RuntimeError(f"expected finished-utterance {name!r}, got {self._finished_as!r}")
        if self._errors:
            raise RuntimeError("; ".join(self._errors))
        # A voice eSpeak cannot load only posts an "error" and keeps the previous voice, which
        # would read this text in the last job's language: check what was actually used.
        used = self._engine.getProperty("voice")
        if (used or "").lower() != voice.lower():
            raise RuntimeError(f"eSpeak spoke with voice {used!r}, not {voice!r}")
        return tuple(self._words)

    def _on_finished(self, name: str, completed: bool) -> None:
        self._finished_as = (name, completed)
        self._finished.set()

    def _on_word(self, name: str, location: int, length: int) -> None:
        self._words.append((location, length))

    def _on_error(self, name: str | None, exception: Exception) -> None:
        self._errors.append(f"{type(exception).__name__}: {exception}")
