"""GET /audio/<key>.ogg: Range, ETag, immutable caching, 404 for anything not a registered key, 503 on failure."""

from __future__ import annotations

import hashlib
import threading

import pytest

from helpers import wait_until
from .fakes import FakeEngine, spoken_text
from kiosk.state import app_state, attach

TEXT = "Please take a seat; the nurse will call your name soon."


def get(app, path, **headers):
    """GET with the body read and the file closed (send_file's open file would otherwise be left
    for the garbage collector, which filterwarnings=error turns into a failure)."""
    return app.test_client().get(path, headers=headers, buffered=True)


def spoken_text_of(data: bytes) -> str:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".ogg") as f:
        f.write(data)
        f.flush()
        return spoken_text(f.name)


@pytest.fixture
def app(make_app):
    return make_app(FakeEngine())


@pytest.fixture
def key(app):
    return app_state(app).speech.register(TEXT, "en")


def test_serves_the_clip(app, key):
    response = get(app, f"/audio/{key}.ogg")
    assert response.status_code == 200
    assert response.mimetype == "audio/ogg"
    assert response.data == app_state(app).speech.clip_path(key).read_bytes()
    assert response.data.startswith(b"OggS") and spoken_text_of(response.data) == TEXT


def test_url_for_builds_the_route(app, key):
    with app.test_request_context():
        from flask import url_for

        assert url_for("audio.clip", key=key) == f"/audio/{key}.ogg"


def test_immutable_for_a_year(app, key):
    response = get(app, f"/audio/{key}.ogg")
    cache = response.cache_control
    assert cache.public and cache.immutable and cache.max_age == 31536000
    assert not cache.no_cache


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=44-1043", 44, 1043), ("bytes=-10", None, None)],
)
def test_range_requests_get_206_with_the_right_bytes(app, key, header, start, end):
    whole = get(app, f"/audio/{key}.ogg").data
    size = len(whole)
    if start is None:  # suffix range: the last ten bytes
        start, end = size - 10, size - 1
    response = get(app, f"/audio/{key}.ogg", Range=header)
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
    assert response.data == whole[start : end + 1]
    assert response.headers["Accept-Ranges"] == "bytes"


def test_unsatisfiable_range_is_416(app, key):
    response = get(app, f"/audio/{key}.ogg", Range="bytes=999999999-")
    assert response.status_code == 416


def test_etag_gives_304(app, key):
    first = get(app, f"/audio/{key}.ogg")
    etag = first.headers["ETag"]
    assert key in etag
    again = get(app, f"/audio/{key}.ogg", **{"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


def test_if_range_with_a_stale_etag_sends_the_whole_file(app, key):
    whole = get(app, f"/audio/{key}.ogg")
    response = get(app, f"/audio/{key}.ogg", **{"Range": "bytes=0-9", "If-Range": '"other"'})
    assert response.status_code == 200
    assert "Content-Range" not in response.headers
    assert response.data == whole.data and spoken_text_of(response.data) == TEXT


def test_if_range_with_the_current_etag_sends_the_range(app, key):
    whole = get(app, f"/audio/{key}.ogg")
    response = get(app, f"/audio/{key}.ogg", **{"Range": "bytes=0-9", "If-Range": whole.headers["ETag"]})
    assert response.status_code == 206
    assert response.data == whole.data[:10]


def test_a_clip_rendered_again_gets_a_new_etag(app, key):
    """So a Range resumed with If-Range never splices bytes of two renderings."""
    first = get(app, f"/audio/{key}.ogg").headers["ETag"]
    path = app_state(app).speech.clip_path(key)
    path.unlink()
    app_state(app).speech.clip_path(key)
    assert get(app, f"/audio/{key}.ogg").headers["ETag"] != first


@pytest.mark.parametrize(
    "path",
    [
        "/audio/notahexkey.ogg",
        "/audio/" + "A" * 64 + ".ogg",  # upper case is not how keys are written
        "/audio/" + "0" * 63 + ".ogg",
        "/audio/" + "0" * 65 + ".ogg",
        "/audio/" + hashlib.sha256(b"never registered").hexdigest() + ".ogg",
        "/audio/..%2F..%2Fetc%2Fpasswd.ogg",
        "/audio/%2e%2e%2f%2e%2e%2fapp.py.ogg",
        "/audio/../../etc/passwd.ogg",
        "/audio/..%5c..%5cwin.ini.ogg",
        "/audio/%00.ogg",
        "/audio/.ogg",
    ],
)
def test_anything_but_a_registered_key_is_404(app, key, path):
    assert get(app, path).status_code == 404


def test_registered_key_without_the_wav_suffix_is_404(app, key):
    assert get(app, f"/audio/{key}").status_code == 404


def test_engine_failure_is_503_not_500_and_caches_nothing(make_app, tmp_path):
    engine = FakeEngine(mode="fail")
    app = make_app(engine)
    key = app_state(app).speech.register(TEXT, "en")
    response = get(app, f"/audio/{key}.ogg")
    assert response.status_code == 503
    assert b"Traceback" not in response.data and b"RuntimeError" not in response.data
    assert len(engine.calls) == 2  # tried, and tried once more, then gave up
    assert not list((tmp_path / "audio").glob("*.ogg"))
    engine.mode = "ok"  # the engine recovers: the same URL now plays
    again = get(app, f"/audio/{key}.ogg")
    assert again.status_code == 200 and spoken_text_of(again.data) == TEXT


def test_a_full_queue_is_503_with_retry_after_at_once(make_app):
    gate = threading.Event()
    engine = FakeEngine(gate=gate)
    app = make_app(engine, SPEECH_QUEUE=1)
    speech = app_state(app).speech
    first, second = speech.register(TEXT, "en"), speech.register("Another sentence.", "en")
    waiting = threading.Thread(target=get, args=(app, f"/audio/{first}.ogg"))
    waiting.start()
    wait_until(lambda: speech.status()["waiting"] == 1, "the first request to wait for the engine")
    response = get(app, f"/audio/{second}.ogg")
    gate.set()
    waiting.join()
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"  # never kept by the browser as the clip
    assert engine.calls == [TEXT]  # the second was never handed to the engine


def test_disabled_speech_starts_no_engine_and_serves_nothing(make_app):
    app = make_app(None, SPEECH_ENABLED=False)
    speech = app_state(app).speech
    assert speech.voice_for("en") is None
    assert speech.register(TEXT, "en") is None
    assert speech.executor is None
    assert get(app, "/audio/" + "0" * 64 + ".ogg").status_code == 404


def test_config_is_read(make_app, tmp_path):
    app = make_app(FakeEngine(), SPEECH_RATE=180, SPEECH_VOICES={"en": "fake/es"})
    speech = app_state(app).speech
    assert speech.rate == 180
    assert speech.voice_for("en") == "fake/es"
    assert speech.cache_dir == tmp_path / "audio"


def test_default_cache_dir_is_in_the_instance_folder(tmp_path):
    from flask import Flask

    from kiosk.speech import init_app

    app = Flask(__name__, instance_path=str(tmp_path / "instance"))
    app.config["SPEECH_ENABLED"] = False
    attach(app)
    init_app(app)
    assert str(app_state(app).speech.cache_dir) == str(tmp_path / "instance" / "audio")
