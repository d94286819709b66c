"""Speech benchmark: cold start, synthesis cost per 100 characters, cache hit vs miss. Not a test.

Every ratio compares with a baseline measured in this same run, so the figures survive a noisy
or slower machine: the bare engine (pyttsx3 + eSpeak NG called in this process, no worker, no
checks) against the full path (worker process, IPC, WAV check, fsync and atomic rename).

    .venv/bin/python bench/bench_speech.py
"""

from __future__ import annotations

import contextlib
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

from kiosk import ROOT
from kiosk.content import load_leaflet
from kiosk.speech import ProcessExecutor, init_app
from kiosk.speech.synthesizer import synthesize_clip
from kiosk.speech.espeak import EspeakEngine
from kiosk.speech.engine import Job
from kiosk.state import app_state, attach

# The leaflet's own text, from the content file.
LEAFLET = " ".join(load_leaflet(ROOT / "leaflets" / "trigger-point-injections.toml").section("what-to-expect").messages())
TEXTS = {
    "short (60 chars)": "Please take a seat; the nurse will call your name very soon.",
    "medium (300 chars)": LEAFLET[:300],
    "long (2000 chars)": (LEAFLET * 5)[:2000],
}
REPEATS = 5


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_ms(fn, repeats: int = REPEATS) -> float:
    return 1000 * statistics.median(timed(fn) for _ in range(repeats))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-speech-") as scratch:
        run(Path(scratch))


def run(work: Path) -> None:
    print(f"python {sys.version.split()[0]}, {sys.platform}\n")

    # Cold start: spawn, import, load libespeak-ng, espeak_Initialize, list voices.
    starts = []
    for _ in range(3):
        executor = ProcessExecutor()
        starts.append(timed(executor.info))
        executor.close()
    print(f"cold worker start (spawn to voices listed): {1000 * statistics.median(starts):7.1f} ms")

    baseline_engine = EspeakEngine()  # baseline: the engine in this process
    executor = ProcessExecutor()
    executor.info()
    print("\nsynthesis, ms per 100 characters (median of %d)" % REPEATS)
    print(f"  {'text':<20} {'bare engine':>12} {'full path':>12} {'ratio':>7}")
    for label, text in TEXTS.items():
        job = Job(text, "gmw/en-us", 150)
        with contextlib.redirect_stdout(io.StringIO()):  # the driver prints "Audio saved to ..."
            bare = median_ms(lambda: baseline_engine.synthesize(text, job.voice, job.rate, str(work / "bare.wav")))
        n = iter(range(10**6))
        full = median_ms(lambda: synthesize_clip(executor, job, work / f"full{next(n)}.ogg", attempts=1))
        per100 = 100 / len(text)
        print(f"  {label:<20} {bare * per100:10.2f}   {full * per100:10.2f}   {full / bare:6.2f}x")
    executor.close()

    # Serving: a miss synthesizes on the request; a hit only sends the file.
    app = Flask(__name__, instance_path=str(work / "instance"))
    app.config["SPEECH_CACHE_DIR"] = str(work / "audio")
    attach(app)
    init_app(app)
    speech = app_state(app).speech
    client = app.test_client()
    speech.voice_for("en")  # starts the worker, so misses below measure synthesis, not spawn
    misses, hits, ranges = [], [], []
    for i in range(REPEATS):
        key = speech.register(f"{TEXTS['medium (300 chars)']} Number {i}.", "en")
        url = f"/audio/{key}.ogg"
        misses.append(timed(lambda: client.get(url, buffered=True)))
        hits.append(timed(lambda: client.get(url, buffered=True)))
        ranges.append(timed(lambda: client.get(url, headers={"Range": "bytes=0-65535"}, buffered=True)))
    miss, hit, rng = (1000 * statistics.median(x) for x in (misses, hits, ranges))
    print("\nGET /audio/<key>.ogg, 300-character clip (median of %d)" % REPEATS)
    print(f"  cache miss (synthesize, check, rename, send): {miss:8.2f} ms")
    print(f"  cache hit (send the file):                    {hit:8.2f} ms   miss/hit {miss / hit:6.1f}x")
    print(f"  cache hit, Range 64 KiB (206):                {rng:8.2f} ms   range/hit {rng / hit:6.2f}x")
    speech.close()


if __name__ == "__main__":  # required: the spawned worker re-imports this file as __mp_main__
    main()
