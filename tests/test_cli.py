"""The `kiosk` command."""

import json

from click.testing import CliRunner

from kiosk import cli, create_app

from helpers import soup


def test_serve_uses_waitress_with_the_given_address(monkeypatch, tmp_path):
    served = {}
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setattr("waitress.serve", lambda app, **kw: served.update(kw, app=app))
    result = CliRunner().invoke(cli.main, ["serve", "--host", "127.0.0.1", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert "http://localhost:8123/" in result.output
    assert (served["host"], served["port"]) == ("127.0.0.1", 8123)
    assert served["app"].name == "kiosk"


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
