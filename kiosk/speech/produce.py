"""One clip from one job, where the engine runs: speak it to WAV, check that, encode it (ogg.py).

This runs inside the speech worker, not in the web server. Encoding costs more CPU than eSpeak's
synthesis itself, so in the server's threads it would be a step that every worker waits on, and
`kiosk prerender` would gain nothing from a second worker. Here each worker does the whole
job on its own core.
"""

from __future__ import annotations

import os

from . import ogg, wav
from .engine import Engine, EngineError, Job, Words


class Unwritable(OSError):
    """The finished clip could not be written (disk full, folder gone read-only): not the engine's fault."""


def spoken_text(engine: Engine, job: Job) -> str:
    """What the engine is handed: the shown text with the job's lexicon entries applied, by an
    engine that takes them (engine.Engine.apply_lexicon); as shown to an engine that does not."""
    apply = getattr(engine, "apply_lexicon", None)
    return job.text if apply is None else apply(job.text, job.lexicon)


def make_clip(engine: Engine, job: Job, wav_path: str, clip_path: str) -> Words:
    """Speak `job` into `wav_path`, check it, and encode it into `clip_path`; return the word events.

    Raises EngineError when the engine fails, wav.InvalidAudio when what it wrote is not a whole
    rendering of the text (both mean: do not trust this engine with the next job), and
    Unwritable when the clip could not be written.
    """
    try:
        text = spoken_text(engine, job)
        try:
            words = tuple(engine.synthesize(text, job.voice, job.rate, wav_path))
        except EngineError:
            raise  # the engine's own (VoiceUnusable: the voice's file cannot be loaded)
        except Exception as exc:
            raise EngineError(f"{type(exc).__name__}: {exc}") from exc
        # As long as what it said, which a respelling may make many times what is shown.
        wav.check(wav_path, text, job.rate)
        try:
            ogg.encode(wav_path, clip_path)
        except OSError as exc:
            raise Unwritable(str(exc)) from exc
        return words
    finally:
        # The WAV is about seven times the clip: gone at once, whatever happened, rather than
        # left for the server to remove after the job.
        try:
            os.unlink(wav_path)
        except OSError:
            pass
