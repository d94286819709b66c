"""Small helpers for reading pages and catalogs in tests."""

import shutil
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from bs4 import BeautifulSoup

from kiosk import catalogs
from kiosk.catalog_checks import load_catalog
from kiosk.catalogs import TRANSLATIONS
from kiosk.i18n import KNOWN_LOCALES
from kiosk.server import create as kiosk_server

FIXTURES = Path(__file__).parent / "fixtures"
LEAFLET = "trigger-point-injections"
SECTIONS = ("what-are-trigger-points", "what-is-a-trigger-point-injection", "what-to-expect")
LOCALES = tuple(KNOWN_LOCALES)
TRANSLATED = tuple(tag for tag in LOCALES if tag != "en")


@contextmanager
def serving(app, **settings):
    """`app` served as `kiosk serve` serves it (kiosk.server) on a free loopback port, on a
    thread of its own; yields its base URL."""
    server = kiosk_server(app, host="127.0.0.1", port=0, **settings)
    host, port = server.socket.getsockname()[:2]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.close()
        thread.join(10)


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@cache
def catalog(tag: str):
    return load_catalog(catalogs.catalog_path(KNOWN_LOCALES[tag]))


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
    return app.extensions["speech"].job(clip_url.rsplit("/", 1)[1].removesuffix(".ogg"))


def catalog_with_fuzzy(tmp_path: Path, tag: str, msgid: str) -> Path:
    """A compiled copy of one language's catalog in which `msgid` went fuzzy,
    as `pybabel update` leaves it when the English source changes. Returns
    the translations folder to point BABEL_TRANSLATION_DIRECTORIES at."""
    target = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS / tag, target / tag)
    po = catalogs.catalog_path(tag, target)
    text = po.read_text(encoding="utf-8")
    marker = f'msgid "{msgid}"'
    assert marker in text
    po.write_text(text.replace(marker, "#, fuzzy\n" + marker), encoding="utf-8")
    catalogs.run(["compile", "-d", str(target)])
    return target
