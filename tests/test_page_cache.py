"""Patient pages are rendered once and kept: served again byte for byte, as 304 or gzip, with the
same headers, and never kept across a change that would change them."""

from __future__ import annotations

import gzip

from flask import template_rendered

import pytest

from helpers import LEAFLET, soup
from kiosk import create_app
from kiosk.speech import ThreadExecutor
from kiosk.staff import settings
from kiosk.state import app_state

SECTION = f"/es/{LEAFLET}/what-to-expect"


def test_a_page_is_rendered_once_then_served_as_kept(app, client):
    renders = []

    def rendered(sender, template, context, **extra):
        renders.append(template.name)

    with template_rendered.connected_to(rendered, app):  # Flask's own signal, at every render
        first = client.get(SECTION)
        assert renders == ["page.html"]
        again = client.get(SECTION)
    assert renders == ["page.html"]
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert soup(again).html["lang"] == "es"


def test_if_none_match_gets_304_with_the_same_headers(client):
    etag = client.get(SECTION).headers["ETag"]
    response = client.get(SECTION, headers={"If-None-Match": etag})
    assert response.status_code == 304 and response.get_data() == b""
    assert response.headers["ETag"] == etag
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert client.get(SECTION, headers={"If-None-Match": '"other"'}).status_code == 200


def test_gzip_when_asked_for_and_the_same_page_inside(client):
    plain = client.get(SECTION)
    for _ in range(2):  # fresh, then kept
        packed = client.get(SECTION, headers={"Accept-Encoding": "gzip, deflate"})
        assert packed.headers["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert gzip.decompress(packed.get_data()) == plain.get_data()
        assert len(packed.get_data()) < len(plain.get_data()) / 3
    assert "Content-Encoding" not in plain.headers


def test_a_new_start_language_is_not_hidden_by_the_kept_start_screen(app, client):
    assert soup(client.get("/")).html["lang"] == "en"
    settings.apply(app, settings.Settings(default_language="ar"))  # as the staff screen's Save does
    page = soup(client.get("/"))
    assert page.html["lang"] == "ar" and page.html["dir"] == "rtl"


@pytest.mark.parametrize("path", ["/en/no-such-leaflet/", "/xx/", "/healthz", "/staff/"])
def test_only_patient_pages_are_kept(app, client, path):
    client.get(path)
    client.get(path)
    assert len(app_state(app).page_cache) == 0


def test_a_page_rendered_before_the_voices_are_known_is_not_kept(tmp_path):
    def no_engine():
        raise RuntimeError("no eSpeak here")

    app = create_app({"TESTING": True}, instance_path=str(tmp_path), speech_executor=ThreadExecutor(no_engine))
    try:
        page = app.test_client().get(SECTION)
        assert page.status_code == 200
        assert len(app_state(app).page_cache) == 0  # it says "audio not available": not for good
    finally:
        app_state(app).speech.close()
