"""Where a clip's time goes: each step the kiosk takes to make one, against libespeak-ng direct.

The clips of one section page in a few languages (as bench_synthesis.py takes them), made
step by step in this process, the median of 5 passes after a warm-up:

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

from bench_synthesis import DirectEspeak, section_clips
from kiosk import create_app
from kiosk.speech import ogg, wav
from kiosk.speech.worker import default_engine_factory

PASSES = 5


def jobs() -> list:
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch:
        app = create_app(instance_path=scratch, command={"SPEECH_WORKERS": 1})
        try:
            return [job for _, job in section_clips(app)]
        finally:
            app.extensions["speech"].close()


def direct_seconds(clips: list) -> float:
    """Median time for libespeak-ng direct to speak every clip (run in a child process)."""
    espeak = DirectEspeak()
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch:
        for n in range(PASSES + 1):
            start = time.perf_counter()
            for i, job in enumerate(clips):
                espeak.synthesize(job.text, job.voice, job.rate, Path(scratch) / f"{i}.wav")
            if n:
                times.append(time.perf_counter() - start)
    return statistics.median(times)


def stage_seconds(clips: list) -> dict[str, float]:
    engine = default_engine_factory()
    stages: dict[str, list[float]] = {name: [] for name in
                                      ("pyttsx3", "wav.check", "ogg.encode", "ogg.check", "commit", "rename alone")}
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch:
        work = Path(scratch)
        for n in range(PASSES + 1):
            took = dict.fromkeys(stages, 0.0)

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
            if n:  # the first pass loads each voice
                for stage, seconds in took.items():
                    stages[stage].append(seconds)
    return {stage: statistics.median(times) for stage, times in stages.items()}


def main() -> None:
    clips = jobs()
    with multiprocessing.get_context("spawn").Pool(1) as child:
        direct = child.apply(direct_seconds, (clips,))
    stages = stage_seconds(clips)
    print(f"{len(clips)} sentences, median of {PASSES} passes\n")
    print(f"{'libespeak-ng direct':>22}: {direct * 1000:6.0f} ms  {direct * 1000 / len(clips):5.1f} ms a clip  1.00x")
    for stage, seconds in stages.items():
        print(f"{stage:>22}: {seconds * 1000:6.0f} ms  {seconds * 1000 / len(clips):5.1f} ms a clip  "
              f"{seconds / direct:4.2f}x")
    steps = sum(stages[s] for s in ("pyttsx3", "wav.check", "ogg.check", "commit"))
    print(f"\nevery step but the encoding: {steps / direct:.2f}x direct; with it: "
          f"{(steps + stages['ogg.encode']) / direct:.2f}x (the speech worker's process boundary comes on top)")


if __name__ == "__main__":  # required: the child process re-imports this file
    main()
