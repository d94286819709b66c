"""Two engines behind one engine.Executor: the default one (eSpeak NG) and Piper, each in workers of its own.

The synthesizer and the registry see one executor: its info() lists the default engine's
voices and the Piper voices found (piper_voices.py, read without starting Piper), and run()
hands a job to the executor of its voice's engine. The Piper worker starts on the first job
for a Piper voice, so a kiosk where nobody chose one never pays for onnxruntime.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import replace
from typing import Callable

from .engine import EngineInfo, Executor, Job, VoiceUnusable, Words
from .piper_voices import PREFIX, PiperVoiceFile, piper_installed, INSTALL_HINT


# A Piper job's base timeout (worker.job_timeout), far above eSpeak's: a voice is loaded by its
# first job (several seconds on a busy 2-core machine), and a neural voice takes many times
# eSpeak's time per sentence.
PIPER_TIMEOUT = 60.0


def piper_engine(voices: tuple[PiperVoiceFile, ...]):
    """Build the Piper engine (in its worker: a module-level function, so it crosses into a spawned process)."""
    from .piper import PiperEngine

    return PiperEngine(voices)


def is_piper(voice: str) -> bool:
    return voice.startswith(PREFIX)


class EngineRouter:
    """The default engine's executor and, for jobs in a Piper voice, Piper's."""

    def __init__(self, default: Executor, voices: Callable[[], list[PiperVoiceFile]],
                 make_executor: Callable[..., Executor]) -> None:
        """`voices()` finds the Piper voices (once); `make_executor(factory, timeout)` builds the
        Piper executor from an engine factory, as the synthesizer builds the default one."""
        self.default = default
        self._voices = voices
        self._make_executor = make_executor
        self._piper: Executor | None = None
        self._lock = threading.Lock()  # one Piper executor, however many jobs ask first
        self._finding = threading.Lock()  # the voices found once (taken inside _lock too)
        self._found: tuple[PiperVoiceFile, ...] | None = None

    @property
    def size(self) -> int:
        return getattr(self.default, "size", 1)

    @property
    def piper_voices(self) -> tuple[PiperVoiceFile, ...]:
        """Found once: a voice copied in later is found after a restart (docs/deploy.md)."""
        with self._finding:
            if self._found is None:
                self._found = tuple(self._voices())
            return self._found

    def info(self) -> EngineInfo:
        info = self.default.info()
        from .piper import voice_info  # no Piper import: piper.py imports piper-tts inside its engine

        return replace(info, voices=info.voices + tuple(voice_info(v) for v in self.piper_voices))

    def run(self, job: Job, wav: str, clip: str) -> Words:
        if not is_piper(job.voice):
            return self.default.run(job, wav, clip)
        return self._piper_executor().run(job, wav, clip)

    def _piper_executor(self) -> Executor:
        if not piper_installed():
            raise VoiceUnusable(f"piper-tts is not installed: {INSTALL_HINT}")
        voices = self.piper_voices
        with self._lock:
            if self._piper is None:
                self._piper = self._make_executor(functools.partial(piper_engine, voices),
                                                  timeout=PIPER_TIMEOUT)
            return self._piper

    def close(self) -> None:
        self.default.close()
        if self._piper is not None:
            self._piper.close()
