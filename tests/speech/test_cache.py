"""The clip cache heals itself and fails fast: bad files are re-rendered, a full queue answers at once,
and a folder that cannot be written is found out before the engine is asked for anything."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from kiosk.speech import SpeechBusy, SpeechUnavailable
from kiosk.speech.cache import ClipCache
from kiosk.speech.scheduler import CLIPS_IN_HAND, GIVE_UP_AFTER

from helpers import wait_until
from .fakes import FakeEngine, spoken_text


def damage(path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "half":
        path.write_bytes(data[: len(data) // 2])
    elif how == "zeros":
        path.write_bytes(b"\0" * len(data))
    elif how == "header-only":
        path.write_bytes(data[:44])


@pytest.mark.parametrize("how", ["empty", "half", "zeros", "header-only"])
def test_a_damaged_clip_is_deleted_and_rendered_again(make_speech, how, caplog):
    engine = FakeEngine()
    speech = make_speech(engine)
    key = speech.register("Please take a seat.", "en")
    path = speech.clip_path(key)
    damage(path, how)
    with caplog.at_level(logging.WARNING):
        again = speech.clip_path(key)
    assert spoken_text(again) == "Please take a seat."
    assert len(engine.calls) == 2
    assert "is invalid" in caplog.text


def test_a_damaged_clip_is_healed_after_a_restart_too(make_speech):
    """Prerender used to check only that a file exists; a new Speech over the same folder must look inside."""
    first = make_speech(FakeEngine())
    key = first.register("Please take a seat.", "en")
    damage(first.clip_path(key), "half")
    engine = FakeEngine()
    second = make_speech(engine)
    assert second.register("Please take a seat.", "en") == key
    assert second.missing() == [key]
    assert second.prerender() == 1
    assert spoken_text(second.clip_path(key)) == "Please take a seat."
    assert second.counts()["en"].cached == 1


def test_a_good_clip_is_checked_once_not_on_every_request(make_speech, monkeypatch):
    speech = make_speech(FakeEngine())
    key = speech.register("Please take a seat.", "en")
    speech.clip_path(key)
    checks = []
    from kiosk.speech import cache

    real = cache.ogg.check
    monkeypatch.setattr(cache.ogg, "check", lambda *a: checks.append(a) or real(*a))
    for _ in range(5):
        speech.clip_path(key)
    assert checks == []


def test_a_full_queue_answers_busy_at_once(make_speech):
    gate = threading.Event()
    engine = FakeEngine(gate=gate)
    speech = make_speech(engine, queue=2)
    keys = [speech.register(f"Sentence number {n}.", "en") for n in range(3)]
    waiting = [threading.Thread(target=speech.clip_path, args=(key,)) for key in keys[:2]]
    for thread in waiting:
        thread.start()
    wait_until(lambda: speech.status()["waiting"] == 2, "two clip requests waiting")
    started = time.monotonic()
    with pytest.raises(SpeechBusy) as raised:
        speech.clip_path(keys[2])
    assert time.monotonic() - started < 5  # at once, not after the engine's timeout (generous: shared machine)
    assert raised.value.retry_after > 0
    gate.set()
    for thread in waiting:
        thread.join()
    assert spoken_text(speech.clip_path(keys[2])) == "Sentence number 2."  # the queue is free again


def test_counts_are_per_language(make_speech):
    speech = make_speech(FakeEngine())
    one = speech.register("One.", "en")
    speech.register("Two.", "en")
    speech.register("Dos.", "es")
    speech.clip_path(one)
    counts = speech.counts()
    assert (counts["en"].cached, counts["en"].missing) == (1, 1)
    assert (counts["es"].cached, counts["es"].missing) == (0, 1)


def test_prerender_gives_up_after_clips_fail_in_a_row(make_speech):
    engine = FakeEngine(mode="fail")
    speech = make_speech(engine, attempts=1)
    for n in range(20):
        speech.register(f"Sentence number {n}.", "en")
    with pytest.raises(SpeechUnavailable, match="20 of 20"):
        speech.prerender()
    # Not 20: an engine that fails everything is not asked all night (only the clips already in
    # hand when it gave up are still tried).
    assert GIVE_UP_AFTER <= len(engine.calls) <= GIVE_UP_AFTER + CLIPS_IN_HAND - 1


def test_unwritable_folder_falls_back_to_a_temporary_one(tmp_path, monkeypatch, caplog):
    """(A real read-only mount is in the fault tests; here the probe itself is made to fail.)"""
    from kiosk.speech import cache as cache_module

    real_probe = cache_module._probe
    folder = tmp_path / "audio"
    monkeypatch.setattr(cache_module, "_probe",
                        lambda f: OSError(30, "Read-only file system") if f == folder else real_probe(f))
    cache = ClipCache(folder)
    with caplog.at_level(logging.ERROR):
        chosen = cache.write_dir()
    assert chosen != folder and chosen == cache.fallback and chosen.is_dir()
    assert [r.message for r in caplog.records if "cannot be written" in r.message]
    cache.close()
    assert not chosen.exists()


def test_no_writable_folder_at_all_fails_at_once_without_asking_the_engine(make_speech, monkeypatch):
    from kiosk.speech import cache as cache_module

    monkeypatch.setattr(cache_module, "_probe", lambda f: OSError(28, "No space left on device"))
    engine = FakeEngine()
    speech = make_speech(engine)
    keys = [speech.register(f"Sentence number {n}.", "en") for n in range(10)]
    started = time.monotonic()
    with pytest.raises(SpeechUnavailable, match="cannot be written|can be written"):
        speech.clip_path(keys[0])
    with pytest.raises(SpeechUnavailable, match="10 of 10"):
        speech.prerender()
    assert time.monotonic() - started < 5
    assert engine.calls == []
    status = speech.status()
    assert status["ok"] is False and "written" in status["detail"]


def test_close_removes_partial_files(tmp_path):
    cache = ClipCache(tmp_path)
    tmp = cache.temporary(tmp_path / "abc.wav")
    tmp.write_bytes(b"half a clip")
    cache.close()
    assert not tmp.exists()
