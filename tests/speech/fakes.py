"""Fake engines: they write WAVs that name their text, so a test can read back what a file says."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy
import soundfile

from kiosk.speech.wav import speech_units
from kiosk.speech.engine import EngineInfo, VoiceInfo

VOICES = (
    VoiceInfo("fake/en", "English (America)", ("en-us",)),
    VoiceInfo("fake/es", "Spanish (Latin America)", ("es-419",)),
    VoiceInfo("fake/ar", "Arabic", ("ar",)),
)
# The lowest rate the kiosk accepts (wav.check, ogg.check): the fakes' clips are silence
# around their text's bytes, and encoding hundreds of them to Ogg at eSpeak's 22,050 Hz
# took a third of the time of every test that renders a kiosk's clips.
FRAMERATE = 8000


def write_wav(path: str, text: str, rate: int) -> None:
    """A WAV exactly as long as wav.check expects, whose first bytes are the text itself, and
    whose comment tag names it too: the tag is what survives the clip's lossy encoding (ogg.py
    carries an engine's tags over)."""
    frames = int(max(1, speech_units(text)) * 60 / rate * FRAMERATE)
    payload = text.encode("utf-8")[: frames * 2]
    samples = numpy.frombuffer(payload + b"\0" * (frames * 2 - len(payload)), dtype="<i2")
    with soundfile.SoundFile(path, "w", FRAMERATE, 1, "PCM_16", format="WAV") as w:
        w.comment = text
        w.write(samples)


def spoken_text(path: str | os.PathLike) -> str:
    """The text a fake engine said into `path` (its WAV, or the clip encoded from it)."""
    with soundfile.SoundFile(os.fspath(path)) as clip:
        return clip.comment


class FakeEngine:
    """Counts calls; `mode` makes it misbehave: fail, block until `gate` opens, or write garbage once."""

    def __init__(self, mode: str = "ok", gate: threading.Event | None = None, version: str = "fake 1") -> None:
        self.mode = mode
        self.gate = gate
        self.version = version
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def info(self) -> EngineInfo:
        return EngineInfo(engine=self.version, library="(fake)", voices=VOICES)

    def synthesize(self, text: str, voice: str, rate: int, path: str):
        with self._lock:
            self.calls.append(text)
            first = len(self.calls) == 1
        if self.gate is not None:
            self.gate.wait()
        if self.mode == "fail":
            raise RuntimeError("the fake engine always fails")
        if self.mode == "garbage-once" and first:
            Path(path).write_bytes(b"not a wav file")
            return ()
        write_wav(path, text, rate)
        return ((1, len(text)),)


@dataclass(frozen=True)
class ProcessFake:
    """Picklable factory for a worker process; every start and job is logged in the folder `state`.

    `mode`: "die-once"/"hang-once"/"garbage-once" misbehave on the very first job across all
    workers (a marker file remembers), "fail" fails every job, "fail-start" fails to start,
    "slow" takes 50 ms a job, "hold-first" keeps the very first job until the file
    `state`/release exists (at most a minute).
    """

    state: str
    mode: str = "ok"
    version_per_start: bool = False

    def __call__(self) -> _ProcessFakeEngine:
        state = Path(self.state)
        if self.mode == "fail-start":
            raise RuntimeError("the fake engine cannot start")
        with open(state / "starts", "a") as f:
            f.write("start\n")
        version = f"fake start {len(starts(state))}" if self.version_per_start else "fake 1"
        return _ProcessFakeEngine(state, self.mode, version)


class _ProcessFakeEngine(FakeEngine):
    def __init__(self, state: Path, mode: str, version: str) -> None:
        super().__init__(mode="fail" if mode == "fail" else "ok", version=version)
        self.state = state
        self.process_mode = mode

    def synthesize(self, text: str, voice: str, rate: int, path: str):
        with open(self.state / "jobs", "a") as f:
            f.write(f"{os.getpid()}\n")
        marker = self.state / "misbehaved"
        if self.process_mode in ("die-once", "hang-once", "garbage-once") and not marker.exists():
            marker.touch()
            if self.process_mode == "die-once":
                os._exit(3)
            if self.process_mode == "garbage-once":
                Path(path).write_bytes(b"not a wav file")
                return ()
            threading.Event().wait()  # hang until killed
        if self.process_mode == "hold-first" and not marker.exists():
            marker.touch()
            deadline = time.monotonic() + 60
            while not (self.state / "release").exists() and time.monotonic() < deadline:
                time.sleep(0.01)
        if self.process_mode == "slow":
            time.sleep(0.05)  # long enough that a second job finds this worker busy
        return super().synthesize(text, voice, rate, path)


def starts(state: Path) -> list[str]:
    path = Path(state) / "starts"
    return path.read_text().splitlines() if path.exists() else []


def jobs(state: Path) -> list[str]:
    """The pid of the worker that ran each job, in order."""
    path = Path(state) / "jobs"
    return path.read_text().splitlines() if path.exists() else []


class FakePiperEngine(FakeEngine):
    """Stands in for Piper where real synthesis would take minutes (every English clip of the
    export): one English "Piper" voice, whose clips say "piper: <text>" in their tag."""

    def __init__(self) -> None:
        super().__init__(version="fake piper 1")

    def info(self) -> EngineInfo:
        from kiosk.speech.piper import voice_info

        return EngineInfo(engine=self.version, library="(fake)", voices=(voice_info(FAKE_PIPER_VOICE),))

    def apply_lexicon(self, text, entries):
        from kiosk.speech.piper import apply_lexicon

        return apply_lexicon(text, entries)

    def synthesize(self, text: str, voice: str, rate: int, path: str):
        assert voice == FAKE_PIPER_VOICE.id, voice
        write_wav(path, f"piper: {text}", rate)  # one word more: well within wav.check's bounds
        return ()


def _fake_piper_voice():
    from kiosk.speech.piper_voices import PREFIX, PiperVoiceFile

    return PiperVoiceFile(id=f"{PREFIX}en_US-fake-medium", name="en_US-fake-medium", model="(fake)", config="(fake)",
                          language="en-us", quality="medium", licence="CC0", source="tests", digest="fake")


FAKE_PIPER_VOICE = _fake_piper_voice()
