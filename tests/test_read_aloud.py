"""Pages carry, for every shown sentence, the clip that speaks that sentence
in the language it is in."""


import pytest
import soundfile

from kiosk import create_app
from kiosk.i18n import KNOWN_LOCALES
from kiosk.jobs.crawl import ensure_registered, failed_pages

from helpers import LEAFLET, SECTIONS, catalog_with_fuzzy, expected, job_for, soup
from kiosk.state import app_state


def clips_of(page):
    return [(span.get_text(), span.get("data-clip")) for span in page.select("#main .sentence")]


@pytest.mark.parametrize("tag", ["en", "es", "ar", "zh-Hans"])
def test_every_sentence_has_the_clip_of_its_own_text_and_voice(speaking_app, tag):
    page = soup(speaking_app.test_client().get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}"))
    clips = clips_of(page)
    assert len(clips) > 10
    voice = app_state(speaking_app).speech.voice_for(tag)
    for text, url in clips:
        job = job_for(speaking_app, url)
        assert (job.text, job.voice) == (text, voice)
    assert page.select_one("#player") is not None


def test_a_language_without_a_voice_shows_the_notice_and_no_clips(speaking_app):
    page = soup(speaking_app.test_client().get(f"/fil/{LEAFLET}/{SECTIONS[0]}"))
    assert clips_of(page) and all(url is None for _, url in clips_of(page))
    assert page.select_one("#player") is None
    notices = [p.get_text(strip=True) for p in page.select("#main .notice")]
    assert expected("fil", "Audio is not available in this language.") in notices


def test_an_english_fallback_is_spoken_by_the_english_voice(tmp_path):
    target = catalog_with_fuzzy(tmp_path, "es", "Neck")
    app = create_app({"TESTING": True, "BABEL_TRANSLATION_DIRECTORIES": str(target)}, instance_path=str(tmp_path / "i"))
    try:
        page = soup(app.test_client().get(f"/es/{LEAFLET}/{SECTIONS[0]}"))
        neck = next(li for li in page.select("li") if li.get_text() == "Neck")
        assert neck["lang"] == "en"
        job = job_for(app, neck.select_one(".sentence")["data-clip"])
        speech = app_state(app).speech
        assert job.voice == speech.voice_for("en") != speech.voice_for("es")
    finally:
        app_state(app).speech.close()


def test_every_clip_of_every_page_is_known_after_a_restart(speaking_app, tmp_path):
    url = clips_of(soup(speaking_app.test_client().get(f"/ar/{LEAFLET}/{SECTIONS[2]}")))[3][1]
    fresh = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(tmp_path / "audio")}, instance_path=str(tmp_path))
    try:
        # No page rendered in this app yet: the clip must still be served.
        response = fresh.test_client().get(url)
        body = response.get_data()
        response.close()  # send_file streams from the open clip
        assert response.status_code == 200
        assert body[:4] == b"OggS"
    finally:
        app_state(fresh).speech.close()


def test_the_crawl_covers_every_language_in_its_own_voice(speaking_app):
    with speaking_app.test_request_context("/en/"):  # as from inside a request
        assert ensure_registered(speaking_app) > 14 * 40
    assert failed_pages(speaking_app) == []
    speech = app_state(speaking_app).speech
    jobs = {(job.text, job.voice) for _key, job, _tag in speech.registry.jobs()}
    for tag in KNOWN_LOCALES:
        voice = speech.voice_for(tag)
        heading = expected(tag, "What Are Trigger Points?")
        assert ((heading, voice) in jobs) == (voice is not None), tag


@pytest.mark.parametrize("tag", KNOWN_LOCALES)
def test_every_language_with_a_voice_plays(speaking_app, tag, tmp_path):
    client = speaking_app.test_client()
    page = soup(client.get(f"/{tag}/{LEAFLET}/{SECTIONS[1]}"))
    clips = clips_of(page)
    if app_state(speaking_app).speech.voice_for(tag) is None:
        assert tag == "fil" and all(url is None for _, url in clips)
        return
    text, url = clips[0]
    response = client.get(url)
    body = response.get_data()
    response.close()
    assert response.status_code == 200 and response.mimetype == "audio/ogg"
    (tmp_path / "clip.ogg").write_bytes(body)
    seconds = soundfile.info(str(tmp_path / "clip.ogg")).duration
    # The heading is a few words: audible, and not a whole paragraph.
    assert 0.4 < seconds < 8, (text, seconds)


def test_the_crawl_is_tried_again_after_the_engine_failed(tmp_path, monkeypatch):
    """A kiosk whose engine could not start registers nothing; once it can, the clips must be found."""
    from kiosk import create_app
    from kiosk.jobs.crawl import ensure_registered
    from kiosk.speech import ThreadExecutor

    import speech.fakes as fakes

    engine = fakes.FakeEngine()
    broken = {"now": True}

    def factory():
        if broken["now"]:
            raise RuntimeError("no eSpeak here")
        return engine

    app = create_app({"TESTING": True}, instance_path=str(tmp_path), speech_executor=ThreadExecutor(factory))
    try:
        assert ensure_registered(app) == 0
        broken["now"] = False
        assert ensure_registered(app) == 0  # not at every clip request: rendering every page takes seconds
        # As if the retry intervals had passed.
        monkeypatch.setattr("kiosk.speech.synthesizer.RETRY_ENGINE_AFTER", 0)
        app_state(app).crawl.tried_at = None
        assert ensure_registered(app) > 100
    finally:
        app_state(app).speech.close()
