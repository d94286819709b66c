"""The speech service's parts, each through its own public methods, and the one sequence for
"the lexicon changed" (kiosk/speech/service.py), called with no view in between."""

from __future__ import annotations

from kiosk import create_app
from kiosk.jobs.crawl import ensure_registered, page_urls
from kiosk.speech import ThreadExecutor, lexicon
from kiosk.speech.engine import EngineInfo, Job, LexiconEntry
from kiosk.speech.registry import ClipRegistry, clip_key
from kiosk.speech.scheduler import ClipCount, RenderScheduler
from kiosk.speech.service import change_lexicon
from kiosk.speech.synthesizer import Synthesizer
from kiosk.state import app_state

from helpers import wait_until

from . import fakes
from .fakes import FakeEngine

INFO = EngineInfo("fake 1", "(fake)", fakes.VOICES)
SEAT = "Please take a seat."


def test_the_registry_keys_what_pages_need_without_synthesizing_anything():
    registry = ClipRegistry(engine_info=lambda: INFO)
    key = registry.register(SEAT, "en")
    job = Job(SEAT, registry.voice_for("en"), 150)
    assert key == clip_key(SEAT, job.voice, 150, "fake 1")
    assert registry.job(key) == job and registry.jobs() == [(key, job, "en")]
    assert registry.texts("en") == [SEAT] and registry.texts("es") == []


def test_the_registry_registers_nothing_while_no_engine_answers():
    registry = ClipRegistry(engine_info=lambda: None)
    assert registry.register(SEAT, "en") is None and registry.registered() == 0


def test_the_synthesizer_makes_a_clip_from_a_key_and_job_alone(tmp_path):
    synthesizer = Synthesizer(tmp_path, executor=ThreadExecutor(FakeEngine))
    try:
        job = Job(SEAT, "fake/en", 150)
        key = clip_key(SEAT, job.voice, job.rate, "fake 1")
        assert synthesizer.find(key, job) is None
        path = synthesizer.clip_path(key, job)
        assert fakes.spoken_text(path) == SEAT and synthesizer.find(key, job) == path
        assert synthesizer.waiting() == 0 and synthesizer.waiters(key) == 0
    finally:
        synthesizer.close()


def test_the_scheduler_prerenders_what_the_registry_has_and_the_cache_lacks(tmp_path):
    synthesizer = Synthesizer(tmp_path, executor=ThreadExecutor(FakeEngine))
    registry = ClipRegistry(engine_info=synthesizer.info)
    scheduler = RenderScheduler(registry, synthesizer)
    try:
        keys = {registry.register(SEAT, "en"), registry.register("Tome asiento, por favor.", "es")}
        assert set(scheduler.missing()) == keys
        assert scheduler.prerender() == 2 and scheduler.missing() == []
        assert scheduler.counts() == {"en": ClipCount(1, 0), "es": ClipCount(1, 0)}
        assert scheduler.status()["state"] == "ready"
    finally:
        synthesizer.close()


def test_change_lexicon_saves_rekeys_and_renders_in_the_background(tmp_path):
    app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(tmp_path / "audio")},
                     instance_path=str(tmp_path / "instance"), speech_executor=ThreadExecutor(FakeEngine))
    speech = app_state(app).speech
    try:
        ensure_registered(app)
        text = next(t for t in speech.texts("en") if " pain " in t)
        before = {key for key, job, tag in speech.registry.jobs() if job.text == text and tag == "en"}
        new = speech.lexicons["en"].with_entry(LexiconEntry("pain", "payn"))
        assert change_lexicon(app, "en", new)
        assert lexicon.read_file(lexicon.instance_file(app.instance_path, "en")).get("pain") is not None
        after = {key for key, job, tag in speech.registry.jobs() if job.text == text and tag == "en"}
        assert after and not after & before
        assert all(speech.job(key).text == text for key in before)  # retired, still served
        render = app_state(app).background_render
        assert render.progress.started is not None
        wait_until(lambda: not render.progress.running and not render.pages_waiting(), "the background render")
        assert not set(speech.missing()) & after
        assert not change_lexicon(app, "en", new)  # the same again: nothing changed
    finally:
        speech.close()


def test_a_changed_page_is_served_as_it_was_until_the_background_renders_it_again(tmp_path):
    """Issue 28: the change dropped the pages that name a changed clip, and every patient who
    opened one waited for its render (p99 771 ms against 123 ms idle, bench_lexicon_save.py)."""
    import threading

    gate = threading.Event()  # the background run's clips wait for it, and its pages after them
    app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(tmp_path / "audio")},
                     instance_path=str(tmp_path / "instance"),
                     speech_executor=ThreadExecutor(lambda: FakeEngine(gate=gate)))
    state = app_state(app)
    patient = app.test_client()
    try:
        ensure_registered(app)
        path = "/en/trigger-point-injections/"
        section = next(url for url in page_urls(app) if url.startswith(path) and url != path and " pain " in
                       " ".join(state.speech.job(k).text for k in _clips_of(patient, url)))
        before = patient.get(section).get_data()
        assert section in state.page_cache.pages()
        retired = {key for key in state.page_cache.pages()[section].clips if " pain " in state.speech.job(key).text}

        assert change_lexicon(app, "en", state.speech.lexicons["en"].with_entry(LexiconEntry("pain", "payn")))
        assert patient.get(section).get_data() == before  # at once, the words said as before
        assert section in state.page_cache.stale()

        gate.set()
        render = state.background_render
        wait_until(lambda: not render.progress.running and not render.pages_waiting(), "the background render")
        after = patient.get(section).get_data()
        assert after != before and not state.page_cache.stale()
        assert retired and not state.page_cache.pages()[section].clips & retired  # the new words now
    finally:
        gate.set()
        state.speech.close()


def _clips_of(client, url: str) -> frozenset[str]:
    """The clip keys a page names (and so kept in the page cache)."""
    from kiosk.web.page_cache import CLIP_KEY

    return frozenset(key.decode() for key in CLIP_KEY.findall(client.get(url).get_data()))
