"""Several workers: prerender spreads clips over them, and each clip still holds its own text."""

from __future__ import annotations

import threading

from kiosk.speech import Speech
from kiosk.speech.engine import Job
from kiosk.speech.pool import WorkerPool

from . import fakes
from helpers import wait_until


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
        first, second = pool.executors
        assert first.starts == 2  # the one that wrote garbage, and its replacement
        assert second.starts <= 1  # the other, if it has started by now, is untouched
    finally:
        speech.close()


def test_every_worker_starts_as_soon_as_the_voices_are_asked_for(tmp_path):
    """prerender renders every page to find its clips first: the other workers start meanwhile."""
    state = tmp_path / "state"
    state.mkdir()
    pool = WorkerPool(fakes.ProcessFake(str(state)), 3)
    try:
        pool.info()
        wait_until(lambda: len(fakes.starts(state)) == 3, "all three workers started")
        assert fakes.jobs(state) == []  # started, not given work
    finally:
        pool.close()
    assert pool.starts == 3


def test_a_job_for_a_free_worker_does_not_wait_for_a_busy_one(tmp_path):
    """The trap: checking the second worker's engine against the first's took the first's lock,
    held for the whole of its job, so two workers spoke one clip at a time."""
    state = tmp_path / "state"
    state.mkdir()
    pool = WorkerPool(fakes.ProcessFake(str(state), mode="hold-first"), 2)
    job = Job("Please take a seat.", "fake/en", 150)
    try:
        pool.info()
        held = threading.Thread(target=pool.run, args=(job, str(tmp_path / "1.wav"), str(tmp_path / "1.ogg")))
        held.start()
        # The first worker has its job, and keeps it.
        wait_until(lambda: (state / "misbehaved").exists(), "the first worker holding its job")
        other = threading.Thread(target=pool.run, args=(job, str(tmp_path / "2.wav"), str(tmp_path / "2.ogg")))
        other.start()
        # Generous: on a busy machine the second worker's start alone can take seconds; the
        # first never lets go until told, so only a pool that waits for it fails this.
        other.join(120)
        finished_while_held = not other.is_alive()
        (state / "release").touch()
        held.join(60)
        other.join(60)
    finally:
        (state / "release").touch()
        pool.close()
    assert finished_while_held
    assert fakes.spoken_text(tmp_path / "2.ogg") == "Please take a seat."
    assert len(set(fakes.jobs(state))) == 2
