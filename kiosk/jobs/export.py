"""`kiosk export`: the whole kiosk as static files that any web server or CDN can serve.

Every page is rendered through the app's own test client, so each file is what
the kiosk itself answers (every after_request has run), and written where
nginx's `try_files $uri $uri.html $uri/index.html` finds it. htmx keeps working
because every full page is the source of its own fragment (hx-select).

Assets are found by crawling what was written, never listed here: the export
carries whatever stylesheets, scripts and fonts the pages reference today, and
every url() in those stylesheets. Clips are copied from the speech cache after
rendering what is missing. Only the patient's pages are exported: no staff
screen, no /healthz, nothing from the instance folder but clips.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from flask import Flask, url_for

from .crawl import ensure_registered, page_urls
from ..i18n import KNOWN_LOCALES
from ..patient.page_table import FILE_PATHS
from ..speech import SpeechUnavailable, lexicon
from ..state import app_state

# What a page may reference that is a file of the kiosk's rather than a page.
ASSET_PREFIXES = tuple(f"{path}/" for path in FILE_PATHS)
# An address no route can answer (four segments, and the first is no language), for 404.html.
NOT_FOUND_PROBE = "/not/a/kiosk/page"
NOT_FOUND_FILE = "404.html"
LEXICON_FOLDER = "lexicon"
# url(...) and @import "..." in a stylesheet.
CSS_REFERENCE = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""")
# The kiosk's ES modules import each other by relative path ("./page.js"), which no page names.
JS_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^'"\n]*?(?:\bfrom\s*)?(['"])(\.{1,2}/[^'"]+)\1""", re.M)

# progress(stage, done, total): the CLI draws a bar per stage.
Progress = Callable[[str, int, int], None]


class ExportError(Exception):
    """The export cannot be written, or would be broken (a page or asset did not answer)."""


@dataclass
class Report:
    """What an export wrote, and what it could not."""

    dest: Path
    pages: list[str] = field(default_factory=list)  # files, relative to dest
    assets: list[str] = field(default_factory=list)
    clips: int = 0
    lexicons: list[str] = field(default_factory=list)  # lexicon/<tag>.pls
    clips_missing: int = 0  # registered clips with no file (could not be rendered)
    speech: str = "on"  # "on", "off" (SPEECH_ENABLED) or "unavailable" (no engine)
    problems: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [p for p in self.dest.rglob("*") if p.is_file()]

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def check_target(dest: Path, force: bool) -> None:
    """Refuse a file, or a folder with something in it unless `force`."""
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is a file, not a folder.")
    if dest.is_dir() and any(dest.iterdir()) and not force:
        raise ExportError(
            f"{dest} is not empty. Export into a new or empty folder, "
            "or add --force to write over the files of the same name (nothing else is removed)."
        )


def page_file(url: str) -> str:
    """Where nginx's `try_files $uri $uri.html $uri/index.html` finds the page `url`."""
    path = _path_of(url)
    if path == "" or path.endswith("/"):
        return path + "index.html"
    return path + ".html"


def export(app: Flask, dest: str | Path, *, force: bool = False, progress: Progress | None = None) -> Report:
    """Write every page, 404.html, every clip and every referenced asset of `app` into `dest`."""
    dest = Path(dest)
    check_target(dest, force)
    progress = progress or (lambda stage, done, total: None)
    dest.mkdir(parents=True, exist_ok=True)
    report = Report(dest)
    # No server hears "Ask staff about this" in an export: its pages go without the button
    # (kiosk/ask_staff/). The page cache keys on the setting, so no page kept before is reused.
    asking, app.config["ASK_STAFF"] = app.config["ASK_STAFF"], False
    try:
        return _export(app, dest, report, progress)
    finally:
        app.config["ASK_STAFF"] = asking


def _export(app: Flask, dest: Path, report: Report, progress: Progress) -> Report:
    client = app.test_client()

    # Register every clip first: the pages then render with the voices known.
    ensure_registered(app)
    _export_clips(app, dest, report, progress)

    urls = page_urls(app)  # the printable leaflets too
    html: dict[str, str] = {}
    for done, url in enumerate(urls, 1):
        response = client.get(url)
        if response.status_code != 200:
            raise ExportError(f"{url} answered {response.status_code}; the export would be incomplete.")
        html[url] = response.get_data(as_text=True)
        _write(dest, page_file(url), response.get_data())
        report.pages.append(page_file(url))
        progress("Writing pages", done, len(urls))

    response = client.get(NOT_FOUND_PROBE)
    if response.status_code != 404:
        raise ExportError(f"{NOT_FOUND_PROBE} answered {response.status_code}, not the kiosk's 404 page.")
    html[NOT_FOUND_PROBE] = response.get_data(as_text=True)
    _write(dest, NOT_FOUND_FILE, response.get_data())
    report.pages.append(NOT_FOUND_FILE)

    _export_assets(client, dest, html, report, progress)
    _export_lexicons(app, dest, report)
    return report


def _export_lexicons(app: Flask, dest: Path, report: Report) -> None:
    """Each language's pronunciation entries that the export's audio was made with, as PLS
    (lexicon/<tag>.pls): a clinic that moves the bundle to another kiosk moves its words too,
    for the staff screen's PLS import. No page links them, and they hold no patient data."""
    lexicons = app_state(app).speech.lexicons
    for tag in KNOWN_LOCALES:
        if lexicons[tag].entries:
            relative = f"{LEXICON_FOLDER}/{tag}.pls"
            _write(dest, relative, lexicon.to_pls(tag, lexicons[tag]))
            report.lexicons.append(relative)


def _export_clips(app: Flask, dest: Path, report: Report, progress: Progress) -> None:
    speech = app_state(app).speech
    if not speech.enabled:
        report.speech = "off"
        return
    if not speech.engine_known:
        # No voices could be looked up: every page says audio is not available.
        report.speech = "unavailable"
        report.problems.append(f"The speech engine could not start ({speech.status().get('last_error')}).")
        return
    try:
        speech.prerender(lambda done, total: progress("Rendering clips", done, total))
    except SpeechUnavailable as error:
        report.problems.append(str(error))
    keys = speech.keys()
    with app.test_request_context():
        urls = {key: url_for("audio.clip", key=key) for key in keys}
    for done, key in enumerate(keys, 1):
        source = speech.cache.find(key, speech.job(key))
        if source is None:
            report.clips_missing += 1
        else:
            target = _target(dest, urls[key])
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            report.clips += 1
        progress("Copying clips", done, len(keys))


def _export_assets(client, dest: Path, html: dict[str, str], report: Report, progress: Progress) -> None:
    """Every /static, /vendor, /fonts and /audio file the pages reference, what their CSS
    references, and the modules their scripts import."""
    wanted: dict[str, str] = {}  # asset path -> the first file that referenced it
    for url, text in html.items():
        for ref in references_in_html(text):
            wanted.setdefault(ref, url)
    queue = list(wanted)
    done = 0
    while queue:
        ref = queue.pop(0)
        done += 1
        progress("Copying assets", done, done + len(queue))
        if ref.startswith("/audio/"):
            # Copied from the speech cache above; a clip that could not be
            # rendered is a 404 that the player answers with an apology.
            continue
        response = client.get(ref)
        try:
            if response.status_code != 200:
                raise ExportError(f"{ref} (referenced by {wanted[ref]}) answered {response.status_code}.")
            body = response.get_data()
        finally:
            response.close()
        _write(dest, _path_of(ref), body)
        report.assets.append(_path_of(ref))
        found = (references_in_css(body.decode("utf-8"), ref) if ref.endswith(".css")
                 else references_in_js(body.decode("utf-8"), ref) if ref.endswith(".js") and ref.startswith("/static/")
                 else set())
        for path in found:
            if path not in wanted:
                wanted[path] = ref
                queue.append(path)


def references_in_html(text: str) -> set[str]:
    """Asset paths (no query or fragment) in a page's href, src and data-* attributes."""
    parser = _References()
    parser.feed(text)
    parser.close()
    return {_strip(ref) for ref in parser.found}


def references_in_css(text: str, css_url: str) -> set[str]:
    """Paths of the url() and @import references in a stylesheet, resolved against its own URL."""
    found = set()
    for match in CSS_REFERENCE.finditer(text):
        ref = (match.group(2) or match.group(4) or "").strip()
        if not ref or ref.startswith(("data:", "#")):
            continue
        parts = urlsplit(urljoin(css_url, ref))
        if parts.scheme or parts.netloc:
            raise ExportError(f"{css_url} references {ref}, which is not the kiosk's own.")
        found.add(_strip(parts.path))
    return found


def references_in_js(text: str, js_url: str) -> set[str]:
    """Paths of the modules a kiosk script imports (static imports only), resolved against its URL."""
    return {_strip(urlsplit(urljoin(js_url, match.group(2))).path) for match in JS_IMPORT.finditer(text)}


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name in ("href", "src") or name.startswith("data-")):
                self.found += [s for s in _strings(value) if s.startswith(ASSET_PREFIXES)]

    handle_startendtag = handle_starttag


def _strings(value: str) -> Iterator[str]:
    """The attribute itself, and every string inside it if it is JSON (data-say, data-json)."""
    yield value
    if value[:1] in "[{":
        try:
            data = json.loads(value)
        except ValueError:
            return
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                yield item
            elif isinstance(item, list):
                stack += item
            elif isinstance(item, dict):
                stack += item.values()


def _strip(url: str) -> str:
    return urlsplit(url).path


def _path_of(url: str) -> str:
    """The file path (relative, decoded as nginx decodes $uri) for a URL path; never outside the export."""
    path = unquote(urlsplit(url).path)
    if not path.startswith("/") or ".." in path.split("/") or "\\" in path or "\0" in path:
        raise ExportError(f"{url!r} cannot be a file of the export.")
    return path.lstrip("/")


def _target(dest: Path, url: str) -> Path:
    return dest / _path_of(url)


def _write(dest: Path, relative: str, body: bytes) -> None:
    target = dest / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(body)
