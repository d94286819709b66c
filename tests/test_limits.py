"""kiosk/web/limits.py: the Host allow-list (TRUSTED_HOSTS) and the body limit."""

import pytest

from kiosk import create_app
from kiosk.web.limits import is_trusted, trusted_hosts


@pytest.mark.parametrize(("setting", "names"), [
    (["localhost", "Kiosk.Local"], {"localhost", "kiosk.local"}),
    ("kiosk.local, 10.0.0.5 [::1]", {"kiosk.local", "10.0.0.5", "[::1]"}),
    (None, None),
    ([], None),
])
def test_trusted_hosts_setting(setting, names):
    assert trusted_hosts(setting) == (frozenset(names) if names else None)


@pytest.mark.parametrize(("host", "trusted"), [
    ("localhost", True), ("localhost:8000", True), ("[::1]:8000", True), ("kiosk.clinic.example", True),
    ("clinic.example", True), ("evilclinic.example", False), ("localhost:0", False), ("[::1]", True),
    ("[::2]", False), (None, False), ("", False), ("a..b", False),
])
def test_is_trusted(host, trusted):
    assert is_trusted(host, frozenset({"localhost", "[::1]", ".clinic.example"})) is trusted


def test_kiosk_trusted_hosts_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_TRUSTED_HOSTS", '["kiosk.clinic.example"]')
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    client = create_app(instance_path=str(tmp_path)).test_client()
    assert client.get("/", headers={"Host": "kiosk.clinic.example:8000"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_trusted_hosts_from_the_instance_config(monkeypatch, tmp_path):
    (tmp_path / "config.py").write_text("TRUSTED_HOSTS = ['kiosk.local', 'localhost']\nSPEECH_ENABLED = False\n")
    client = create_app(instance_path=str(tmp_path)).test_client()
    assert client.get("/", headers={"Host": "kiosk.local"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1"}).status_code == 400


def test_the_body_limit_is_configurable(tmp_path):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "MAX_CONTENT_LENGTH": 10}, instance_path=str(tmp_path))
    assert app.test_client().get("/", data=b"x" * 11).status_code == 413
    assert app.test_client().get("/", data=b"x" * 10).status_code == 200
