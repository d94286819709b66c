"""What every speech engine is and says: the types shared by the worker, the engines and the cache.

A module of its own so that an engine (espeak.py) and the worker that runs it
(worker.py) both depend on it, and not on each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class EngineError(RuntimeError):
    """The engine failed, hung or died; the job did not produce audio."""


class EngineClosed(EngineError):
    """The executor was closed (the server is stopping): no more jobs run."""


@dataclass(frozen=True)
class Job:
    """What to say, in which voice, how fast (words per minute)."""

    text: str
    voice: str
    rate: int


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice as pyttsx3 lists it."""

    id: str
    name: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class EngineInfo:
    """Which engine is running: `engine` names every version that changes the audio."""

    engine: str
    library: str
    voices: tuple[VoiceInfo, ...]


# Word events of one utterance, as (1-based character position, length) pairs.
Words = tuple[tuple[int, int], ...]


class Engine(Protocol):
    """What a worker needs from an engine; the real one is espeak.EspeakEngine."""

    def info(self) -> EngineInfo: ...

    def synthesize(self, text: str, voice: str, rate: int, path: str) -> Words: ...
