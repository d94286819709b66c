"""Piper, the offline neural voices, as an engine.Engine; used inside its own worker process only.

Its own process, never eSpeak's: piper-tts carries a copy of eSpeak NG inside its extension
(espeakbridge), which exports the same espeak_* symbols as the libespeak-ng the eSpeak worker
loads RTLD_GLOBAL (espeak.py). In one process one copy's calls could land in the other's, whose
state pyttsx3 owns. The synthesizer routes each job by its voice (engines.py).
"""

from __future__ import annotations

import os
import wave

from .engine import EngineInfo, LexiconEntry, VoiceInfo, VoiceUnusable, Words
from .lexicon import respell
from .piper_voices import PiperVoiceFile, engine_name, voice_engine
from .registry import DEFAULT_RATE

# Piper's voices speak at about the kiosk's default rate (150 words a minute) with their own
# length scale; a rate is turned into a length scale against that.
NATURAL_RATE = DEFAULT_RATE
# The prerender runs Piper for minutes at a time, and a neural voice takes far more CPU than
# eSpeak: the worker yields to the web server's pages (issue 33: pages stay at idle speed).
# os.nice adds: this comes on top of every speech worker's WORKER_NICENESS (worker.py).
NICENESS = 10
# onnxruntime's threads per voice: one, so a Piper worker takes one core like eSpeak's, and a
# second worker (kiosk prerender --workers 2) the other, rather than two fighting over both.
THREADS = 1


def voice_info(voice: PiperVoiceFile) -> VoiceInfo:
    """How the registry sees a Piper voice: its language, its own engine string, and no eSpeak phonemes."""
    return VoiceInfo(id=voice.id, name=f"{voice.name} (Piper)", languages=(voice.language,),
                     engine=voice_engine(voice), phonemes=False)


def apply_lexicon(text: str, entries: tuple[LexiconEntry, ...]) -> str:
    """`text` with the respellings in place of their words; eSpeak phoneme entries are left out.

    Piper's own `[[...]]` takes IPA phonemes one symbol at a time, not eSpeak NG's mnemonics,
    so a phoneme entry handed to it would be wrong sounds: its word is said as written (the
    lexicon screen says so). Any "[[" of the text itself is broken apart, as for eSpeak."""
    return respell(text, tuple(e for e in entries if e.phonemes is None))


class PiperEngine:
    """The Piper voices given, each loaded on its first job and kept (one ONNX session each)."""

    def __init__(self, voices: tuple[PiperVoiceFile, ...] = ()) -> None:
        try:
            import onnxruntime
            import piper
        except ImportError as exc:
            raise RuntimeError(f"piper-tts is not installed: {exc}") from exc
        self._piper = piper
        self._onnxruntime = onnxruntime
        self._voices = {v.id: v for v in voices}
        self._loaded: dict = {}
        try:
            os.nice(NICENESS)
        except OSError:
            pass  # not allowed here: the worker runs at the server's priority

    def info(self) -> EngineInfo:
        return EngineInfo(engine=engine_name(), library=os.path.dirname(self._piper.__file__),
                          voices=tuple(voice_info(v) for v in self._voices.values()))

    def apply_lexicon(self, text: str, entries: tuple[LexiconEntry, ...]) -> str:
        return apply_lexicon(text, entries)

    def synthesize(self, text: str, voice: str, rate: int, path: str) -> Words:
        """Write `text` said by the Piper voice `voice` to the WAV `path`. No word events: Piper
        has none, and the page highlights sentence by sentence from its own clip boundaries."""
        loaded = self._load(voice)
        config = self._piper.SynthesisConfig(length_scale=NATURAL_RATE / rate)
        with wave.open(path, "wb") as wav:
            loaded.synthesize_wav(text, wav, syn_config=config)
        return ()

    def _load(self, voice_id: str):
        if voice_id in self._loaded:
            return self._loaded[voice_id]
        voice = self._voices.get(voice_id)
        if voice is None:
            raise VoiceUnusable(f"{voice_id} is not one of this kiosk's Piper voices")
        if voice.problem:
            raise VoiceUnusable(f"{voice.name}: {voice.problem}")
        options = self._onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = THREADS
        try:
            config = self._piper.PiperConfig.from_dict(_read_json(voice.config))
            session = self._onnxruntime.InferenceSession(voice.model, sess_options=options,
                                                         providers=["CPUExecutionProvider"])
            # PiperVoice.load() takes no session options (so no thread limit): built as it would.
            loaded = self._piper.PiperVoice(config=config, session=session)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own types for a bad file
            raise VoiceUnusable(f"the voice file {voice.model} could not be loaded "
                                f"({type(exc).__name__}: {str(exc)[:200]})") from exc
        self._loaded[voice_id] = loaded
        return loaded


def _read_json(path: str) -> dict:
    import json

    with open(path, encoding="utf-8") as f:
        return json.load(f)
