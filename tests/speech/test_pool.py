"""Several workers: prerender spreads clips over them, and each clip still holds its own text."""

from __future__ import annotations

from kiosk.speech import Speech
from kiosk.speech.pool import WorkerPool

from . import fakes


def test_prerender_uses_every_worker_and_every_clip_says_its_own_text(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    pool = WorkerPool(fakes.ProcessFake(str(state), mode="slow"), 2)
    speech = Speech(tmp_path / "audio", executor=pool)
    try:
        assert speech.workers == 2
        texts = [f"Sentence number {n} of the leaflet." for n in range(12)]
        keys = [speech.register(text, "en") for text in texts]
        assert speech.prerender() == 12
        assert len(set(fakes.jobs(state))) == 2  # two worker processes took jobs
        assert [fakes.spoken_text(speech.clip_path(key)) for key in keys] == texts
    finally:
        speech.close()


def test_a_worker_that_wrote_garbage_is_the_one_replaced(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    pool = WorkerPool(fakes.ProcessFake(str(state), mode="garbage-once"), 2)
    speech = Speech(tmp_path / "audio", executor=pool)
    try:
        key = speech.register("Please take a seat.", "en")
        assert fakes.spoken_text(speech.clip_path(key)) == "Please take a seat."
        assert pool.starts == 2  # the one that wrote garbage, and its replacement; the other never started
    finally:
        speech.close()
