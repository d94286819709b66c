"""/healthz tells staff which languages are unreviewed and which have a voice."""

import pytest

from kiosk import create_app
from kiosk.i18n import KNOWN_LOCALES


@pytest.fixture(scope="module")
def status(tmp_path_factory):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path_factory.mktemp("instance")))
    try:
        yield app.test_client().get("/healthz").get_json()
    finally:
        app.extensions["speech"].close()


def test_lists_every_language_with_its_provenance(status):
    rows = {row["tag"]: row for row in status["languages"]}
    assert list(rows) == list(KNOWN_LOCALES)
    assert rows["en"]["source"] is True
    for tag, row in rows.items():
        if tag != "en":
            assert row["translated_by"].startswith("Machine translation by an AI model"), tag
            assert row["reviewed"] is False and row["reviewed_by"] == ""
            assert row["translated"] == row["total"] > 70


def test_warns_that_no_translation_is_reviewed(status):
    (warning,) = status["warnings"]
    assert warning.startswith("Not yet reviewed by a qualified medical translator:")
    assert warning.endswith(", ".join(tag for tag in KNOWN_LOCALES if tag != "en"))


@pytest.mark.parametrize(
    ("tag", "voice"),
    [("en", "gmw/en-us"), ("es", "roa/es-419"), ("pt-BR", "roa/pt-br"), ("zh-Hans", "sit/cmn"), ("fil", None)],
)
def test_reports_the_voice_of_each_language(status, tag, voice):
    rows = {row["tag"]: row for row in status["languages"]}
    assert rows[tag]["voice"] == voice


def test_ok_only_while_the_speech_engine_works(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert (body["speech"]["ok"], body["speech"]["state"]) == (True, "off")


def test_a_failed_engine_is_degraded_with_503(app, tmp_path):
    from kiosk.speech import Speech, ThreadExecutor

    def cannot_start():
        raise RuntimeError("no eSpeak NG library")

    speech = Speech(tmp_path / "audio", executor=ThreadExecutor(cannot_start))
    app.extensions["speech"] = speech
    try:
        response = app.test_client().get("/healthz")
    finally:
        speech.close()
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert (body["speech"]["ok"], body["speech"]["state"]) == (False, "failed")
    assert "no eSpeak NG library" in body["speech"]["last_error"]
    assert "Audio is not working: the speech engine could not start" in body["warnings"]
    # The rest is still there for IT to read.
    assert [row["tag"] for row in body["languages"]] == list(KNOWN_LOCALES)
    assert body["leaflets"] == ["trigger-point-injections"]


def test_a_catalog_that_missed_an_update_is_not_reported_complete(tmp_path):
    """Counted against the POT: a message missing from a .po altogether (it missed
    `kiosk catalog update`) is shown in English, so the figure must fall."""
    import shutil

    from kiosk.i18n import catalogs

    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations)
    po = catalogs.catalog_path("es", translations)
    text = po.read_text(encoding="utf-8")
    entry = 'msgid "Neck"\nmsgstr "Cuello"\n'
    assert entry in text
    po.write_text(text.replace(entry, ""), encoding="utf-8")
    app = create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
        instance_path=str(tmp_path / "instance"),
    )
    body = app.test_client().get("/healthz").get_json()
    es = next(row for row in body["languages"] if row["tag"] == "es")
    assert es["translated"] == es["total"] - 1
    assert "Partly shown in English (translation incomplete): es" in body["warnings"]
