"""The staff screen at /staff: PIN, session, settings, status and the bilingual view."""

import json
import logging
import os
import re
import sqlite3
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk import cli, create_app, store
from kiosk.i18n import KNOWN_LOCALES
from kiosk.i18n.provenance import provenance_of
from kiosk.jobs.render_audio import Progress
from kiosk.staff import access, pin, settings

from helpers import (
    BROKEN_LEAFLET, BROKEN_PROBLEM, FIXTURES, LEAFLET, TRANSLATED, copy_slug, expected, leaflets_with_a_broken_one,
    make_leaflets, soup, wait_until,
)
from kiosk.state import app_state

PIN = "482913"
ROOT = Path(__file__).resolve().parent.parent


def staff_app(instance, **config):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False, **config}, instance_path=str(instance))


@pytest.fixture
def with_pin(app):
    pin.save(app.instance_path, PIN)
    return app


def token(client, url="/staff/"):
    """The CSRF token of the first form on a staff page, as a browser would send it."""
    field = soup(client.get(url)).select_one('input[name="csrf_token"]')
    assert field is not None, f"no form with a CSRF token on {url}"
    return field["value"]


def log_in(client):
    response = client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client)})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def text_of(response):
    return " ".join(soup(response).get_text().split())


# kiosk set-pin


def run_set_pin(monkeypatch, instance, *, terminal, input):
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(instance))
    monkeypatch.setattr(cli, "_stdin_is_terminal", lambda: terminal)
    return CliRunner().invoke(cli.main, ["set-pin"], input=input)


def test_set_pin_asks_twice_on_a_terminal_and_keeps_only_a_slow_hash(monkeypatch, tmp_path):
    # The first pair differs: click asks again, and only a matching pair is kept.
    result = run_set_pin(monkeypatch, tmp_path, terminal=True, input=f"{PIN}\n{PIN[::-1]}\n{PIN}\n{PIN}\n")
    assert result.exit_code == 0, result.output
    assert "The two entered values do not match" in result.output
    assert PIN not in result.output  # hidden input: never echoed
    path = tmp_path / "staff_pin"
    stored = path.read_text().strip()
    assert PIN not in stored
    scheme, n, r, p, salt, digest = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert pin.verify(PIN, stored) and not pin.verify("482914", stored)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".staff_pin")] == []  # no temp file left


def test_set_pin_reads_one_line_from_a_pipe(monkeypatch, tmp_path):
    result = run_set_pin(monkeypatch, tmp_path, terminal=False, input=f"{PIN}\n")
    assert result.exit_code == 0, result.output
    assert pin.verify(PIN, pin.load(tmp_path))


def test_two_pins_get_different_salts(tmp_path):
    assert pin.hash_pin(PIN) != pin.hash_pin(PIN)


@pytest.mark.parametrize(("typed", "terminal"), [
    ("12345", True), ("12345", False), ("12 3456", True), ("12345a", False), ("１２３４５６", True),
    ("", False),  # on a terminal, click asks again instead
], ids=["short", "short-pipe", "space", "letter", "fullwidth", "empty-pipe"])
def test_set_pin_refuses_anything_but_six_or_more_digits(monkeypatch, tmp_path, typed, terminal):
    answer = f"{typed}\n{typed}\n" if terminal else f"{typed}\n"
    result = run_set_pin(monkeypatch, tmp_path, terminal=terminal, input=answer)
    assert result.exit_code == 1
    assert "A staff PIN is 6 to 64 digits (0-9) and nothing else. The PIN was not changed." in result.output
    assert not (tmp_path / "staff_pin").exists()


def test_the_instance_folder_is_never_committed():
    assert "instance/" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.parametrize("line", [
    "482913",
    "scrypt$16384$8$1$c2FsdA==",
    "scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "bcrypt$16384$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==",
    "scrypt$16384$8$1$not base64!$aGFzaGhhc2hoYXNoaGFzaA==",
])
def test_a_pin_file_this_kiosk_did_not_write_locks_the_staff_screen(app, client, line, caplog):
    Path(app.instance_path, "staff_pin").write_text(line + "\n")
    with pytest.raises(pin.PinFileError):
        pin.load(app.instance_path)
    response = client.get("/staff/")
    assert response.status_code == 200
    assert "The stored staff PIN cannot be read" in text_of(response)
    assert soup(response).select("form") == []
    assert "staff PIN unusable" in caplog.text


# The PIN form


def test_without_a_pin_the_screen_only_says_how_to_set_one(client):
    response = client.get("/staff/")
    page = soup(response)
    assert page.select_one("h1").get_text() == "Set a staff PIN"
    assert "kiosk set-pin" in page.select_one("main code").get_text()
    assert page.select("form, input, table, progress") == []


def test_with_a_pin_the_screen_asks_for_it(with_pin, client):
    response = client.get("/staff/")
    page = soup(response)
    assert page.select_one("html")["lang"] == "en"
    field = page.select_one("input#pin")
    assert field["type"] == "password" and field["name"] == "pin"
    assert page.select_one('label[for="pin"]').get_text() == "Staff PIN"
    assert page.select_one('form input[name="csrf_token"]')["value"]
    assert page.select("table, progress") == []
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_pin_is_refused_and_logged_without_the_pin(with_pin, client, caplog):
    caplog.set_level(logging.WARNING)
    response = client.post("/staff/login", data={"pin": "111111", "csrf_token": token(client)})
    assert response.status_code == 403
    page = soup(response)
    assert page.select_one("#pin-error").get_text() == "That PIN is not right. Try again."
    assert page.select_one("input#pin")["aria-invalid"] == "true"
    assert "pin-error" in page.select_one("input#pin")["aria-describedby"]
    assert "staff PIN rejected for 127.0.0.1" in caplog.text
    assert "111111" not in caplog.text
    # Still not signed in.
    assert soup(client.get("/staff/")).select("table") == []


def test_a_pin_that_is_not_digits_is_a_bad_request(with_pin, client):
    response = client.post("/staff/login", data={"pin": "abc", "csrf_token": token(client)})
    assert response.status_code == 400
    assert "The PIN is 6 or more digits" in soup(response).select_one("#pin-error").get_text()


def test_five_wrong_pins_in_a_minute_lock_the_form_even_for_the_right_pin(with_pin, client, caplog):
    csrf = token(client)
    for _ in range(5):
        assert client.post("/staff/login", data={"pin": "000000", "csrf_token": csrf}).status_code == 403
    response = client.post("/staff/login", data={"pin": PIN, "csrf_token": csrf})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 61
    assert "Too many tries. Wait" in soup(response).select_one("#pin-error").get_text()
    assert "over the limit for 127.0.0.1" in caplog.text
    assert soup(client.get("/staff/")).select("table") == []  # not signed in
    # Another client (another address) is not held back.
    other = with_pin.test_client()
    response = other.post(
        "/staff/login", data={"pin": PIN, "csrf_token": token(other)},
        environ_base={"REMOTE_ADDR": "127.0.0.2"},
    )
    assert response.status_code == 303


def test_staff_may_log_in_and_out_often_as_only_wrong_pins_count(with_pin, client):
    for _ in range(8):  # within a second: the limit counts over a moving minute
        log_in(client)
        assert soup(client.get("/staff/")).select("table")
        client.post("/staff/logout")
    # A right PIN between wrong ones does not add to them either: still four more wrong.
    csrf = token(client)
    for _ in range(4):
        assert client.post("/staff/login", data={"pin": "000000", "csrf_token": csrf}).status_code == 403
    log_in(client)
    client.post("/staff/logout")
    assert client.post("/staff/login", data={"pin": "000000", "csrf_token": token(client)}).status_code == 403
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client)}).status_code == 429


def test_a_burst_of_wrong_pins_sent_at_once_gets_five_tries_only(with_pin):
    clients = [with_pin.test_client() for _ in range(10)]
    forms = [{"pin": "000000", "csrf_token": token(client)} for client in clients]
    start = threading.Barrier(len(clients))

    def guess(client, form):
        start.wait()
        return client.post("/staff/login", data=form).status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        codes = sorted(pool.map(guess, clients, forms))
    assert codes == [403] * 5 + [429] * 5


def test_a_post_without_a_csrf_token_does_nothing_and_says_so(with_pin, client, caplog):
    response = client.post("/staff/login", data={"pin": PIN})
    assert (response.status_code, response.headers["Location"]) == (303, "/staff/")
    page = soup(client.get("/staff/"))
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one(".notice").get_text() == "That PIN form was out of date. Enter the PIN again."
    assert page.select("table") == []  # not signed in
    assert "staff form staff.login refused: The CSRF token is missing." in caplog.text
    log_in(client)
    response = client.post("/staff/settings", data={"default_language": "es", "idle_seconds": "300"})
    assert (response.status_code, response.headers["Location"]) == (303, "/staff/")
    assert not Path(with_pin.instance_path, "settings.json").exists()
    assert "That page was out of date, so nothing was changed." in text_of(client.get("/staff/"))


def test_a_token_from_another_session_is_refused(with_pin, client):
    stolen = token(with_pin.test_client())
    response = client.post("/staff/login", data={"pin": PIN, "csrf_token": stolen})
    assert response.status_code == 303
    assert soup(client.get("/staff/")).select("table") == []


# The staff session


def test_the_right_pin_opens_the_status_of_every_language(with_pin, client):
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    response = client.get("/staff/")
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    rows = {row["id"].removeprefix("language-"): row for row in page.select("table.languages tbody tr")}
    assert list(rows) == list(KNOWN_LOCALES)
    for tag in TRANSLATED:
        source = provenance_of_tag(with_pin, tag)
        cells = rows[tag]
        assert cells.select_one("td.translated").get_text() == f"{source.translated} of {source.total}"
        assert source.translated_by in cells.get_text()
        assert "Not reviewed" in cells.get_text()
        link = cells.select_one(f'a[href="/staff/{tag}/{LEAFLET}/"]')
        assert link is not None and link.get_text().startswith("Open Trigger Point Injections beside English")
    assert rows["ar"].select_one("th span")["dir"] == "rtl"
    assert page.select_one(".engine-state").get_text().startswith("Speech: off.")


def test_the_screen_says_which_leaflet_was_left_out_and_why(tmp_path):
    folder = leaflets_with_a_broken_one(tmp_path / "leaflets")
    app = staff_app(tmp_path / "instance", LEAFLETS_DIR=str(folder))
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    page = soup(client.get("/staff/"))
    line, column, message = BROKEN_PROBLEM
    told = [" ".join(li.get_text().split()) for li in page.select(".attention li")]
    assert [problem for problem in told if BROKEN_LEAFLET in problem] == [
        f"The leaflet file {folder / BROKEN_LEAFLET}.toml is left out, so patients do not see it: line {line}, "
        f"column {column}: {message}. The other leaflets are served. Run `kiosk leaflet check "
        f"{folder / BROKEN_LEAFLET}.toml` for every problem, correct the file, then press Reload content "
        "(or restart the kiosk)."]
    # Only the leaflet served is offered beside English.
    assert not page.select(f'a[href*="/{BROKEN_LEAFLET}/"]') and page.select(f'a[href="/staff/es/{LEAFLET}/"]')


def test_a_clinic_leaflet_not_extracted_yet_is_said_once_to_be_shown_in_english(tmp_path):
    """Its counts are in tests/test_catalogs.py, where the catalog commands have run."""
    folder = tmp_path / "leaflets"
    folder.mkdir()
    for leaflet in (ROOT / "leaflets" / f"{LEAFLET}.toml", FIXTURES / "leaflets" / "hand-washing.toml"):
        (folder / leaflet.name).write_bytes(leaflet.read_bytes())
    app = staff_app(tmp_path / "instance", LEAFLETS_DIR=str(folder))
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    page = soup(client.get("/staff/"))
    said = page.select_one("#completeness-hand-washing")
    assert " ".join(said.get_text().split()) == (
        "Not ready to translate yet: run kiosk catalog extract, then kiosk catalog update. "
        "Until then it is shown in English in every language.")
    assert page.select(f'[id^="completeness-{LEAFLET}"]') == []  # the shipped leaflet is complete


def test_reload_content_serves_a_leaflet_added_on_disk_and_names_a_bad_one(tmp_path):
    """Staff's Reload content (issue 31): no restart; a bad file left out and named, as at start-up."""
    folder = tmp_path / "leaflets"
    make_leaflets(folder, 1)
    app = staff_app(tmp_path / "instance", LEAFLETS_DIR=str(folder))
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    added = copy_slug(2)
    assert client.get(f"/en/{added}/").status_code == 404
    assert len(soup(client.get("/en/")).select("#main .button-list a")) == 1  # now kept in the page cache
    make_leaflets(folder, 2, titles=lambda n: "Knee Pain")
    (folder / f"{BROKEN_LEAFLET}.toml").write_text(
        'title = "Dry Needling"\n\n[[sections]]\nslug = "why"\nheading = ""\n', encoding="utf-8")
    log_in(client)  # after the patient's pages, which end a staff session
    response = client.post("/staff/reload-content", data={"csrf_token": token(client)})
    assert response.status_code == 303 and response.location.endswith("#content-notice")
    page = soup(client.get("/staff/"))
    assert " ".join(page.select_one("#content-notice").get_text().split()) == (
        f"Content reloaded: 2 leaflets served; new: {added}; 1 file left out (see Needs attention). "
        "Pages and audio are being made again below.")
    assert any(f"{BROKEN_LEAFLET}.toml is left out" in li.get_text() for li in page.select(".attention li"))
    assert client.get(f"/en/{added}/").status_code == 200
    assert [a.get_text(strip=True) for a in soup(client.get("/en/")).select("#main .button-list a")] == [
        "Knee Pain", "Trigger Point Injections"]
    wait_until(lambda: not app_state(app).background_render.progress.running, "the render after the reload")


def test_reload_content_reads_the_catalogs_again(tmp_path):
    """A leaflet added with its compiled catalogs is shown translated after the reload: the
    catalogs of the leaflets served are read anew, not those read at start-up."""
    settings = make_leaflets(tmp_path / "leaflets", 1, translations=tmp_path / "translations")
    app = staff_app(tmp_path / "instance", **settings)
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    make_leaflets(tmp_path / "leaflets", 2, translations=tmp_path / "translations")
    client.post("/staff/reload-content", data={"csrf_token": token(client)})
    links = soup(client.get("/es/")).select("#main .button-list a")
    title = expected("es", "Trigger Point Injections")
    assert [(a.get_text(strip=True), a.get("lang")) for a in links] == [(title, None), (f"{title} 02", None)]
    wait_until(lambda: not app_state(app).background_render.progress.running, "the render after the reload")


def test_after_reload_content_the_screen_answers_while_the_pages_are_made_again(tmp_path, monkeypatch):
    """The crawl that follows a reload takes minutes with 40 leaflets: the staff screen says the
    clips are being counted meanwhile, rather than wait for it; then it counts them."""
    from kiosk.jobs import crawl
    from kiosk.speech import ThreadExecutor
    from speech.fakes import FakeEngine

    folder = tmp_path / "leaflets"
    make_leaflets(folder, 1)
    app = create_app({"TESTING": True, "LEAFLETS_DIR": str(folder)}, instance_path=str(tmp_path / "instance"),
                     speech_executor=ThreadExecutor(FakeEngine))
    try:
        pin.save(app.instance_path, PIN)
        client = app.test_client()
        log_in(client)
        assert soup(client.get("/staff/")).select_one("td.cached").get_text() != "Being counted"
        release = threading.Event()
        every_page = crawl.page_urls

        def held(app):
            release.wait(120)
            yield from every_page(app)

        monkeypatch.setattr(crawl, "page_urls", held)
        client.post("/staff/reload-content", data={"csrf_token": token(client)})
        page = soup(client.get("/staff/"))  # answered while the crawl is held
        assert {td.get_text() for td in page.select("td.cached, td.missing")} == {"Being counted"}
        release.set()
        wait_until(lambda: not app_state(app).background_render.progress.running, "the render after the reload")
        assert soup(client.get("/staff/")).select_one("td.cached").get_text().isdigit()
    finally:
        app_state(app).speech.close()


def test_reload_content_that_finds_nothing_to_serve_changes_nothing(tmp_path):
    folder = tmp_path / "leaflets"
    make_leaflets(folder, 1)
    app = staff_app(tmp_path / "instance", LEAFLETS_DIR=str(folder))
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    (folder / f"{LEAFLET}.toml").unlink()
    client.post("/staff/reload-content", data={"csrf_token": token(client)})
    said = " ".join(soup(client.get("/staff/")).select_one("#content-notice").get_text().split())
    assert said.startswith("Nothing was changed: no leaflet file can be served (") and "no leaflet files" in said
    assert client.get(f"/en/{LEAFLET}/").status_code == 200


def provenance_of_tag(app, tag):
    with app.app_context():
        return provenance_of(tag)


def test_the_table_counts_cached_and_missing_clips_and_names_voices(fake_app):
    app, client, speech = fake_app, fake_app.test_client(), app_state(fake_app).speech
    pin.save(app.instance_path, PIN)
    try:
        log_in(client)
        response = client.get("/staff/")
        counts = speech.counts()
        assert counts["es"].missing > 50 and counts["es"].cached == 0
        # One clip rendered: the table says so.
        key = next(key for key in speech.missing() if speech.job(key).voice == "fake/es")
        speech.clip_path(key)
        page = soup(client.get("/staff/"))
        row = page.select_one("#language-es")
        assert row.select_one("td.cached").get_text() == "1"
        assert row.select_one("td.missing").get_text() == str(counts["es"].missing - 1)
        assert row.select_one("td.voice").get_text() == "Spanish voice"
        assert "No voice: the leaflet is not read aloud" in page.select_one("#language-fil td.voice").get_text()
        assert page.select_one(".engine-state").get_text().startswith("Speech: working.")
    finally:
        speech.close()
    assert response.status_code == 200


def test_the_session_ends_after_five_idle_minutes(with_pin, client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(access, "now", lambda: clock[0])
    log_in(client)
    clock[0] += 4 * 60
    assert soup(client.get("/staff/")).select("table")  # and seen again now
    clock[0] += 4 * 60 + 59
    assert soup(client.get("/staff/")).select("table")
    clock[0] += 5 * 60 + 1
    response = client.get("/staff/")
    page = soup(response)
    assert page.select("table") == []
    assert "ended after 5 minutes without use" in page.select_one(".notice").get_text()
    assert page.select_one("input#pin") is not None
    # A staff-only view sends an expired session to the PIN form too.
    assert client.get(f"/staff/ar/{LEAFLET}/").headers["Location"] == "/staff/"


def test_the_progress_poll_does_not_keep_a_session_alive(with_pin, client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(access, "now", lambda: clock[0])
    log_in(client)
    for _ in range(4):
        clock[0] += 2 * 60
        response = client.get("/staff/render", headers={"HX-Request": "true"})
    # Eight minutes of polls: the last ones found the session over and
    # asked htmx to load the PIN page.
    assert response.headers["HX-Redirect"] == "/staff/"
    assert soup(client.get("/staff/")).select("table") == []


@pytest.mark.parametrize("url", ["/", "/es/", f"/en/{LEAFLET}/", "/no/such/page", "/healthz"])
def test_any_patient_page_ends_the_session(with_pin, client, url):
    log_in(client)
    with client.get("/static/staff.css") as asset:  # the staff page's own files do not
        assert asset.status_code == 200
    assert soup(client.get("/staff/")).select("table")
    response = client.get(url)
    assert "session=;" in response.headers.get("Set-Cookie", "")
    assert soup(client.get("/staff/")).select("table") == []


def test_the_files_a_staff_page_loads_do_not_end_the_session(with_pin, client):
    log_in(client)
    page = soup(client.get("/staff/"))
    files = [tag.get("href") or tag.get("src") for tag in page.select("link[href], script[src]")]
    assert {url.split("/")[1] for url in files} == {"static", "vendor", "fonts"}
    for url in files:
        with client.get(url) as response:
            assert response.status_code == 200, url
    assert soup(client.get("/staff/")).select("table")


def test_patient_pages_get_no_cookie_and_still_refuse_a_post(client):
    response = client.get("/")
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert client.post("/").status_code == 405
    assert client.post("/en/").status_code == 405


def test_log_out_ends_the_session(with_pin, client):
    log_in(client)
    csrf = soup(client.get("/staff/")).select_one('form[action="/staff/logout"] input[name="csrf_token"]')["value"]
    assert client.post("/staff/logout", data={"csrf_token": csrf}).headers["Location"] == "/staff/"
    assert soup(client.get("/staff/")).select("table") == []


def test_the_secret_key_is_made_once_and_kept_private(tmp_path):
    first = staff_app(tmp_path)
    key = first.config["SECRET_KEY"]
    assert len(key) == 64
    path = tmp_path / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert staff_app(tmp_path).config["SECRET_KEY"] == key
    assert staff_app(tmp_path, SECRET_KEY="from the config").config["SECRET_KEY"] == "from the config"


def copy_of(client, app):
    """Another browser holding a copy of `client`'s session cookie (taken from its disk, say)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def staff_rows(app) -> int:
    with app.app_context(), store.get().read() as db:
        return db.execute("SELECT count(*) FROM staff_session").fetchone()[0]


@pytest.mark.parametrize("path", ["/staff/", "/staff/questions"])
@pytest.mark.parametrize("ending", ["/staff/logout", "/"])  # Log out, Back to the kiosk
def test_a_copied_cookie_is_refused_after_log_out_or_a_patient_page(with_pin, client, path, ending):
    log_in(client)
    client.get(path)  # the questions board opens a board session too
    thief = copy_of(client, with_pin)
    assert soup(thief.get("/staff/")).select("table")  # a copy works while the session lasts
    if ending == "/":
        client.get(ending)
    else:
        client.post(ending)
    assert soup(thief.get("/staff/")).select("table") == []
    assert thief.get("/staff/questions").status_code == 303
    assert thief.get("/staff/questions/list", headers={"HX-Request": "true"}).headers["HX-Redirect"] == "/staff/"
    assert staff_rows(with_pin) == 0


def test_a_copied_cookie_is_refused_after_the_idle_limit(with_pin, client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(access, "now", lambda: clock[0])
    log_in(client)
    thief = copy_of(client, with_pin)
    clock[0] += access.IDLE_LIMIT + 1
    assert "ended after 5 minutes without use" in text_of(client.get("/staff/"))
    clock[0] -= access.IDLE_LIMIT  # even were its time read again within the limit
    assert soup(thief.get("/staff/")).select("table") == []
    assert thief.get(f"/staff/ar/{LEAFLET}/").headers["Location"] == "/staff/"


def test_a_session_survives_a_restart(tmp_path):
    pin.save(tmp_path, PIN)
    client = staff_app(tmp_path).test_client()
    log_in(client)
    client.get("/staff/questions")
    cookie = client.get_cookie("session").value
    again = staff_app(tmp_path)
    browser = again.test_client()
    browser.set_cookie("session", cookie)
    assert soup(browser.get("/staff/")).select("table")
    # And its end outlives the next restart: the copy stays refused, board and all.
    browser.post("/staff/logout")
    thief = staff_app(tmp_path).test_client()
    thief.set_cookie("session", cookie)
    assert soup(thief.get("/staff/")).select("table") == []
    assert thief.get("/staff/questions").status_code == 303


def test_old_sessions_are_deleted_at_the_next_log_in(with_pin, client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(access, "now", lambda: clock[0])
    log_in(client)
    client.get("/staff/questions")
    left = with_pin.test_client()
    log_in(left)  # a browser closed without logging out
    assert staff_rows(with_pin) == 2
    clock[0] += access.BOARD_LIMIT  # a working day later: the board is still open
    log_in(with_pin.test_client())
    assert staff_rows(with_pin) == 2
    assert client.get("/staff/questions").status_code == 200
    clock[0] += access.ENDED_KEPT + 1
    log_in(with_pin.test_client())
    assert staff_rows(with_pin) == 2  # the board's row is gone too: the last two log-ins' stay


def test_a_store_from_before_staff_sessions_is_brought_up_to_date(tmp_path):
    with closing(sqlite3.connect(tmp_path / store.FILE_NAME)) as db:
        db.executescript(store.MIGRATIONS[0])
        db.execute("PRAGMA user_version = 1")
    pin.save(tmp_path, PIN)
    client = staff_app(tmp_path).test_client()
    log_in(client)
    assert soup(client.get("/staff/")).select("table")


# Settings


def settings_form(client, **values):
    csrf = soup(client.get("/staff/")).select_one('form[action="/staff/settings"] input[name="csrf_token"]')["value"]
    return client.post("/staff/settings", data={"csrf_token": csrf, **values})


def test_the_default_language_is_english_until_staff_change_it(with_pin, client):
    page = soup(client.get("/"))
    assert page.select_one("html")["lang"] == "en"
    log_in(client)
    response = settings_form(client, default_language="es", idle_seconds="120")
    assert response.headers["Location"] == "/staff/#settings-notice"
    assert "Settings saved." in text_of(client.get("/staff/"))
    start = soup(client.get("/"))
    assert start.select_one("html")["lang"] == "es"
    assert start.select_one("h1").get_text() == expected("es", "Choose your language")
    # The start screen still offers every language.
    assert len(start.select(".language-grid li")) == len(KNOWN_LOCALES)
    # A page with no language in its address is in it too.
    missing = soup(client.get("/no/such/page"))
    assert missing.select_one("html")["lang"] == "es"
    assert missing.select_one("h1").get_text() == expected("es", "Page not found")
    # A page with a language in its address keeps its own.
    assert soup(client.get("/ar/")).select_one("html")["lang"] == "ar"


def idle_json(client):
    return json.loads(soup(client.get("/en/")).select_one("#idle-settings")["data-json"])


def test_the_idle_time_reaches_every_page(with_pin, client):
    assert idle_json(client)["idle"] == 120
    log_in(client)
    settings_form(client, default_language="en", idle_seconds="300")
    data = idle_json(client)
    assert (data["idle"], data["warning"]) == (300, 30)


def test_settings_survive_a_restart(tmp_path):
    pin.save(tmp_path, PIN)
    client = staff_app(tmp_path).test_client()
    log_in(client)
    settings_form(client, default_language="ar", idle_seconds="600")
    saved = json.loads((tmp_path / "settings.json").read_text())
    assert saved == {"default_language": "ar", "idle_seconds": 600, "show_only_reviewed": False, "review_years": 3}
    restarted = staff_app(tmp_path)
    assert app_state(restarted).settings == settings.Settings("ar", 600)
    fresh = restarted.test_client()
    assert soup(fresh.get("/")).select_one("html")["dir"] == "rtl"
    assert idle_json(fresh)["idle"] == 600
    # And the form shows them chosen.
    log_in(fresh)
    page = soup(fresh.get("/staff/"))
    assert page.select_one("#default_language option[selected]")["value"] == "ar"
    assert page.select_one("#idle_seconds option[selected]")["value"] == "600"


@pytest.mark.parametrize(("values", "field", "message"), [
    ({"default_language": "xx", "idle_seconds": "120"}, "default_language", "Choose a language from the list."),
    ({"default_language": "es", "idle_seconds": "7"}, "idle_seconds", "Choose an idle time from the list."),
    ({"default_language": "es", "idle_seconds": "two"}, "idle_seconds", "Choose an idle time from the list."),
    ({"default_language": "es"}, "idle_seconds", "Choose an idle time from the list."),
    ({"idle_seconds": "120"}, "default_language", "Choose a language from the list."),
])
def test_bad_settings_are_refused_with_the_form_again(with_pin, client, values, field, message):
    log_in(client)
    response = settings_form(client, **values)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one(f"#{field}-error").get_text() == message
    assert page.select_one(f"#{field}")["aria-invalid"] == "true"
    assert page.select_one('form[action="/staff/settings"]') is not None
    assert not Path(with_pin.instance_path, "settings.json").exists()
    assert soup(client.get("/")).select_one("html")["lang"] == "en"


def test_a_site_idle_time_outside_the_usual_choices_is_offered_and_kept(tmp_path):
    pin.save(tmp_path, PIN)
    client = staff_app(tmp_path, IDLE_SECONDS=90).test_client()
    log_in(client)
    options = soup(client.get("/staff/")).select("#idle_seconds option")
    assert [o["value"] for o in options] == ["60", "90", "120", "180", "300", "600"]
    assert [o.get_text() for o in options if o.has_attr("selected")] == ["90 seconds (site setting)"]
    assert settings_form(client, default_language="en", idle_seconds="90").status_code == 303


@pytest.mark.parametrize("content", [
    "{not json",
    "[1, 2]",
    '{"default_language": "xx"}',
    '{"default_language": "es", "idle_seconds": 5}',
    '{"default_language": "es", "idle_seconds": true}',
    '{"default_langage": "es"}',
    b"\xff\xfe",
], ids=["syntax", "list", "language", "idle", "bool", "typo", "bytes"])
def test_a_bad_settings_file_is_logged_and_the_defaults_used(tmp_path, caplog, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    app = staff_app(tmp_path)
    assert app_state(app).settings == settings.Settings()
    assert f"ignoring {path} and using the default settings" in caplog.text
    client = app.test_client()
    assert soup(client.get("/")).select_one("html")["lang"] == "en"
    assert idle_json(client)["idle"] == 120


def test_settings_are_written_atomically(tmp_path, monkeypatch):
    app = staff_app(tmp_path)
    settings.save(app, settings.Settings("es", 300))
    calls = []
    real_replace = os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync"))
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b)))
    settings.save(app, settings.Settings("fr", 60))
    assert calls[:2] == ["fsync", "replace"]
    assert json.loads((tmp_path / "settings.json").read_text())["default_language"] == "fr"

    def fail(a, b):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        settings.save(app, settings.Settings("pl", 60))
    # The old file is whole, and no temporary file is left behind.
    assert json.loads((tmp_path / "settings.json").read_text())["default_language"] == "fr"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".settings")) == []


# Re-rendering the audio


class StubRender:
    def __init__(self, progress):
        self.progress = progress
        self.starts = 0

    def start(self):
        self.starts += 1
        return not self.progress.running


def test_staff_start_a_render_and_see_its_progress(with_pin, client):
    stub = app_state(with_pin).background_render = StubRender(Progress())
    log_in(client)
    page = soup(client.get("/staff/"))
    assert "No audio has been rendered since the kiosk started." in page.select_one("#render-progress").get_text()
    csrf = page.select_one('form[action="/staff/render"] input[name="csrf_token"]')["value"]
    response = client.post("/staff/render", data={"csrf_token": csrf})
    assert response.headers["Location"] == "/staff/#audio"
    assert stub.starts == 1
    stub.progress = Progress(running=True, done=40, total=160, started=1.0)
    page = soup(client.get("/staff/"))
    bar = page.select_one("progress#render-bar")
    assert (bar["value"], bar["max"]) == ("40", "160")
    assert page.select_one('label[for="render-bar"]').get_text() == "Rendering missing audio"
    region = page.select_one("#render-progress")
    assert region["hx-get"] == "/staff/render" and region["hx-trigger"] == "every 2s"
    assert region.select_one('a[href="/staff/#audio"]').get_text() == "Refresh"  # without JavaScript
    assert page.select_one('form[action="/staff/render"] button').has_attr("disabled")
    # A second start while one runs is refused, and said so.
    client.post("/staff/render", data={"csrf_token": csrf})
    assert "Audio is being rendered already." in text_of(client.get("/staff/"))


def test_the_poll_gets_a_fragment_until_the_run_ends(with_pin, client):
    stub = app_state(with_pin).background_render = StubRender(Progress(running=True, done=0, total=0, started=1.0))
    log_in(client)
    htmx = {"HX-Request": "true"}
    fragment = client.get("/staff/render", headers=htmx)
    assert "HX-Request" in fragment.vary
    part = soup(fragment)
    assert part.select("html, h1") == []
    assert not part.select_one("progress").has_attr("value")  # no total yet: indeterminate
    assert part.select_one("#render-progress")["hx-trigger"] == "every 2s"
    stub.progress = Progress(running=False, done=160, total=160, started=1.0, finished=2.0)
    part = soup(client.get("/staff/render", headers=htmx))
    assert not part.select_one("#render-progress").has_attr("hx-trigger")  # polling stops
    assert part.select_one("progress")["value"] == "160"
    assert part.select_one("#render-announce")["hx-swap-oob"] == "innerHTML"
    assert part.select_one("#render-announce").get_text() == "Audio rendering finished."
    # Without htmx, the page itself.
    assert client.get("/staff/render").headers["Location"] == "/staff/#audio"


def test_a_failed_run_says_why(with_pin, client):
    app_state(with_pin).background_render = StubRender(
        Progress(running=False, done=3, total=10, failed=7, started=1.0, finished=2.0, error="7 of 10 clips could not be rendered"),
    )
    log_in(client)
    text = soup(client.get("/staff/")).select_one("#render-progress").get_text(" ", strip=True)
    assert "3 of 10 clips, 7 failed." in text
    assert "Rendering stopped: 7 of 10 clips could not be rendered" in text


# The bilingual view


def bilingual(client, tag, leaflet=LEAFLET):
    return client.get(f"/staff/{tag}/{leaflet}/")


def test_the_bilingual_view_needs_a_staff_session(with_pin, client):
    response = bilingual(client, "ar")
    assert (response.status_code, response.headers["Location"]) == (303, "/staff/")


@pytest.mark.parametrize("tag", ["ar", "es", "zh-Hans", "ur"])
def test_the_bilingual_view_pairs_every_paragraph(with_pin, client, tag):
    log_in(client)
    response = bilingual(client, tag)
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    leaflet = app_state(with_pin).leaflets[LEAFLET]
    english = page.select("table.bilingual td.english")
    patient = page.select("table.bilingual td.patient")
    messages = [m for section in leaflet.sections for m in section.messages()]
    assert len(english) == len(patient) == len(messages)
    assert [cell.get_text() for cell in english] == messages
    direction = "rtl" if tag in ("ar", "ur") else "ltr"
    for cell, message in zip(patient, messages):
        assert (cell["lang"], cell["dir"]) == (tag, direction)
        assert cell.get_text() == expected(tag, message)
    assert "Not yet reviewed by a qualified medical translator." in page.select_one(".provenance").get_text()
    # One table per section, each under its own heading.
    assert [h.get_text() for h in page.select("h2")] == [f"{n}. {s.heading}" for n, s in enumerate(leaflet.sections, 1)]
    assert len(page.select("h1")) == 1


def test_an_untranslated_paragraph_is_marked_as_english(tmp_path):
    pin.save(tmp_path, PIN)
    client = staff_app(tmp_path, LEAFLETS_DIR=str(FIXTURES / "leaflets")).test_client()
    log_in(client)
    page = soup(bilingual(client, "ar", "hand-washing"))
    cells = page.select("td.patient")
    assert cells and all(cell["lang"] == "en" and cell["dir"] == "ltr" for cell in cells)
    assert all(cell.select_one(".fallback-mark").get_text() == "Not translated: the patient sees English." for cell in cells)


@pytest.mark.parametrize("url", [
    f"/staff/xx/{LEAFLET}/", "/staff/ar/no-such-leaflet/", f"/staff/AR/{LEAFLET}/", "/staff/ar/../en/",
    "/staff/ar/%00/", "/staff/a/b/c/d", "/staff/a/b", "/staff/nothing-here/",
])
def test_a_wrong_address_under_staff_is_a_404_page_in_english(with_pin, client, url):
    log_in(client)
    response = client.get(url, follow_redirects=True)  # /staff/a/b gains its slash first
    assert response.status_code == 404
    page = soup(response)
    assert page.select_one("html")["lang"] == "en"
    assert page.select_one("h1").get_text() == "Page not found"
    # A 404 under /staff is no patient page: the session goes on.
    assert soup(client.get("/staff/")).select("table")


def test_staff_pages_stay_in_english_whatever_the_default(with_pin, client):
    settings.apply(with_pin, settings.Settings(default_language="ar"))
    page = soup(client.get("/staff/"))
    assert (page.select_one("html")["lang"], page.select_one("html")["dir"]) == ("en", "ltr")
    assert re.search(r"Staff PIN", page.select_one("label").get_text())


# In plain words for a nurse, the details for IT behind a disclosure


def test_speech_and_voices_are_said_in_plain_words_with_the_details_for_it(fake_app):
    app, client, speech = fake_app, fake_app.test_client(), app_state(fake_app).speech
    pin.save(app.instance_path, PIN)
    try:
        log_in(client)
        speech.voice_for("es")  # starts the engine, as the first clip would
        page = soup(client.get("/staff/"))
    finally:
        speech.close()
    state = page.select_one(".engine-state")
    assert " ".join(state.get_text().split()) == "Speech: working."
    assert page.select_one("#language-es td.voice").get_text(" ", strip=True) == "Spanish voice"
    assert page.select_one("#language-ar td.voice").get_text(" ", strip=True) == "Arabic voice"
    assert page.select_one("#language-fil td.voice").get_text(" ", strip=True).startswith("No voice")
    # The engine's version, the folder and the voice ids are there for IT, in a disclosure.
    details = page.select_one("details")
    assert details.select_one("summary").get_text(strip=True) == "Details for IT"
    text = details.get_text(" ", strip=True)
    assert "ready" in text
    details.extract()
    outside = page.get_text()
    for detail in ("fake 1", str(speech.cache_dir), "fake/es"):
        assert detail in text
        assert detail not in outside, f"{detail!r} outside the Details"


def test_speech_that_does_not_work_says_what_it_means_for_patients(with_pin, client, monkeypatch):
    speech = app_state(with_pin).speech
    # What Speech.status() says when no folder for clips can be written.
    monkeypatch.setattr(speech, "status", lambda: {
        "ok": False, "state": "failed", "detail": "no folder for clips can be written",
        "engine": "pyttsx3 2.99", "waiting": 0, "queue": 4, "cache": "/var/lib/kiosk/audio",
        "fallback": None, "last_error": "no folder for clips can be written (tried /var/lib/kiosk/audio)",
    })
    log_in(client)
    page = soup(client.get("/staff/"))
    text = " ".join(page.select_one(".engine-state").get_text().split())
    assert text.startswith("Speech: not working.")
    assert "Patients see the text but hear no audio." in text
    assert "no folder for clips can be written" in page.select_one("details").get_text()


def test_each_bilingual_link_says_what_it_opens(with_pin, client):
    log_in(client)
    page = soup(client.get("/staff/"))
    link = page.select_one(f'#language-es a[href="/staff/es/{LEAFLET}/"]')
    # Its accessible name (the text, hidden parts too) says what it does and for which language.
    assert " ".join(link.get_text().split()) == "Open Trigger Point Injections beside English (Spanish)"
    visible = link.find(string=True, recursive=False)
    assert visible.strip() == "Open Trigger Point Injections beside English"


# A staff form posted after its session ended


def stale_form(client, form):
    """The CSRF token of `form` on the staff screen, as a page left open would still hold it."""
    return soup(client.get("/staff/")).select_one(f'form[action="{form}"] input[name="csrf_token"]')["value"]


def end_elsewhere(client, how, monkeypatch):
    """The staff session ends while the staff screen stays open in this tab."""
    if how == "patient page":  # "Back to the kiosk" in another tab
        client.get("/")
    elif how == "log out":  # Log out in another tab
        client.post("/staff/logout", data={"csrf_token": stale_form(client, "/staff/logout")})
    else:  # five minutes without use
        later = access.now() + access.IDLE_LIMIT + 1
        monkeypatch.setattr(access, "now", lambda: later)


ENDINGS = ["patient page", "log out", "idle"]


@pytest.mark.parametrize("how", ENDINGS)
def test_log_out_after_the_session_ended_elsewhere_shows_the_pin_form(with_pin, client, monkeypatch, how):
    log_in(client)
    csrf = stale_form(client, "/staff/logout")
    end_elsewhere(client, how, monkeypatch)
    response = client.post("/staff/logout", data={"csrf_token": csrf}, follow_redirects=True)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text() == "Staff screen"
    assert page.select_one("input#pin") is not None
    assert "Something went wrong" not in page.get_text()


@pytest.mark.parametrize("how", ENDINGS)
@pytest.mark.parametrize(("form", "data"), [
    ("/staff/settings", {"default_language": "es", "idle_seconds": "300"}),
    ("/staff/render", {}),
])
def test_a_staff_form_posted_after_the_session_ended_changes_nothing_and_asks_for_the_pin(
    with_pin, client, monkeypatch, how, form, data,
):
    stub = app_state(with_pin).background_render = StubRender(Progress())
    log_in(client)
    csrf = stale_form(client, form)
    end_elsewhere(client, how, monkeypatch)
    response = client.post(form, data={"csrf_token": csrf, **data})
    assert (response.status_code, response.headers["Location"]) == (303, "/staff/")
    page = soup(client.get("/staff/"))
    assert page.select_one("input#pin") is not None
    notice = page.select_one(".notice[tabindex='-1']")
    assert notice.get_text(strip=True) == "The staff session had ended, so nothing was changed. Enter the PIN to go on."
    assert not Path(with_pin.instance_path, "settings.json").exists()
    assert stub.starts == 0


def test_a_pin_form_left_open_after_the_session_ended_is_shown_again(with_pin, client):
    csrf = token(client)
    client.get("/")  # the kiosk went back to a patient, in another tab
    client.delete_cookie("session")
    response = client.post("/staff/login", data={"pin": PIN, "csrf_token": csrf}, follow_redirects=True)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one(".notice").get_text(strip=True) == "That PIN form was out of date. Enter the PIN again."
    assert page.select_one("input#pin") is not None
    assert page.select("table") == []  # the PIN was not checked without a token


def test_a_stale_form_from_an_earlier_session_changes_nothing(with_pin, client):
    log_in(client)
    csrf = stale_form(client, "/staff/settings")
    client.get("/")
    log_in(client)  # a new session, with a new token
    response = client.post("/staff/settings", data={"csrf_token": csrf, "default_language": "es", "idle_seconds": "300"})
    assert (response.status_code, response.headers["Location"]) == (303, "/staff/")
    page = soup(client.get("/staff/"))
    assert page.select("table")  # still signed in
    assert page.select_one(".notice").get_text(strip=True) == (
        "That page was out of date, so nothing was changed. Please try again."
    )
    assert not Path(with_pin.instance_path, "settings.json").exists()


def test_what_is_quietly_wrong_is_on_the_staff_screen(tmp_path):
    """Staff are at the kiosk; IT may not be watching /healthz (issue 29)."""
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "settings.json").write_text("[]")
    app = staff_app(instance)
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    section = soup(client.get("/staff/")).select_one("section[aria-labelledby=attention-heading]")
    assert section is not None
    [problem] = [" ".join(li.get_text().split()) for li in section.select("li")]
    assert problem.startswith("The staff settings file could not be used")
    assert "it is not a JSON object" in problem


def test_no_attention_section_when_all_is_well(with_pin, client):
    log_in(client)
    assert soup(client.get("/staff/")).select_one("section[aria-labelledby=attention-heading]") is None
