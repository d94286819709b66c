"""kiosk/web/headers.py: a strict CSP and friends on every answer, no-store on HTML."""

import pytest

from kiosk.web.headers import HEADERS

from helpers import LEAFLET, SECTIONS
from kiosk.state import app_state

HTML = [
    "/", "/es/", f"/ar/{LEAFLET}/", f"/en/{LEAFLET}/{SECTIONS[0]}", f"/en/{LEAFLET}/print", "/en/no/such/page",
]


def test_the_policy_allows_nothing_inline_and_nothing_from_elsewhere():
    policy = dict(d.split(" ", 1) for d in HEADERS["Content-Security-Policy"].split("; "))
    assert "unsafe" not in HEADERS["Content-Security-Policy"]
    assert "data:" not in HEADERS["Content-Security-Policy"]
    assert policy["default-src"] == "'self'" and policy["media-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["base-uri"] == policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"


@pytest.mark.parametrize("url", HTML + ["/static/kiosk.css", "/vendor/htmx.org/dist/htmx.min.js", "/healthz"])
def test_every_answer_has_the_security_headers(client, url):
    response = client.get(url, buffered=True)
    for name, value in HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("url", HTML)
@pytest.mark.parametrize("hx", [{}, {"HX-Request": "true", "HX-Target": "main"}], ids=["page", "htmx"])
def test_html_is_never_stored(client, url, hx):
    response = client.get(url, headers=hx)
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_error_pages_are_never_stored(client, method):
    assert client.open("/", method=method).headers["Cache-Control"] == "no-store"


def test_assets_and_clips_keep_their_long_caching(fake_app):
    client = fake_app.test_client()
    assert client.get("/vendor/htmx.org/dist/htmx.min.js", buffered=True).cache_control.max_age == 86400
    assert "no-store" not in client.get("/static/kiosk.css", buffered=True).headers.get("Cache-Control", "")
    speech = app_state(fake_app).speech
    clip = client.get(f"/audio/{speech.register('Hello.', 'en')}.ogg", buffered=True)
    assert clip.cache_control.immutable and clip.cache_control.max_age == 31536000
    assert not clip.cache_control.no_store


def test_no_template_has_inline_script_or_style():
    """What the policy would block: inline <script>/<style>, style="" and on*="" attributes."""
    import re

    from kiosk import ROOT

    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=|javascript:", text), path
