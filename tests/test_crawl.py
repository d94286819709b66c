"""The crawl of every page fails loudly (issue 30): a page that answers an error is never
dropped quietly, which left its clips unrendered while `kiosk prerender` said "Done"."""

import re

import pytest
from flask import abort, request

from kiosk import create_app
from kiosk.jobs.crawl import ensure_registered, failed_pages, page_urls
from kiosk.state import app_state

FAKE_SPEECH = {"TESTING": True, "SPEECH_ENGINE": "speech.fakes:FakeEngine"}


@pytest.fixture
def one_page_broken(tmp_path):
    """A kiosk whose French print view answers 500, as a template error would make it."""
    app = create_app({**FAKE_SPEECH, "SPEECH_CACHE_DIR": str(tmp_path / "audio")}, instance_path=str(tmp_path))
    broken = next(url for url in page_urls(app) if url.startswith("/fr/") and url.endswith("/print"))

    @app.before_request
    def break_one_page():
        if request.path == broken:
            abort(500)

    yield app, broken
    app_state(app).speech.close()


def test_the_crawl_keeps_the_pages_that_failed(one_page_broken):
    app, broken = one_page_broken
    assert ensure_registered(app) > 0  # the other pages' clips are still known
    assert failed_pages(app) == [f"{broken} answered 500"]


def test_prerender_fails_and_names_the_page(one_page_broken, monkeypatch):
    app, broken = one_page_broken
    # What is rendered does not matter here, only what prerender says after it.
    monkeypatch.setattr(app_state(app).speech, "prerender", lambda progress: 0)
    result = app.test_cli_runner().invoke(args=["prerender", "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert f"{broken} answered 500" in result.output
    assert "Done" not in result.output


def test_the_staff_screen_and_healthz_name_the_page(one_page_broken):
    app, broken = one_page_broken
    ensure_registered(app)
    warnings = app.test_client().get("/healthz").get_json()["warnings"]
    assert any("1 pages could not be rendered" in line and broken in line for line in warnings), warnings


def test_a_whole_crawl_has_no_failures(tmp_path):
    app = create_app({**FAKE_SPEECH, "SPEECH_CACHE_DIR": str(tmp_path / "audio")}, instance_path=str(tmp_path))
    try:
        ensure_registered(app)
        assert failed_pages(app) == []
        assert not any("could not be rendered" in line for line in app.test_client().get("/healthz").get_json()["warnings"])
    finally:
        app_state(app).speech.close()


def test_a_clip_a_page_named_is_served_without_the_crawl_and_one_from_before_a_restart_after_it(tmp_path):
    """The crawl of every page (minutes with 40 leaflets, issue 31) is for a clip URL no page of
    this process has named; the guide's words on the page a patient has open need none of it."""
    app = create_app({**FAKE_SPEECH, "SPEECH_CACHE_DIR": str(tmp_path / "audio")}, instance_path=str(tmp_path))
    try:
        client = app.test_client()
        page = client.get("/es/").get_data(as_text=True)
        named = re.search(r'(/audio/[0-9a-f]+\.ogg)', page).group(1)
        clip = client.get(named)
        clip.close()  # send_file's open file
        assert clip.status_code == 200
        assert not app_state(app).crawl.done.is_set()  # no crawl ran
        from_before = "/audio/" + "0" * 64 + ".ogg"
        assert client.get(from_before).status_code == 404  # unknown even after every page
        assert app_state(app).crawl.done.is_set()
    finally:
        app_state(app).speech.close()
