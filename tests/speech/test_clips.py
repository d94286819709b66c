"""Clips: keys, registration, one synthesis per key however many threads ask, retries, prerendering."""

from __future__ import annotations

import threading

import pytest

from kiosk import files
from kiosk.speech import Speech, SpeechUnavailable, UnknownClip, clip_key

from helpers import wait_until
from .fakes import FakeEngine, spoken_text


def test_key_is_a_digest_of_everything_that_decides_the_audio():
    key = clip_key("Hello.", "gmw/en-us", 150, "pyttsx3 2.99; eSpeak NG 1.52.0")
    assert len(key) == 64 and key == key.lower() and int(key, 16) >= 0
    assert key == clip_key("Hello.", "gmw/en-us", 150, "pyttsx3 2.99; eSpeak NG 1.52.0")
    others = {
        clip_key("Hello!", "gmw/en-us", 150, "pyttsx3 2.99; eSpeak NG 1.52.0"),
        clip_key("Hello.", "gmw/en", 150, "pyttsx3 2.99; eSpeak NG 1.52.0"),
        clip_key("Hello.", "gmw/en-us", 160, "pyttsx3 2.99; eSpeak NG 1.52.0"),
        clip_key("Hello.", "gmw/en-us", 150, "pyttsx3 2.99; eSpeak NG 1.53.0"),
    }
    assert key not in others and len(others) == 4


def test_real_engine_key_names_the_engine_versions(real_executor, tmp_path):
    speech = Speech(tmp_path, executor=real_executor)
    key = speech.register("Hello.", "en")
    engine = real_executor.info().engine
    assert key == clip_key("Hello.", "gmw/en-us", 150, engine)
    assert "pyttsx3 2.99" in engine and "eSpeak NG 1.52.0" in engine


def test_register_returns_none_when_nothing_can_be_spoken(make_speech):
    speech = make_speech(FakeEngine())
    assert speech.register("Kumusta po kayo?", "fil") is None  # no voice
    assert speech.register("   ", "en") is None
    assert speech.register("", "en") is None


def test_clip_path_renders_once_then_hits_the_cache(make_speech):
    engine = FakeEngine()
    speech = make_speech(engine)
    key = speech.register("The nurse will call you.", "en")
    path = speech.clip_path(key)
    assert speech.clip_path(key) == path
    assert spoken_text(path) == "The nurse will call you."
    assert engine.calls == ["The nurse will call you."]
    assert path.parent == speech.cache_dir and path.name == f"{key}.ogg"


@pytest.mark.parametrize("key", ["", "abc", "A" * 64, "g" * 64, "0" * 63, "0" * 65, "../" + "0" * 61, None])
def test_malformed_keys_are_unknown(make_speech, key):
    with pytest.raises(UnknownClip):
        make_speech(FakeEngine()).clip_path(key)


def test_unregistered_key_is_unknown_even_if_its_file_is_cached(make_speech):
    speech = make_speech(FakeEngine())
    key = "0" * 64
    speech.cache_dir.mkdir(parents=True)
    (speech.cache_dir / f"{key}.ogg").write_bytes(b"stale clip of an old translation")
    with pytest.raises(KeyError):  # UnknownClip is a KeyError
        speech.clip_path(key)


def test_many_threads_one_synthesis(make_speech):
    gate = threading.Event()
    engine = FakeEngine(gate=gate)
    speech = make_speech(engine, queue=8)
    key = speech.register("Please wait to be called.", "en")
    results, errors = [], []

    def ask():
        try:
            results.append(speech.clip_path(key))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    # All eight are inside the same flight while the engine is held inside the first synthesis.
    wait_until(
        lambda: len(engine.calls) == 1 and speech.synthesizer.waiters(key) == 8,
        "eight callers sharing one synthesis that has started",
    )
    gate.set()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 8 and len(set(results)) == 1
    assert engine.calls == ["Please wait to be called."]
    assert speech.synthesizer.waiters(key) == 0


def test_a_failed_flight_fails_every_waiter_and_the_next_request_tries_again(make_speech):
    engine = FakeEngine(mode="fail")
    speech = make_speech(engine, attempts=2)
    key = speech.register("Hello.", "en")
    with pytest.raises(SpeechUnavailable):
        speech.clip_path(key)
    assert len(engine.calls) == 2  # bounded retries
    engine.mode = "ok"
    assert spoken_text(speech.clip_path(key)) == "Hello."
    assert len(engine.calls) == 3


def test_bad_audio_is_retried_on_a_fresh_engine_and_never_cached(make_speech):
    engine = FakeEngine(mode="garbage-once")
    speech = make_speech(engine)
    key = speech.register("Hello there.", "en")
    path = speech.clip_path(key)
    assert spoken_text(path) == "Hello there."
    assert len(engine.calls) == 2
    assert speech.executor.starts == 2  # the engine that wrote garbage was dropped
    assert sorted(p.name for p in speech.cache_dir.iterdir()) == [f"{key}.ogg"]  # no temporary left


def test_prerender_renders_only_what_is_missing(make_speech):
    engine = FakeEngine()
    speech = make_speech(engine)
    keys = [speech.register(text, tag) for text, tag in [("One.", "en"), ("Dos.", "es"), ("ثلاثة.", "ar")]]
    speech.clip_path(keys[0])
    seen = []
    assert speech.prerender(lambda done, total: seen.append((done, total))) == 2
    assert seen == [(1, 2), (2, 2)]
    assert speech.prerender() == 0
    assert [spoken_text(speech.clip_path(k)) for k in keys] == ["One.", "Dos.", "ثلاثة."]
    assert len(engine.calls) == 3


def test_prerender_keeps_the_worker_busy_while_a_clip_is_made_durable(make_speech, monkeypatch):
    engine = FakeEngine()
    speech = make_speech(engine)
    speech.register("One.", "en")
    speech.register("Two.", "en")
    replace_durably = files.replace_durably

    def slow_replace(written, path):
        wait_until(lambda: len(engine.calls) == 2, "the engine to start on the next clip meanwhile")
        replace_durably(written, path)

    monkeypatch.setattr(files, "replace_durably", slow_replace)
    assert speech.prerender() == 2


def test_prerender_reports_failures_after_trying_everything(make_speech):
    engine = FakeEngine(mode="fail")
    speech = make_speech(engine, attempts=1)
    speech.register("One.", "en")
    speech.register("Two.", "en")
    with pytest.raises(SpeechUnavailable, match="2 of 2"):
        speech.prerender()
    assert len(engine.calls) == 2


def test_disabled_speech_starts_nothing(tmp_path):
    speech = Speech(tmp_path, enabled=False)
    assert speech.executor is None
    assert speech.voice_for("en") is None
    assert speech.register("Hello.", "en") is None
    assert speech.prerender() == 0


@pytest.mark.parametrize("rate", [79, 451])
def test_rate_outside_espeak_range_is_refused(tmp_path, rate):
    with pytest.raises(ValueError, match="SPEECH_RATE"):
        Speech(tmp_path, rate=rate, enabled=False)
