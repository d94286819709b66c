"""What each clip format libsndfile writes costs, against eSpeak's own synthesis of the same audio.

The clips of one section page in a few languages (as bench_synthesis.py takes them) are
synthesized once by libespeak-ng directly, then encoded by every format Chromium plays that
libsndfile can write: time to encode them all, and their size. The kiosk uses Ogg Vorbis
(kiosk/speech/ogg.py); this shows why the synthesis target (within 1.5x of libespeak-ng
direct) cannot hold with any compressed format, and what a WAV or FLAC clip would weigh.
Opus is left out: libsndfile writes it only at 8-48 kHz rates eSpeak's 22,050 Hz is not,
and a test with a resampler took 5-7 times Vorbis's time.

    .venv/bin/python bench/bench_codecs.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import soundfile

from bench_synthesis import DirectEspeak, section_jobs
from kiosk.speech import ogg

# (label, libsndfile format, subtype, suffix, extra arguments)
FORMATS = [
    ("WAV, 16-bit PCM (the engine's own)", "WAV", "PCM_16", ".wav", {}),
    ("FLAC", "FLAC", "PCM_16", ".flac", {}),
    (f"Ogg Vorbis at {ogg.COMPRESSION} (the kiosk's)", "OGG", "VORBIS", ".ogg", {"compression_level": ogg.COMPRESSION}),
    ("MP3 (LAME)", "MP3", "MPEG_LAYER_III", ".mp3", {"compression_level": ogg.COMPRESSION}),
]


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-codecs-") as scratch:
        work = Path(scratch)
        clips = section_jobs()
        direct = DirectEspeak()
        start = time.perf_counter()
        wavs = []
        for n, job in enumerate(clips):
            wavs.append(work / f"{n}.wav")
            direct.synthesize(job.text, job.voice, job.rate, wavs[-1])
        synthesis = time.perf_counter() - start
        audio = [soundfile.read(str(path), dtype="int16") for path in wavs]
        seconds = sum(len(samples) / rate for samples, rate in audio)
        print(f"{len(clips)} sentences, {seconds:.1f} s of audio; libespeak-ng direct synthesized them in "
              f"{synthesis:.3f} s\n")
        for label, fmt, subtype, suffix, extra in FORMATS:
            start = time.perf_counter()
            size = 0
            for n, (samples, rate) in enumerate(audio):
                out = work / f"{n}{suffix}"
                with soundfile.SoundFile(str(out), "w", rate, 1, subtype, format=fmt, **extra) as f:
                    for block in range(0, len(samples), ogg.BLOCK):  # small writes: see ogg.encode
                        f.write(samples[block:block + ogg.BLOCK])
                size += out.stat().st_size
            took = time.perf_counter() - start
            print(f"{label:>38}: {took:.3f} s ({took / synthesis:.1f}x synthesis), {size / 1024:,.0f} KB")


if __name__ == "__main__":  # required: the speech worker is spawned, and re-imports this file
    main()
