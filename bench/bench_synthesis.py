"""Synthesis against libespeak-ng called directly: the same sentences, the same voice and rate.

The sentences are the clips of one section page in a few languages, taken from the page itself
(every `<span class="sentence" data-clip>`), with the voice and rate the kiosk registered them
with, so both sides say exactly what a patient hears.

- baseline: libespeak-ng (the espeakng-loader wheel's, as the kiosk loads it) through ctypes in
  this process: espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS), a callback that collects the
  samples, espeak_SetVoiceByName and espeak_Synth per sentence, one WAV file per sentence;
- kiosk: the same clips rendered by the speech layer that `kiosk prerender` uses (the speech
  worker process, pyttsx3, the WAV check, the Ogg Vorbis encoding, fsync and rename), from an
  empty cache;
- a second baseline, for like with like: the first, plus the kiosk's own Ogg Vorbis encoder
  (kiosk.speech.ogg.encode) run on each WAV it wrote. The kiosk against this one is what the
  speech layer itself costs. (The WAVs are encoded, not synthesized again: eSpeak's output
  drifts by a few samples with every pass, and the length check below needs the passes in step.)

Both sides start warm (library loaded, worker running): the figure is synthesis, not start-up.
The audio durations are printed as a check that both said the same thing in the same voice.

    .venv/bin/python bench/bench_synthesis.py [repeats]
"""

from __future__ import annotations

import ctypes
import re
import statistics
import sys
import tempfile
import time
import wave
from pathlib import Path

import espeakng_loader
import soundfile

from kiosk import create_app
from kiosk.speech import ogg
from kiosk.state import app_state

LEAFLET = "trigger-point-injections"
SECTION = "what-to-expect"
LANGUAGES = ("en", "es", "ar")
CLIP = re.compile(r'<span class="sentence" data-clip="/audio/([0-9a-f]{64})\.ogg">')

# speak_lib.h
AUDIO_OUTPUT_SYNCHRONOUS = 2
CHARS_UTF8, ENDPAUSE = 1, 0x1000  # the flags pyttsx3's driver synthesizes with
RATE, VOLUME = 1, 2  # espeak_PARAMETER
POS_CHARACTER = 1
# pyttsx3 asks for 1,000 ms buffers; the same here, so both sides make as many callbacks.
BUFFER_MS = 1000
SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class DirectEspeak:
    """libespeak-ng with nothing in between: synchronous output into a Python list."""

    def __init__(self) -> None:
        dll = ctypes.CDLL(espeakng_loader.get_library_path())
        dll.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        dll.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        dll.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        dll.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.rate = dll.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, BUFFER_MS,
                                          espeakng_loader.get_data_path().encode(), 0)
        if self.rate <= 0:
            raise RuntimeError("espeak_Initialize failed")
        self._chunks: list[bytes] = []
        # Kept on self: eSpeak calls it long after this function returns.
        self._callback = SYNTH_CALLBACK(self._collect)
        dll.espeak_SetSynthCallback(self._callback)
        self._dll = dll

    def _collect(self, samples, count: int, events) -> int:
        if count > 0:
            self._chunks.append(ctypes.string_at(samples, 2 * count))
        return 0

    def synthesize(self, text: str, voice: str, rate: int, path: Path) -> int:
        """Write `text` to the WAV file `path`; return its frames."""
        if self._dll.espeak_SetVoiceByName(voice.encode()) != 0:
            raise RuntimeError(f"no voice {voice!r}")
        self._dll.espeak_SetParameter(RATE, rate, 0)
        self._dll.espeak_SetParameter(VOLUME, 100, 0)  # pyttsx3 sets volume 1.0
        self._chunks.clear()
        data = text.encode()
        if self._dll.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None) != 0:
            raise RuntimeError(f"espeak_Synth failed for {text!r}")
        audio = b"".join(self._chunks)
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.rate)
            w.writeframes(audio)
        return len(audio) // 2


def section_clips(app) -> list[tuple[str, object]]:
    """(key, Job) of every sentence a section page speaks, in LANGUAGES, as the page registers them."""
    client = app.test_client()
    speech = app_state(app).speech
    clips = []
    for lang in LANGUAGES:
        page = client.get(f"/{lang}/{LEAFLET}/{SECTION}").get_data(as_text=True)
        clips += [(key, speech.job(key)) for key in dict.fromkeys(CLIP.findall(page))]
    return clips


def section_jobs() -> list:
    """The Job of every sentence a section page speaks in LANGUAGES, from an app made for this and closed."""
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as scratch:
        app = create_app(instance_path=scratch, command={"SPEECH_WORKERS": 1})
        try:
            return [job for _, job in section_clips(app)]
        finally:
            app_state(app).speech.close()


def frames(path: Path) -> int:
    """Samples in a WAV (the baseline's) or an Ogg clip (the kiosk's: encoding keeps the count)."""
    return soundfile.info(str(path)).frames


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def run(repeats: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-synthesis-") as scratch:
        work = Path(scratch)
        app = create_app(instance_path=str(work / "instance"), command={"SPEECH_WORKERS": 1})
        speech = app_state(app).speech
        try:
            clips = section_clips(app)  # this also starts the worker
            direct = DirectEspeak()
            (work / "direct").mkdir()

            def baseline() -> list[int]:
                return [direct.synthesize(job.text, job.voice, job.rate, work / "direct" / f"{key}.wav")
                        for key, job in clips]

            def encode_baseline() -> None:
                for key, _ in clips:
                    wav = work / "direct" / f"{key}.wav"
                    ogg.encode(wav, wav.with_suffix(ogg.SUFFIX))

            def kiosk() -> list[int]:
                return [frames(speech.clip_path(key)) for key, _ in clips]

            base_times, encoded_times, kiosk_times, base_frames, kiosk_frames = [], [], [], [], []
            for n in range(repeats + 1):  # alternated, so all three see the same machine load
                for clip in speech.cache_dir.glob("*.ogg"):
                    clip.unlink()  # an empty cache: every clip is synthesized
                kiosk_time = timed(lambda: kiosk_frames.extend(kiosk()))
                base_time = timed(lambda: base_frames.extend(baseline()))
                encoded_time = base_time + timed(encode_baseline)
                if n:  # the first pass only warms up (each voice's data is loaded on first use)
                    kiosk_times.append(kiosk_time)
                    base_times.append(base_time)
                    encoded_times.append(encoded_time)
        finally:
            speech.close()
    base, encoded, ours = (statistics.median(t) for t in (base_times, encoded_times, kiosk_times))
    # eSpeak NG's output drifts by a few samples from one pass over the sentences to the next (in
    # step on both sides), so the n-th pass of one is compared with the n-th pass of the other.
    per_clip = [abs(k - b) / b for b, k in zip(base_frames, kiosk_frames)]
    return {
        "languages": LANGUAGES,
        "sentences": len(clips),
        "chars": sum(len(job.text) for _, job in clips),
        "voices": sorted({(job.voice, job.rate) for _, job in clips}),
        "repeats": repeats,
        "baseline_s": base,
        "kiosk_s": ours,
        "ratio": ours / base,
        "baseline_encoded_s": encoded,
        "ratio_same_output": ours / encoded,
        "baseline_runs_s": base_times,
        "kiosk_runs_s": kiosk_times,
        "baseline_audio_s": sum(base_frames[:len(clips)]) / direct.rate,
        "kiosk_audio_s": sum(kiosk_frames[:len(clips)]) / direct.rate,
        "clips_compared": len(per_clip),
        "clips_of_equal_length": per_clip.count(0),
        "largest_length_difference": max(per_clip),
    }


def main() -> None:
    figures = run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
    for name, value in figures.items():
        print(f"{name:>26}: {value}")
    print(f"\n{figures['sentences']} sentences, {figures['chars']} characters ({', '.join(figures['languages'])}): "
          f"libespeak-ng direct {figures['baseline_s']:.3f} s, kiosk {figures['kiosk_s']:.3f} s, "
          f"{figures['ratio']:.2f}x (target: at most 1.5x)")
    print(f"like with like: libespeak-ng direct and then the same Ogg Vorbis encoding {figures['baseline_encoded_s']:.3f} s, "
          f"kiosk {figures['ratio_same_output']:.2f}x that")
    print(f"audio: direct {figures['baseline_audio_s']:.1f} s, kiosk {figures['kiosk_audio_s']:.1f} s; "
          f"{figures['clips_of_equal_length']} of {figures['clips_compared']} clips of equal length")


if __name__ == "__main__":  # required: the spawned worker re-imports this file as __mp_main__
    main()
