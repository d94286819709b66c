"""Small helpers for reading pages and catalogs in tests."""

import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kiosk import ROOT
from kiosk.content import load_leaflets
from kiosk.jobs.crawl import urls_of
from kiosk.i18n import catalogs
from kiosk.i18n.checks import load_catalog
from kiosk.i18n.catalogs import TRANSLATIONS
from kiosk.i18n import KNOWN_LOCALES
from kiosk.web.server import create as kiosk_server
from waitress import wasyncore
from kiosk.state import app_state

FIXTURES = Path(__file__).parent / "fixtures"
# The bench's maker of a kiosk with many leaflets (bench/many_leaflets.py), which the tests of
# the leaflet list use too: one way to make them, so the tests check the kiosk the bench measures.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from many_leaflets import copy_slug, make_leaflets  # noqa: E402,F401
LEAFLET = "trigger-point-injections"
SECTIONS = ("what-are-trigger-points", "what-is-a-trigger-point-injection", "what-to-expect")
LOCALES = tuple(KNOWN_LOCALES)
TRANSLATED = tuple(tag for tag in LOCALES if tag != "en")
# Every page a patient can reach, as the kiosk itself lists them (for export, prerender and
# the crawl), so a new page is tested wherever every page is.
SHIPPED, LEFT_OUT = load_leaflets(ROOT / "leaflets")
assert LEFT_OUT == [], LEFT_OUT  # a shipped leaflet is never left out
EVERY_PAGE = tuple(urls_of(SHIPPED))
# A clinic's leaflet with an empty heading on line 5: left out at start-up, with why.
BROKEN_LEAFLET = "dry-needling"
BROKEN_PROBLEM = (5, 1, "sections[0].heading must be non-empty text")


def leaflets_with_a_broken_one(folder: Path) -> Path:
    """A leaflets folder: the shipped leaflet, and a clinic's (BROKEN_LEAFLET) the kiosk cannot serve."""
    folder.mkdir(parents=True)
    (folder / f"{LEAFLET}.toml").write_bytes((ROOT / "leaflets" / f"{LEAFLET}.toml").read_bytes())
    (folder / f"{BROKEN_LEAFLET}.toml").write_text(
        'title = "Dry Needling"\n\n[[sections]]\nslug = "why"\nheading = ""\n', encoding="utf-8")
    return folder


def pages_in(tag: str) -> list[str]:
    """Every page in one language (the start screen counts as English's)."""
    return [url for url in EVERY_PAGE if url.startswith(f"/{tag}/") or (url == "/" and tag == "en")]


def wait_until(condition, what: str, limit: float = 120.0) -> None:
    """Wait for `condition` to hold; fail (not flake) only if it never does within a generous limit."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.01)


def free_port() -> int:
    """A loopback port free now (for a server started in another process)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app, port: int = 0, **settings):
    """`app` served as `kiosk serve` serves it (kiosk.web.server) on a loopback port (a free one
    unless `port` is given: a restart serves on the port it had), on a thread of its own;
    yields its base URL."""
    server = kiosk_server(app, host="127.0.0.1", port=port, **settings)
    host, port = server.socket.getsockname()[:2]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        stop(server, thread)


def stop(server, thread: threading.Thread) -> None:
    """Stop a server that `thread` runs, from another thread, and wait until it has stopped.

    The trap: closing its sockets from here while the loop thread sits in poll() makes the
    loop fail with EBADF on a descriptor that is gone. So the loop closes them itself, in
    a call handed to it through its trigger; with its map empty, its loop ends.
    """
    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
    thread.join(60)
    assert not thread.is_alive(), "the server's loop did not stop"
    server.task_dispatcher.shutdown()


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@cache
def catalog(tag: str):
    """Every message of a language, from its interface catalog and each leaflet's, as one
    catalog (a page looks its texts up in all of them)."""
    merged = load_catalog(catalogs.catalog_path(KNOWN_LOCALES[tag]))
    for po in language_catalogs(tag)[1:]:
        for message in load_catalog(po):
            if message.id and merged.get(message.id, context=message.context) is None:
                merged[message.id] = message
    return merged


def language_catalogs(tag: str, translations: Path = TRANSLATIONS) -> list[Path]:
    """A language's .po files: the interface's first, then each leaflet's."""
    folder = catalogs.catalog_path(KNOWN_LOCALES[tag], translations).parent
    return [folder / "messages.po", *sorted(folder.glob(f"{catalogs.LEAFLET_DOMAIN_PREFIX}*.po"))]


def expected(tag: str, msgid: str) -> str:
    """What a page in `tag` should show for `msgid`: its current translation."""
    if tag == "en":
        return msgid
    message = catalog(tag).get(msgid)
    assert message is not None and message.string and not message.fuzzy, (
        f"{tag}: no current translation of {msgid!r}"
    )
    return message.string


def job_for(app, clip_url: str):
    """What the clip at `clip_url` says, in which voice (UnknownClip if no page registered it)."""
    return app_state(app).speech.job(clip_url.rsplit("/", 1)[1].removesuffix(".ogg"))


def catalog_with_fuzzy(tmp_path: Path, tag: str, msgid: str) -> Path:
    """A compiled copy of one language's catalog in which `msgid` went fuzzy,
    as `pybabel update` leaves it when the English source changes. Returns
    the translations folder to point BABEL_TRANSLATION_DIRECTORIES at."""
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS / tag, target / tag)
    marker = f'msgid "{msgid}"'
    # The catalog that has it: the interface's or a leaflet's.
    (po,) = [po for po in language_catalogs(tag, target) if marker in po.read_text(encoding="utf-8")]
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace(marker, "#, fuzzy\n" + marker), encoding="utf-8")
    catalogs.run(catalogs.compile_args(target))
    return target


@contextmanager
def kiosk_process(command: list, **popen):
    """`kiosk serve` run as `command` (another user, another environment), until it says it is
    ready; yields a function that gives what it has printed so far. TERM at the end, as systemd."""
    said: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **popen) as server:
        reader = threading.Thread(target=lambda: said.extend(server.stdout), daemon=True)
        reader.start()

        def output() -> str:
            return f"exit status {server.poll()}, it said:\n" + "".join(said)

        try:
            wait_until(lambda: any("Kiosk ready" in line for line in said) or server.poll() is not None,
                       "the kiosk to say it is ready")
            assert server.poll() is None, output()
            yield output
        except BaseException:
            # What it said after, too: a kiosk that died just after "ready" says why there.
            server.send_signal(signal.SIGTERM)
            server.wait(60)
            reader.join(10)
            raise AssertionError(output()) from sys.exc_info()[1]
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        reader.join(10)
    assert "Traceback" not in "".join(said), output()
