"""/healthz tells staff which languages are unreviewed and which have a voice."""

import pytest

from kiosk import create_app
from kiosk.i18n import KNOWN_LOCALES
from kiosk.jobs.crawl import urls_of
from kiosk.state import app_state

from helpers import BROKEN_LEAFLET, BROKEN_PROBLEM, LEAFLET, leaflets_with_a_broken_one


@pytest.fixture(scope="module")
def status(tmp_path_factory):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path_factory.mktemp("instance")))
    try:
        yield app.test_client().get("/healthz").get_json()
    finally:
        app_state(app).speech.close()


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


def test_a_failed_engine_is_degraded_with_503(tmp_path):
    from kiosk import create_app
    from kiosk.speech import ThreadExecutor

    def cannot_start():
        raise RuntimeError("no eSpeak NG library")

    app = create_app({"TESTING": True}, instance_path=str(tmp_path), speech_executor=ThreadExecutor(cannot_start))
    speech = app_state(app).speech
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
    po = catalogs.catalog_path("es", translations, catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0]))
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


# Faults that once stayed silent (issue 29): the kiosk works on, worse, so /healthz and the
# staff screen say so in plain words, with what to do.


def translations_copy(tmp_path):
    import shutil

    from kiosk.i18n import catalogs

    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations)
    return translations


def test_a_po_edited_since_it_was_compiled_is_a_warning(tmp_path):
    import os

    from kiosk.i18n import catalogs

    translations = translations_copy(tmp_path)
    po = catalogs.catalog_path("fr", translations)
    later = po.with_suffix(".mo").stat().st_mtime + 60
    os.utime(po, (later, later))  # a translator's edit, not compiled yet
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                     instance_path=str(tmp_path / "instance"))
    warnings = app.test_client().get("/healthz").get_json()["warnings"]
    assert ("Translations edited but not compiled (French): patients still see the earlier text. "
            "Run `kiosk catalog compile`, then press Reload content (or restart the kiosk).") in warnings


def test_an_audio_cache_that_cannot_be_written_is_a_warning(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")  # a folder under a file cannot be made, even by root
    cache = blocked / "audio"
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "SPEECH_CACHE_DIR": str(cache)},
                     instance_path=str(tmp_path / "instance"))
    speech = app_state(app).speech
    try:
        fallback = speech.cache.write_dir()  # as the first clip's render does
        assert fallback != cache
        warnings = app.test_client().get("/healthz").get_json()["warnings"]
    finally:
        speech.close()
    assert (f"Audio cannot be saved in {cache}: clips go to {fallback} for now and are lost at every restart. "
            "Make that folder writable by the kiosk's user, or free disk space.") in warnings


def test_a_settings_file_that_was_ignored_is_a_warning_until_saved_again(tmp_path):
    from kiosk.staff import settings

    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.json").write_text('{"default_language": "es", ')  # half-copied
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(instance))
    [warning] = [w for w in app.test_client().get("/healthz").get_json()["warnings"] if "settings" in w]
    assert warning.startswith("The staff settings file could not be used, so the default start language and "
                              f"idle time apply ({instance / 'settings.json'}: ")
    assert warning.endswith("Save the settings on the staff screen to replace the file.")
    settings.save(app, settings.Settings("es"))
    assert not [w for w in app.test_client().get("/healthz").get_json()["warnings"] if "settings" in w]


def test_a_leaflet_left_out_is_named_with_its_first_problem_and_what_to_do(tmp_path):
    folder = leaflets_with_a_broken_one(tmp_path / "leaflets")
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "LEAFLETS_DIR": str(folder)},
                     instance_path=str(tmp_path / "instance"))
    client = app.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200  # the kiosk works: it serves the other leaflets
    body = response.get_json()
    broken = folder / f"{BROKEN_LEAFLET}.toml"
    line, column, message = BROKEN_PROBLEM
    assert body["leaflets"] == [LEAFLET]
    assert body["leaflets_left_out"] == [
        {"file": str(broken), "problems": [{"line": line, "column": column, "message": message}]}]
    assert (f"The leaflet file {broken} is left out, so patients do not see it: line {line}, column {column}: "
            f"{message}. The other leaflets are served. Run `kiosk leaflet check {broken}` for every problem, "
            "correct the file, then press Reload content (or restart the kiosk).") in body["warnings"]
    for url in urls_of(app_state(app).leaflets):
        if url.startswith("/es/"):
            assert client.get(url).status_code == 200, url
    assert client.get(f"/es/{BROKEN_LEAFLET}/").status_code == 404


@pytest.mark.root
def test_a_store_that_cannot_be_written_is_degraded_with_503_and_said_plainly(tmp_path):
    """Where no question for staff can be kept, patients are sent to the desk: IT must know."""
    from faults.conftest import read_only, tmpfs

    instance = tmp_path / "instance"
    with tmpfs(instance):
        app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(instance))
        assert app.test_client().get("/healthz").status_code == 200
        read_only(instance)
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded" and body["store"]["ok"] is False
    assert any(w.startswith("Patients' questions for staff and staff log-ins cannot be kept") for w in body["warnings"])
