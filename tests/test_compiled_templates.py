"""Templates compiled once are kept in the instance folder: after a restart a page's first
render loads them instead of compiling them again, and a cache that cannot be written never
fails a page."""

from __future__ import annotations

import pytest
from flask import Flask

from helpers import LEAFLET
from kiosk import create_app
from kiosk.web.compiled_templates import FOLDER

SECTION = f"/en/{LEAFLET}/what-to-expect"


@pytest.fixture
def own_cache(monkeypatch):
    """The kiosk's own cache, not the one the test session shares across its apps (conftest)."""
    options = {name: value for name, value in Flask.jinja_options.items() if name != "bytecode_cache"}
    monkeypatch.setattr(Flask, "jinja_options", options)


def kiosk(instance) -> Flask:
    return create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(instance))


def test_after_a_restart_no_template_is_compiled_again(own_cache, tmp_path, monkeypatch):
    first = kiosk(tmp_path)
    assert first.test_client().get(SECTION).status_code == 200
    assert any((tmp_path / FOLDER).iterdir())

    restarted = kiosk(tmp_path)
    compiled = []
    original = restarted.jinja_env.compile
    monkeypatch.setattr(restarted.jinja_env, "compile",
                        lambda source, name=None, *a, **k: compiled.append(name) or original(source, name, *a, **k))
    assert restarted.test_client().get(SECTION).status_code == 200
    assert compiled == []


def test_a_cache_that_cannot_be_written_fails_no_page(own_cache, tmp_path, caplog):
    # A file where the folder should be: neither the folder nor any compiled template can be
    # written (root ignores chmod, so this stands in for a full or read-only disk).
    (tmp_path / FOLDER).write_text("not a folder")
    response = kiosk(tmp_path).test_client().get(SECTION)
    assert response.status_code == 200
    assert "could not be kept" in caplog.text
