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


class VoiceUnusable(EngineError):
    """The job's voice cannot be loaded (its file is missing, cut short or not a voice): no retry
    helps, and its language falls back to the default engine's voice (registry.voice_failed)."""


@dataclass(frozen=True)
class LexiconEntry:
    """One pronunciation: a written word (whole words, case as written) and how to say it.

    `say` is a respelling ("my oh fash ee al"), or eSpeak NG's own phoneme input between
    double brackets ("[[m,aIoUf'aSi@l]]"): see kiosk/speech/lexicon.py.
    """

    grapheme: str
    say: str

    @property
    def phonemes(self) -> str | None:
        """The phoneme input inside `[[...]]`, or None for a respelling."""
        if self.say.startswith("[[") and self.say.endswith("]]"):
            return self.say[2:-2]
        return None


@dataclass(frozen=True)
class Job:
    """What to say, in which voice, how fast (words per minute), and the lexicon entries
    that change how its words are said (in the order they first occur in `text`)."""

    text: str
    voice: str
    rate: int
    lexicon: tuple[LexiconEntry, ...] = ()


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice as its engine lists it.

    `engine` is None for a voice of the engine that EngineInfo names, the default one (eSpeak
    NG): only those are picked for a language unless staff choose another. A voice of a second
    engine (a Piper voice, kiosk/speech/piper_voices.py) names that engine and the voice's own
    version here, so its clip keys change when its file does, and eSpeak's keys never do.
    `phonemes` says whether the voice takes the lexicon's eSpeak phoneme entries ("[[...]]").
    """

    id: str
    name: str
    languages: tuple[str, ...]
    engine: str | None = None
    phonemes: bool = True


@dataclass(frozen=True)
class EngineInfo:
    """Which engine is running: `engine` names every version that changes the audio."""

    engine: str
    library: str
    voices: tuple[VoiceInfo, ...]


# Word events of one utterance, as (1-based character position, length) pairs.
Words = tuple[tuple[int, int], ...]


class Engine(Protocol):
    """What a worker needs from an engine; the real one is espeak.EspeakEngine.

    The seam for the next engine: an offline neural voice (Piper), or recorded human audio per
    sentence, is another class with these two methods, named by SPEECH_ENGINE
    ("module:callable") and run in the same worker processes (worker.py). `synthesize` writes a
    16-bit mono WAV of `text` to `path`: spoken, or a recording of it copied there. `info`
    names the engine with every version that changes the audio (clip keys name it), and its
    voices, each with the languages it speaks (voices.py picks one per language).

    An engine may also have `apply_lexicon(text, entries) -> str`: the text to hand to its
    own synthesize() with the pronunciation entries applied in whatever way it takes them
    (eSpeak NG: respellings and `[[...]]` phoneme input, kiosk/speech/lexicon.py). An engine
    without it ignores the lexicon (a recorded-audio engine would, say), and is handed the
    text as shown (produce.make_clip).
    """

    def info(self) -> EngineInfo: ...

    def synthesize(self, text: str, voice: str, rate: int, path: str) -> Words: ...


class Executor(Protocol):
    """What the synthesizer (synthesizer.py) needs to run an engine: worker.ProcessExecutor (the
    engine in one worker process), pool.WorkerPool (several), worker.ThreadExecutor (tests).

    `run` has the engine speak `job` into the WAV `wav` and encode it into the clip `clip`
    (produce.make_clip, in the worker); EngineError when the engine fails. An executor may
    have `size`, its number of workers (1 if not), which the prerender keeps busy."""

    def info(self) -> EngineInfo: ...

    def run(self, job: Job, wav: str, clip: str) -> Words: ...

    def close(self) -> None: ...
