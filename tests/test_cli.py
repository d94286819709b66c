"""The `kiosk` command."""

import json
import threading
import time

from click.testing import CliRunner

import kiosk
from kiosk import cli, create_app
from kiosk.crawl import page_urls

from helpers import soup


def test_serve_uses_waitress_with_the_given_address(monkeypatch, tmp_path):
    served = {}
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(kw, app=app))
    result = CliRunner().invoke(cli.main, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:8123/" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["app"].name == "kiosk"


def test_serve_freezes_what_start_up_made(monkeypatch, tmp_path):
    """Once the app is built, and again once every page is rendered: a full garbage collection
    walked all of it, with every request thread stopped, and made the slowest page answers."""
    # An earlier test's `kiosk serve` may still be rendering its pages; it would freeze here too.
    for thread in threading.enumerate():
        if thread.name == "render-audio":
            thread.join(60)
    apps, frozen = [], []
    real_create_app = kiosk.create_app
    monkeypatch.setattr("kiosk.create_app", lambda: apps.append(real_create_app()) or apps[0])
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(len(apps[0].extensions["page_cache"])))
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, started, **kw: started())
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path))
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    render = apps[0].extensions["render"]
    deadline = time.monotonic() + 60
    while render.progress.running:
        assert time.monotonic() < deadline, "the start-up render did not finish"
        time.sleep(0.05)
    assert frozen == [0, len(page_urls(apps[0]))]


def test_serve_rejects_a_bad_port():
    result = CliRunner().invoke(cli.main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000 is not in the range 1<=x<=65535" in result.output


def test_prerender_renders_every_clip_once(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_SPEECH_CACHE_DIR", str(tmp_path / "audio"))
    first = CliRunner().invoke(cli.main, ["prerender"])
    assert first.exit_code == 0, first.output
    rendered = int(first.output.split("Done: ")[1].split()[0])
    assert rendered == len(list((tmp_path / "audio").glob("*.ogg"))) > 500
    again = CliRunner().invoke(cli.main, ["prerender"])
    assert "Done: 0 clips rendered" in again.output
    # The audio guide's words are among them: the Spanish guide button's, say.
    app = create_app(instance_path=str(tmp_path / "instance"))
    try:
        toggle = soup(app.test_client().get("/es/")).select_one("#guide-toggle")
        [(clip, lang, words)] = json.loads(toggle["data-say"])
        assert (lang, words) == ("es", "Guía de audio")
        assert (tmp_path / "audio" / clip.rsplit("/", 1)[1]).is_file()
    finally:
        app.extensions["speech"].close()
