"""The log says how the kiosk is doing, never what a patient read."""

import logging

from click.testing import CliRunner

from kiosk import cli
from kiosk.web import logs

from helpers import LEAFLET, SECTIONS
from kiosk.state import app_state

SENTENCE = "Trigger points are tight knots of muscle"


def test_waitress_messages_lose_the_path(caplog):
    logs.quiet_waitress()
    with caplog.at_level(logging.INFO, logger="waitress"):
        logging.getLogger("waitress").info("Client disconnected while serving %s" % f"/es/{LEAFLET}/{SECTIONS[0]}")
        logging.getLogger("waitress").error("Exception while serving /ar/%s/", LEAFLET)
    assert [r.getMessage() for r in caplog.records] == [
        "Client disconnected while serving a request", "Exception while serving a request",
    ]


def test_kiosk_serve_silences_the_queue_depth_warnings(monkeypatch, caplog):
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: None)
    assert CliRunner().invoke(cli.main, ["serve"]).exit_code == 0
    with caplog.at_level(logging.INFO):
        logging.getLogger("waitress.queue").warning("Task queue depth is %d", 3)
    assert caplog.records == []


def test_an_unexpected_error_logs_the_view_not_the_address_or_text(app, client, caplog):
    class Broken(dict):
        def get(self, slug, default=None):
            raise RuntimeError(f"{SENTENCE} ({slug})")

    app_state(app).leaflets = Broken()
    response = client.get(f"/es/{LEAFLET}/{SECTIONS[0]}")
    assert response.status_code == 500
    assert SENTENCE not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.name == app.logger.name and r.levelno >= logging.ERROR]
    message = record.getMessage()
    assert "RuntimeError in pages.section" in message and "find_leaflet" in message
    assert LEAFLET not in message and SENTENCE not in message and record.exc_info is None
