"""Where a clip's time goes: each step the kiosk takes to make one, against libespeak-ng direct.

The clips of one section page in a few languages (as bench_synthesis.py takes them), made
step by step in this process, the median of 5 passes after a warm-up, each pass
alternated with one of the baseline's:

- pyttsx3: the kiosk's engine (kiosk/speech/espeak.py) speaking each sentence to WAV, as
  the speech worker runs it (with its loop's naps shortened);
- wav.check, ogg.encode, ogg.check: what the worker and then the server check and encode;
- commit: fsync, rename, fsync of the folder (wav.commit), and the rename alone for scale.

The baseline, libespeak-ng called directly (bench_synthesis.DirectEspeak), runs in a child
process: two users of libespeak-ng in one process stop each other. The speech worker's
own cost (a process boundary per clip) is bench_synthesis.py's like-with-like figure.

    .venv/bin/python bench/bench_clip_stages.py
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench_synthesis import DirectEspeak, section_jobs
from kiosk.speech import ogg, wav
from kiosk.speech.worker import default_engine_factory

PASSES = 5
STAGES = ("pyttsx3", "wav.check", "ogg.encode", "ogg.check", "commit", "rename alone")


_espeak: DirectEspeak | None = None  # the child process's own, made on its first pass


def direct_pass(clips: list, folder: str) -> float:
    """Seconds for libespeak-ng direct to speak every clip once (run in the child process)."""
    global _espeak
    _espeak = _espeak or DirectEspeak()
    start = time.perf_counter()
    for i, job in enumerate(clips):
        _espeak.synthesize(job.text, job.voice, job.rate, Path(folder) / f"{i}.wav")
    return time.perf_counter() - start


def stage_pass(engine, clips: list, work: Path) -> dict[str, float]:
    """Seconds each of the kiosk's steps took over every clip, once."""
    took = dict.fromkeys(STAGES, 0.0)

    def timed(stage: str, step) -> None:
        start = time.perf_counter()
        step()
        took[stage] += time.perf_counter() - start

    for i, job in enumerate(clips):
        speech, clip, copy = work / f"{i}.wav", work / f"{i}.ogg", work / f"{i}-copy.ogg"
        with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to ..."
            timed("pyttsx3", lambda: engine.synthesize(job.text, job.voice, job.rate, str(speech)))
        timed("wav.check", lambda: wav.check(str(speech), job.text, job.rate))
        timed("ogg.encode", lambda: ogg.encode(speech, clip))
        timed("ogg.check", lambda: ogg.check(clip, job.text, job.rate))
        shutil.copyfile(clip, copy)
        timed("commit", lambda: wav.commit(clip, work / f"{i}-kept.ogg"))
        timed("rename alone", lambda: copy.replace(work / f"{i}-renamed.ogg"))
    return took


def main() -> None:
    clips = section_jobs()
    engine = default_engine_factory()
    direct: list[float] = []
    stages: dict[str, list[float]] = {stage: [] for stage in STAGES}
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch, \
            multiprocessing.get_context("spawn").Pool(1) as child:
        # Alternated, pass by pass, so both sides see the same load on a shared machine; the
        # first pass of each only warms up (each voice's data is loaded on first use).
        for n in range(PASSES + 1):
            direct_time = child.apply(direct_pass, (clips, scratch))
            took = stage_pass(engine, clips, Path(scratch))
            if n:
                direct.append(direct_time)
                for stage, seconds in took.items():
                    stages[stage].append(seconds)
    base = statistics.median(direct)
    medians = {stage: statistics.median(times) for stage, times in stages.items()}
    print(f"{len(clips)} sentences, median of {PASSES} alternated passes\n")
    print(f"{'libespeak-ng direct':>22}: {base * 1000:6.0f} ms  {base * 1000 / len(clips):5.1f} ms a clip  1.00x")
    for stage, seconds in medians.items():
        print(f"{stage:>22}: {seconds * 1000:6.0f} ms  {seconds * 1000 / len(clips):5.1f} ms a clip  "
              f"{seconds / base:4.2f}x")
    steps = sum(medians[s] for s in ("pyttsx3", "wav.check", "ogg.check", "commit"))
    print(f"\nevery step but the encoding: {steps / base:.2f}x direct; with it: "
          f"{(steps + medians['ogg.encode']) / base:.2f}x (the speech worker's process boundary comes on top)")


if __name__ == "__main__":  # required: the child process re-imports this file
    main()
