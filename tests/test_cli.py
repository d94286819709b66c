"""The `kiosk` command."""

import json

import pytest
from click.testing import CliRunner

from kiosk import cli, create_app
from kiosk.crawl import page_urls

from helpers import soup, wait_until
from speech.fakes import spoken_text


def test_serve_uses_waitress_with_the_given_address(monkeypatch, tmp_path):
    served = {}
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(kw, app=app))
    result = CliRunner().invoke(cli.main, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:8123/" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["app"].name == "kiosk"


def test_serve_freezes_what_start_up_made(app, runner, monkeypatch):
    """Once the app is built, and again once every page is rendered: a full garbage collection
    walked all of it, with every request thread stopped, and made the slowest page answers."""
    frozen = []
    monkeypatch.setattr("gc.freeze", lambda: frozen.append(len(app.extensions["page_cache"])))
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, started, **kw: started())
    result = runner.invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    render = app.extensions["render"]
    wait_until(lambda: not render.progress.running, "the start-up render to finish")
    assert frozen == [0, len(page_urls(app))]


def test_serve_rejects_a_bad_port():
    result = CliRunner().invoke(cli.main, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "70000 is not in the range 1<=x<=65535" in result.output


@pytest.mark.slow
def test_prerender_renders_every_clip_once_with_the_workers_asked_for(tmp_path):
    """Through the app's own CLI (as flaskr), with a fake engine in real worker processes: the
    real engine is covered by the speech tests, and rendering every clip with it took minutes."""
    apps = []

    def kiosk_app():
        apps.append(create_app({"TESTING": True, "SPEECH_ENGINE": "speech.fakes:FakeEngine",
                                "SPEECH_CACHE_DIR": str(tmp_path / "audio")},
                               instance_path=str(tmp_path / "instance")))
        return apps[-1]

    try:
        first = kiosk_app()
        result = first.test_cli_runner().invoke(args=["prerender", "--workers", "2"])
        assert result.exit_code == 0, result.output
        assert first.extensions["speech"].workers == 2
        rendered = int(result.output.split("Done: ")[1].split()[0])
        assert rendered == len(list((tmp_path / "audio").glob("*.ogg"))) > 100
        again = kiosk_app().test_cli_runner().invoke(args=["prerender"])
        assert "Done: 0 clips rendered" in again.output
        # The audio guide's words are among them: the Spanish guide button's, say.
        toggle = soup(kiosk_app().test_client().get("/es/")).select_one("#guide-toggle")
        [(clip, lang, words)] = json.loads(toggle["data-say"])
        assert (lang, words) == ("es", "Guía de audio")
        assert spoken_text(tmp_path / "audio" / clip.rsplit("/", 1)[1]) == "Guía de audio"
    finally:
        for app in apps:
            app.extensions["speech"].close()
