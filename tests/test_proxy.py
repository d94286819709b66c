"""kiosk/web/proxy.py: X-Forwarded-* believed only from a trusted proxy, and Secure cookies
over HTTPS."""

import logging
import urllib.request

import pytest
from click.testing import CliRunner

from kiosk import cli, create_app
from kiosk.staff import pin
from kiosk.web.proxy import proxy_count

from helpers import serving, soup

PIN = "482913"


def kiosk(tmp_path, **config):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, **config}, instance_path=str(tmp_path))
    pin.save(app.instance_path, PIN)
    return app


def browser(app, proto="https", forwarded_for="10.0.0.5"):
    """A browser whose requests come through a proxy at 127.0.0.1, as nginx sends them."""
    client = app.test_client()
    client.environ_base.update(HTTP_X_FORWARDED_PROTO=proto, HTTP_X_FORWARDED_FOR=forwarded_for)
    return client


def try_pin(client, typed=PIN):
    csrf = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')["value"]
    return client.post("/staff/login", data={"pin": typed, "csrf_token": csrf})


def name_the_kiosk(client):
    csrf = soup(client.get("/staff/")).select_one('form[action="/staff/kiosk-name"] input[name="csrf_token"]')
    return client.post("/staff/kiosk-name", data={"kiosk_name": "Reception", "csrf_token": csrf["value"]})


def test_cookies_are_secure_behind_a_trusted_proxy_over_https(tmp_path):
    client = browser(kiosk(tmp_path, PROXY_COUNT=1))
    response = try_pin(client)
    # Logged in over HTTPS: the form is not refused for want of a Referer, which the kiosk never sends.
    assert response.status_code == 303
    assert "; Secure" in response.headers["Set-Cookie"]
    assert soup(client.get("/staff/")).select("table")
    assert "; Secure" in name_the_kiosk(client).headers["Set-Cookie"]


def test_cookies_are_not_secure_over_plain_http_behind_the_proxy(tmp_path):
    client = browser(kiosk(tmp_path, PROXY_COUNT=1), proto="http")
    response = try_pin(client)
    assert response.status_code == 303
    assert "Secure" not in response.headers["Set-Cookie"]


def test_without_a_trusted_proxy_its_headers_are_ignored(tmp_path):
    client = browser(kiosk(tmp_path))
    response = try_pin(client)
    assert response.status_code == 303
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Secure" not in name_the_kiosk(client).headers["Set-Cookie"]


def test_a_forged_x_forwarded_for_is_ignored_without_a_trusted_proxy(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = kiosk(tmp_path)
    for n in range(5):
        assert try_pin(browser(app, forwarded_for=f"10.0.0.{n}"), "000000").status_code == 403
    # Five wrong PINs from one address, whatever each claimed to be.
    assert try_pin(browser(app, forwarded_for="10.0.0.99")).status_code == 429
    assert "staff PIN rejected for 127.0.0.1" in caplog.text
    assert "10.0.0." not in caplog.text


def test_behind_a_trusted_proxy_each_client_is_known_by_the_address_it_saw(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    app = kiosk(tmp_path, PROXY_COUNT=1)
    for _ in range(5):
        assert try_pin(browser(app, forwarded_for="10.0.0.5"), "000000").status_code == 403
    assert "staff PIN rejected for 10.0.0.5" in caplog.text
    assert try_pin(browser(app, forwarded_for="10.0.0.5")).status_code == 429
    # What the client itself put in front of the proxy's entry is not believed.
    assert try_pin(browser(app, forwarded_for="10.0.0.6, 10.0.0.5")).status_code == 429
    # Another client behind the same proxy is not held back.
    assert try_pin(browser(app, forwarded_for="10.0.0.6")).status_code == 303


def test_proxy_count_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("KIOSK_PROXY_COUNT", "1")
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    app = create_app(instance_path=str(tmp_path))
    pin.save(app.instance_path, PIN)
    assert "; Secure" in try_pin(browser(app)).headers["Set-Cookie"]


def served_by_kiosk_serve(monkeypatch, instance, **env):
    """The app and waitress settings `kiosk serve` would run, with `env` as KIOSK_* variables."""
    served = {}
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("KIOSK_SPEECH_ENABLED", "false")
    for name, value in env.items():
        monkeypatch.setenv(f"KIOSK_{name}", value)
    monkeypatch.setattr("kiosk.web.server.serve", lambda app, **kw: served.update(app=app, **kw))
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    app = served.pop("app")
    return app, {k: v for k, v in served.items() if k not in ("host", "port", "started")}


@pytest.mark.parametrize(("env", "secure"), [({"PROXY_COUNT": "1"}, True), ({}, False)])
def test_kiosk_serve_passes_the_proxy_headers_on_only_to_a_kiosk_that_trusts_a_proxy(
    monkeypatch, tmp_path, env, secure,
):
    app, settings = served_by_kiosk_serve(monkeypatch, tmp_path, **env)
    pin.save(app.instance_path, PIN)
    with serving(app, **settings) as url:
        request = urllib.request.Request(f"{url}/staff/", headers={"X-Forwarded-Proto": "https"})
        with urllib.request.urlopen(request, timeout=60) as response:
            cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert ("; Secure" in cookie) is secure


@pytest.mark.parametrize(("setting", "count"), [(None, 0), (0, 0), (1, 1), ("2", 2)])
def test_proxy_count(setting, count):
    assert proxy_count(setting) == count


@pytest.mark.parametrize("setting", [-1, "one", True, 1.5, "1, 2"])
def test_a_bad_proxy_count_stops_start_up(setting, tmp_path):
    with pytest.raises(ValueError, match="PROXY_COUNT is how many proxies"):
        kiosk(tmp_path, PROXY_COUNT=setting)
