"""Hostile and broken requests: always a clear 4xx (or the page itself),
never a 5xx, a traceback, a file from outside the allowed folders, or an
echo of what was sent.

Most cases go through the Flask test client; what it cannot send (a raw
malformed Host, an overlong request line, half-open connections) goes over
a socket to waitress started with the settings `kiosk serve` uses.
"""

import socket
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest

from kiosk import ROOT, create_app
from kiosk.ask_staff.sentences import message_id
from kiosk.cli import BODY_LIMIT_FACTOR
from kiosk.web.headers import HEADERS
from kiosk.speech import Speech, ThreadExecutor

from helpers import LEAFLET, SECTIONS, serving
from speech.fakes import FakeEngine
from kiosk.state import app_state

SECTION = SECTIONS[0]
TEXT = "Please take a seat; the nurse will call your name soon."

# Bytes that must never be served: text of files outside /static, the allowed
# npm packages and the clip cache.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SECRETS = {
    "pyproject.toml": b"[tool.pytest.ini_options]",
    "package-lock.json": b'"lockfileVersion"',
    "kiosk source": b"def create_app(",
    "/etc/passwd": b"root:x:0:0",
    "axe-core": AXE.read_bytes()[200:260],
    "htmx.org/package.json": b'"name": "htmx.org"',
    "instance folder": b"INSTANCE-SECRET-7f3a",
}
TRACEBACK_MARKS = (b"Traceback (most recent call last)", b'File "/', b"werkzeug.exceptions", b"Werkzeug Debugger")

XSS = ("<script>alert(1)</script>", "\"'><svg onload=alert(1)>")


def check(response, sent=()):
    """The invariants every answer keeps, whatever was asked."""
    body = response.get_data()
    assert response.status_code < 500, response.status
    for mark in TRACEBACK_MARKS:
        assert mark not in body, mark
    for name, secret in SECRETS.items():
        assert secret not in body, f"served {name}"
    for payload in sent:
        assert payload.encode() not in body, f"reflected {payload!r}"
        assert payload not in str(response.headers), f"reflected {payload!r}"


def with_secret_and_clip(app, folder) -> Speech:
    """Put a secret in the kiosk's instance folder (`folder`) and a clip spoken by a fake
    engine in its speech, so /audio has something to serve."""
    (folder / "config.py").write_text("SECRET = 'INSTANCE-SECRET-7f3a'\n")
    speech = app_state(app).speech = Speech(folder / "audio", executor=ThreadExecutor(FakeEngine))
    app.config["CLIP_URL"] = f"/audio/{speech.register(TEXT, 'en')}.ogg"
    return speech


@pytest.fixture
def app(app, tmp_path):
    """The kiosk (speech disabled) with a secret and a clip (with_secret_and_clip)."""
    speech = with_secret_and_clip(app, tmp_path)
    yield app
    speech.close()


@pytest.fixture(scope="module")
def clip_client(tmp_path_factory):
    """One such kiosk for the many cases of the clip's Range header: a kiosk's first clip
    request renders every page (kiosk.jobs.crawl), seconds that each case need not repeat."""
    folder = tmp_path_factory.mktemp("clip-kiosk")
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(folder))
    speech = with_secret_and_clip(app, folder)
    yield app.test_client()
    speech.close()


def get(client, url, method="GET", **kwargs):
    """Any request, with its body read and any file closed."""
    return client.open(url.format(clip=client.application.config["CLIP_URL"]), method=method,
                       buffered=True, **kwargs)


ROUTES = [
    "/",
    "/en/",
    "/ar/",
    f"/en/{LEAFLET}/",
    f"/es/{LEAFLET}/{SECTION}",
    f"/ur/{LEAFLET}/print",
    "/healthz",
    "/static/kiosk.css",
    "/vendor/htmx.org/dist/htmx.min.js",
    "{clip}",
]
METHODS = ["POST", "PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO"]


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_every_route_answers_get_and_head(client, url, method):
    response = get(client, url, method)
    check(response)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("method", METHODS)
def test_every_other_method_is_405_with_allow(client, url, method):
    response = get(client, url, method, data=b"x=<script>alert(1)</script>")
    check(response, XSS[:1])
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert response.mimetype == "text/html"
    assert 'id="main"' in response.get_data(as_text=True)  # the kiosk's own page


@pytest.mark.parametrize("url", ROUTES)
def test_options_lists_the_methods(client, url):
    response = get(client, url, "OPTIONS")
    check(response)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


TRAVERSALS = [
    # /static escapes towards the repository, the instance folder and /etc.
    "/static/../pyproject.toml",
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e/pyproject.toml",
    "/static/%2e%2e%2fpyproject.toml",
    "/static/%252e%252e%252fpyproject.toml",
    "/static/..%5cpyproject.toml",
    "/static/..\\pyproject.toml",
    "/static/....//pyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/%c0%ae%c0%ae/pyproject.toml",
    "/static/%c0%af..%c0%afpyproject.toml",
    "/static/%e0%80%ae%e0%80%ae/pyproject.toml",
    "/static/%ff%fe/../../pyproject.toml",
    "/static/kiosk.css%00.js",
    "/static/kiosk.css%00/../../pyproject.toml",
    "/static/../kiosk/__init__.py",
    "/static/../package-lock.json",
    "/static/../node_modules/axe-core/axe.min.js",
    "/static/{instance}/config.py",
    "/static/..{instance}/config.py",
    # /vendor: out of the allowed packages, into other packages or file types.
    "/vendor/htmx.org/../axe-core/axe.min.js",
    "/vendor/htmx.org/%2e%2e/axe-core/axe.min.js",
    "/vendor/htmx.org/..%2faxe-core%2faxe.min.js",
    "/vendor/htmx.org/dist/../../axe-core/axe.min.js",
    "/vendor/htmx.org//../axe-core/axe.min.js",
    "/vendor/htmx.org/..\\axe-core\\axe.min.js",
    "/vendor/htmx.org/%c0%ae%c0%ae/axe-core/axe.min.js",
    "/vendor/@fontsource/noto-sans/../../axe-core/axe.min.js",
    "/vendor/@fontsource/noto-sans/../../../pyproject.toml.js",
    "/vendor/axe-core/axe.min.js",
    "/vendor/htmx.org/package.json",
    "/vendor/htmx.org/package.json%00.js",
    "/vendor//etc/passwd",
    "/vendor/../pyproject.toml",
    "/vendor/htmx.org/../../package-lock.json",
    # /audio and the pages.
    "/audio/../pyproject.toml",
    "/audio/..%2f..%2fpyproject.toml.ogg",
    "/audio/%2e%2e.ogg",
    "/audio/..%00.ogg",
    "/en/../../pyproject.toml",
    "/en/%2e%2e/%2e%2e/etc/passwd",
    f"/en/{LEAFLET}/..%2f..%2f..%2fpyproject.toml",
    f"/en/..%5c..%5c{LEAFLET}/",
    "/%2e%2e/%2e%2e/etc/passwd",
    "//etc/passwd",
    "/\\etc\\passwd",
    "/en%00/",
    "/%ff%fe%fd/",
    "/" + "a" * 5000,
    "/en/" + "/".join(["x"] * 2000),
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_nothing_is_served_from_outside_the_allowed_folders(client, app, url):
    response = get(client, url.replace("{instance}", app.instance_path))
    check(response)
    # 308: Werkzeug merges "//" with a redirect; 400: the test client reads
    # "//etc/passwd" as a host and a path.
    assert response.status_code in (400, 404, 308), response.status
    if response.status_code == 308:
        follow = get(client, response.headers["Location"])
        check(follow)
        assert follow.status_code == 404


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("where", [
    "/{p}", "/en/{p}", "/en/{p}/", f"/ar/{LEAFLET}/{{p}}", "/static/{p}", "/vendor/htmx.org/{p}.js",
    "/audio/{p}.ogg", "/?q={p}", f"/es/{LEAFLET}/{SECTION}?{{p}}={{p}}",
])
def test_nothing_sent_in_the_address_comes_back_unescaped(client, payload, where):
    response = get(client, where.replace("{p}", payload))
    check(response, [payload])


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("header", [
    "HX-Request", "HX-Target", "HX-Trigger", "HX-Trigger-Name", "HX-Current-URL", "HX-Prompt",
    "HX-Boosted", "HX-History-Restore-Request", "Accept-Language", "Referer", "User-Agent", "Cookie",
])
def test_nothing_sent_in_a_header_comes_back_unescaped(client, payload, header):
    response = get(client, f"/fr/{LEAFLET}/{SECTION}", headers={header: payload, "HX-Request": "true"})
    check(response, [payload])
    assert response.status_code == 200


@pytest.mark.parametrize("headers", [
    {"HX-Request": "true", "HX-Target": "main"},
    {"HX-Request": "false", "HX-Target": "main"},
    {"HX-Request": "", "HX-Target": ""},
    {"HX-Request": "x" * 8000},
    {"HX-Request": "true", "HX-Target": "../../etc/passwd"},
    {"HX-Request": "true", "HX-Target": "main", "HX-History-Restore-Request": "true"},
    {"HX-Request": "true", "HX-History-Restore-Request": "maybe"},
    {"HX-Request": "true", "HX-History-Restore-Request": ""},
    {"HX-Request": "true", "HX-Current-URL": "javascript:alert(1)"},
    {"HX-Request": "true", "HX-Current-URL": "http://evil.example/../../"},
    {"HX-Request": "true", "HX-Current-URL": "%ff%fe\x7f"},
    {"HX-Request": "true", "HX-Boosted": "true", "HX-Target": "body"},
])
@pytest.mark.parametrize("url", ["/", f"/ar/{LEAFLET}/{SECTION}", "/en/no/such/page"])
def test_junk_htmx_headers(client, headers, url):
    response = get(client, url, headers=headers)
    check(response)
    assert response.status_code == (404 if "no/such" in url else 200)


@pytest.mark.parametrize("value", [
    "*;q=abc", "en;q=1e999", "zz-ZZZZ-@@@", ",,,;;;", "x" * 10000, "ar;q=-1, en;q=2",
    "\u00e9\u00e8".encode("utf-8").decode("latin-1"), "en-US;q=0.9, " * 500,
])
def test_bogus_accept_language(client, value):
    response = get(client, f"/vi/{LEAFLET}/", headers={"Accept-Language": value})
    check(response)
    assert response.status_code == 200


def test_long_headers_are_harmless(client):
    response = get(client, "/", headers={f"X-Junk-{i}": "y" * 1000 for i in range(50)})
    check(response)
    assert response.status_code == 200


# Hosts: the test client cannot send every malformed Host (waitress can't
# either: see the raw cases below), but it can send these.
BAD_HOSTS = [
    "a..b", ".leading", "a" * 64 + ".com", "evil.example", "evil.example:8000", "localhost.evil.example",
    "localhost:0", "localhost:99999", "localhost:abc", "localhost:", "[::1", "[::1]x", "[::2]:8000",
    "localhost@evil.example", "evil.example#localhost", "localhost/evil", "-", "*", "",
    "<script>alert(1)</script>", "127.0.0.2",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("url", ["/", "/es", f"/ar/{LEAFLET}/{SECTION}", "/healthz", "/static/kiosk.css"])
def test_a_host_the_kiosk_is_not_reached_by_gets_400(client, host, url):
    response = get(client, url, headers={"Host": host})
    check(response, [host] if len(host) > 3 else [])
    assert response.status_code == 400
    assert "Location" not in response.headers
    assert 'id="main"' in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "127.0.0.1", "127.0.0.1:65535", "[::1]", "[::1]:8000"])
def test_the_loopback_names_are_trusted_on_any_port(client, host):
    response = get(client, "/es", headers={"Host": host})
    assert response.status_code == 308
    assert response.headers["Location"] == f"http://{host.lower()}/es/"  # the redirect names only a trusted host
    assert get(client, "/es/", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["a..b", ".leading", "a" * 64, "evil.example"])
def test_with_no_allow_list_a_malformed_host_is_still_400(tmp_path, host):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "TRUSTED_HOSTS": None}, instance_path=str(tmp_path))
    response = app.test_client().get("/", headers={"Host": host})
    check(response, [host])
    assert response.status_code == (200 if host == "evil.example" else 400)


# "Ask staff about this" (kiosk/ask_staff.py): the kiosk's one patient POST.
ASK = f"/es/{LEAFLET}/{SECTION}/ask"
ASK_HEADERS = {"Sec-Fetch-Site": "same-origin"}


@pytest.mark.parametrize("data", [
    {}, {"sentence": ""}, {"sentence": XSS[0]}, {"sentence": XSS[1]}, {"sentence": "a" * 5000},
    {"sentence": "\x00\xff"}, {"sentence": "abcdefabcdef:-1"}, {"sentence": "abcdefabcdef:1e9"},
    {"sentence": ["a:1", "b:2"]}, {"question": XSS[0]},
])
def test_ask_staff_with_junk_is_a_clear_4xx_in_the_patients_language(client, data):
    response = client.post(ASK, data=data, headers=ASK_HEADERS)
    check(response, [v for v in data.values() if isinstance(v, str) and v in XSS])
    assert response.status_code == 404
    assert "No pudimos encontrar" in response.get_data(as_text=True)
    for name, value in HEADERS.items():
        assert response.headers[name] == value


@pytest.mark.parametrize("url", [ASK, ASK + "/cancel", f"/xx/{LEAFLET}/{SECTION}/ask", f"/es/{LEAFLET}/nope/ask"])
@pytest.mark.parametrize("origin", ["http://evil.example", "null", "http://localhost.evil.example"])
def test_ask_staff_from_a_foreign_origin_is_refused(client, app, url, origin):
    heading = app_state(app).leaflets[LEAFLET].section(SECTION).heading
    real = f"{message_id(heading)}:0"  # a sentence the page has: only the origin is wrong
    response = client.post(url, data={"sentence": real, "question": "a" * 20}, headers={"Origin": origin})
    check(response, [origin])
    assert response.status_code == (403 if url.startswith("/es/") else 404)  # /xx/: no such language
    assert not app_state(app).questions.open()


def test_a_cancel_with_junk_is_400(client):
    response = client.post(ASK + "/cancel", data={"question": XSS[1]}, headers=ASK_HEADERS)
    check(response, XSS[1:])
    assert response.status_code == 400


LIMIT = 64 * 1024


@pytest.mark.parametrize("url", ROUTES + ["/en/no/such/page"])
@pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
def test_a_body_over_the_limit_is_413(client, url, method):
    response = get(client, url, method, data=b"x" * (LIMIT + 1))
    check(response)
    assert response.status_code == 413
    assert 'id="main"' in response.get_data(as_text=True)


def test_a_body_at_the_limit_is_read_as_usual(client):
    assert get(client, "/", data=b"x" * LIMIT).status_code == 200
    assert get(client, "/", "POST", data=b"x" * LIMIT).status_code == 405


def test_a_413_is_in_the_patients_language(client):
    response = get(client, "/ar/", "POST", data=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


# Range on a clip (RFC 9110 §14): one byte range is served; a range past the
# end is 416 with the size; anything else is ignored (200, the whole clip).
@pytest.mark.parametrize(("value", "status"), [
    ("bytes=0-9", 206),
    ("Bytes=0-9", 206),
    ("bytes=-10", 206),
    ("bytes=10-", 206),
    ("bytes=0-99999999", 206),
    ("bytes=99999999-", 416),
    ("bytes=99999999-100000000", 416),
    ("items=0-9", 200),
    ("seconds=0-1", 200),
    ("bytes=0-1,4-5", 200),
    ("bytes=0-0," * 1000 + "2-3", 200),
    ("bytes=0-1, 0-1", 200),
    ("bytes=", 200),
    ("bytes=-", 200),
    ("bytes=-0", 200),
    ("bytes=--1", 200),
    ("bytes=5-2", 200),
    ("bytes=a-b", 200),
    ("bytes 0-9", 200),
    ("=0-9", 200),
    ("bytes=0-1;", 200),
    ("bytes=99999999999999999999999999-", 416),
    ("bytes=<script>alert(1)</script>", 200),
])
def test_range_requests_on_a_clip(clip_client, value, status):
    whole = get(clip_client, "{clip}").data
    response = get(clip_client, "{clip}", headers={"Range": value})
    check(response, XSS[:1])
    assert response.status_code == status
    if status == 200:
        assert response.data == whole
        assert "Content-Range" not in response.headers
    elif status == 416:
        assert response.headers["Content-Range"] == f"bytes */{len(whole)}"
    else:
        assert response.headers["Content-Range"].endswith(f"/{len(whole)}")


def test_a_range_with_a_stale_if_range_gets_the_whole_clip(clip_client):
    whole = get(clip_client, "{clip}")
    response = get(clip_client, "{clip}", headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert response.status_code == 200 and response.data == whole.data
    fresh = get(clip_client, "{clip}", headers={"Range": "bytes=0-9", "If-Range": whole.headers["ETag"]})
    assert fresh.status_code == 206 and fresh.data == whole.data[:10]
    assert fresh.cache_control.immutable and fresh.cache_control.max_age == 31536000


@pytest.mark.parametrize("value", ["bytes=0-1,4-5", "items=0-9", "bytes=99999999-", "bytes=x"])
@pytest.mark.parametrize("url", ["/static/kiosk.css", "/vendor/htmx.org/dist/htmx.min.js"])
def test_range_on_other_files_is_never_a_5xx(client, url, value):
    response = get(client, url, headers={"Range": value})
    check(response)
    if response.status_code == 416:
        assert response.headers["Content-Range"].startswith("bytes */")


# Raw requests to waitress, with the settings `kiosk serve` passes.


@pytest.fixture(scope="module")
def server(serve_settings, tmp_path_factory):
    """The kiosk (not in testing mode) behind waitress; yields (host, port)."""
    instance = tmp_path_factory.mktemp("instance")
    (instance / "config.py").write_text("SECRET = 'INSTANCE-SECRET-7f3a'\n")
    app = create_app({"SPEECH_ENABLED": False}, instance_path=str(instance))
    with serving(app, **serve_settings) as url:
        address = urlsplit(url)
        yield address.hostname, address.port


def exchange(address, data: bytes, timeout: float = 10.0) -> bytes:
    """Send raw bytes and read the answer until the server closes or goes quiet."""
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    assert answer[:9] in (b"HTTP/1.1 ", b"HTTP/1.0 "), answer[:200]
    return int(answer[9:12])


def request(target: bytes, host: bytes = b"localhost", extra: bytes = b"", method: bytes = b"GET") -> bytes:
    return method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n" + extra + b"\r\n"


def check_raw(answer: bytes, sent=(), allowed=()):
    status = status_of(answer)
    assert status < 500 or status in allowed, answer[:300]
    for mark in TRACEBACK_MARKS:
        assert mark not in answer
    for name, secret in SECRETS.items():
        assert secret not in answer, f"served {name}"
    for payload in sent:
        assert payload not in answer, f"reflected {payload!r}"
    return status


@pytest.mark.parametrize("host", [
    b"a..b", b".leading", b"a" * 64 + b".com", b"evil.example", b"localhost:99999", b"[::1", b"", b"xn--",
    b"local host", b"localhost\tevil", b"\xff\xfe", b"localhost, evil.example", b"<script>alert(1)</script>",
])
def test_raw_bad_host(server, host):
    answer = exchange(server, request(b"/es/", host=host))
    assert check_raw(answer, [host] if len(host) > 3 else []) == 400
    assert b"\r\nlocation:" not in answer.lower()


def test_raw_two_host_headers(server):
    answer = exchange(server, request(b"/", extra=b"Host: evil.example\r\n"))
    assert check_raw(answer, [b"evil.example"]) == 400


def test_raw_no_host_header(server):
    answer = exchange(server, b"GET / HTTP/1.0\r\n\r\n")
    assert check_raw(answer) == 400


@pytest.mark.parametrize("target", [
    b"/static/../pyproject.toml", b"/static/%2e%2e/pyproject.toml", b"/static/..%2fpyproject.toml",
    b"/static/%c0%ae%c0%ae/pyproject.toml", b"/static/..%5cpyproject.toml", b"/static/%252e%252e/pyproject.toml",
    b"/vendor/htmx.org/../axe-core/axe.min.js", b"/vendor/htmx.org/%2e%2e/axe-core/axe.min.js",
    b"//etc/passwd", b"/static//etc/passwd", b"/static/kiosk.css%00", b"/\xff\xfe/",
    b"http://evil.example/static/../pyproject.toml", b"*", b"../../etc/passwd",
])
def test_raw_traversal(server, target):
    check_raw(exchange(server, request(target)))


RAW = {
    # Over max_request_header_size: waitress answers before the app is called.
    "overlong request line": (request(b"/" + b"a" * 20000), 431),
    "long request line": (request(b"/static/" + b"a" * 8000), 404),
    "overlong header": (request(b"/", extra=b"X-Junk: " + b"y" * 20000 + b"\r\n"), 431),
    "no request line": (b"GARBAGE\r\n\r\n", 400),
    "no target": (b"GET\r\nHost: localhost\r\n\r\n", 400),
    # Waitress answers an unknown version as HTTP/1.0 (RFC 9110 §2.5 allows it).
    "HTTP/9.9": (b"GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", 200),
    "negative length": (request(b"/", extra=b"Content-Length: -1\r\n"), 400),
    "length not a number": (request(b"/", extra=b"Content-Length: abc\r\n"), 400),
    # RFC 9112 §6.3: chunked wins over Content-Length, so nothing is smuggled.
    "length and chunked": (
        request(b"/", extra=b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n") + b"0\r\n\r\nGET /", 200),
    # RFC 9112 §6.1: 501 is the answer to a transfer coding the server does not know.
    "unknown transfer coding": (request(b"/", extra=b"Transfer-Encoding: gzip\r\n"), 501),
    # A body over the limit is refused before it is read (waitress's own 413).
    "300 MB body": (request(b"/", extra=b"Content-Length: 300000000\r\n"), 413),
    "chunked body over the limit": (
        request(b"/", method=b"POST", extra=b"Transfer-Encoding: chunked\r\n")
        + b"40001\r\n" + b"x" * 0x40001 + b"\r\n0\r\n\r\n", 413),
    "TRACE": (request(b"/", method=b"TRACE", extra=b"X-Echo: <script>alert(1)</script>\r\n"), 405),
    "unknown method": (request(b"/", method=b"FOO"), 405),
}


@pytest.mark.parametrize("data, status", [RAW["overlong header"], RAW["300 MB body"]], ids=["431", "413"])
def test_what_waitress_refuses_itself_is_the_kiosks_own_page(server, data, status):
    """Issue 28: a body over the limit got waitress's bare text/plain page."""
    answer = exchange(server, data)
    assert status_of(answer) == status
    head, body = answer.split(b"\r\n\r\n", 1)
    assert b"content-type: text/html; charset=utf-8" in head.lower()
    assert b"generated by" not in body and b'<html lang="en"' in body
    assert b"Something went wrong" in body and b'href="/"' in body


def test_a_file_a_little_over_the_limit_reaches_the_staff_page_that_says_so(serve_settings):
    """The app's own 413 (kiosk/staff/pronunciation.py says it in plain words) needs the body to reach it."""
    assert LIMIT < serve_settings["max_request_body_size"]


@pytest.mark.parametrize(("data", "status"), RAW.values(), ids=RAW.keys())
def test_raw_malformed_requests(server, data, status):
    answer = exchange(server, data)
    assert check_raw(answer, [b"<script>alert(1)</script>"], allowed=(501,)) == status
    # Whoever answered, the app or waitress itself (400, 413, 431, 501 before the app is called).
    head = answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    for name, value in HEADERS.items():
        assert f"\r\n{name.lower()}: {value.lower()}" in head, name


def test_half_open_connections_do_not_lock_the_kiosk_out(server, serve_settings):
    """110 connections that never finish their request: waitress's default
    limit (100) locked real requests out until they timed out."""
    with ExitStack() as stack:
        stalled = []
        for _ in range(110):
            sock = stack.enter_context(socket.create_connection(server, timeout=30))
            sock.sendall(b"GET / HTTP/1.1\r\nHost: loc")
            stalled.append(sock)
        started = time.monotonic()
        answer = exchange(server, request(b"/"), timeout=60)
        assert status_of(answer) == 200
        # Answered while every stalled connection was still open: not after the server
        # gave up on them (a clock limit here failed on a busy machine).
        for sock in stalled:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1024)
        # And they are closed once channel_timeout has passed.
        limit = serve_settings["channel_timeout"] + serve_settings["cleanup_interval"] + 5
        for sock in stalled:
            sock.settimeout(max(0.1, started + limit - time.monotonic()))
            assert sock.recv(1024) == b""


def test_a_slow_body_does_not_hold_a_thread(server, serve_settings):
    """Waitress reads the whole body before the app sees the request, so a
    body trickled in blocks no thread: every worker stays free for pages."""
    threads = serve_settings["threads"]
    with ExitStack() as stack:
        for _ in range(threads + 2):
            sock = stack.enter_context(socket.create_connection(server, timeout=30))
            sock.sendall(request(b"/", method=b"POST", extra=b"Content-Length: 1000\r\n") + b"x")
        answer = exchange(server, request(b"/en/"), timeout=5)
        assert status_of(answer) == 200


def test_same_settings_as_kiosk_serve(serve_settings):
    """The hostile server above is the one `kiosk serve` would run."""
    assert serve_settings["asyncore_use_poll"] is True
    assert serve_settings["connection_limit"] > 110
    assert serve_settings["channel_timeout"] <= 30
    assert serve_settings["max_request_body_size"] == BODY_LIMIT_FACTOR * LIMIT
