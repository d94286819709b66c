"""Text assets (stylesheets, scripts, SVG) sent gzipped to a browser that accepts it.

The font stylesheets alone are over 400 KB as files and a tenth of that gzipped; the kiosk
serves them to every first visit. Each file is compressed once per version (path, size and
mtime) and kept in memory; anything else, and any client that does not accept gzip, gets
send_from_directory as before (Range, conditional requests and all).
"""

from __future__ import annotations

import gzip
import os
import threading
from pathlib import Path

from flask import Response, request, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.security import safe_join

COMPRESSIBLE = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}

_lock = threading.Lock()
_kept: dict[tuple[str, int, int], tuple[bytes, str]] = {}


def send_asset(directory: str | os.PathLike, filename: str, max_age: int | None):
    """send_from_directory, but gzipped (with its own ETag) when the browser accepts it."""
    mimetype = COMPRESSIBLE.get(Path(filename).suffix)
    if mimetype is None or "gzip" not in request.accept_encodings or request.range is not None:
        return send_from_directory(directory, filename, max_age=max_age)
    path = safe_join(os.fspath(directory), filename)
    try:
        stat = os.stat(path) if path is not None else None
    except OSError:
        stat = None
    if stat is None or not os.path.isfile(path):
        raise NotFound()
    key = (path, stat.st_size, stat.st_mtime_ns)
    with _lock:
        kept = _kept.get(key)
    if kept is None:
        with open(path, "rb") as f:
            body = gzip.compress(f.read(), 9, mtime=0)
        kept = (body, f"{stat.st_mtime_ns:x}-{stat.st_size:x}-gz")
        with _lock:
            _kept[key] = kept
    body, etag = kept
    response = encoded(etag, mimetype, body)
    if max_age is None:
        response.cache_control.no_cache = True  # as send_file does: revalidate with the ETag
    else:
        response.cache_control.public = True
        response.cache_control.max_age = max_age
    return response


def encoded(etag: str, mimetype: str, gzipped: bytes, plain: bytes | None = None) -> Response:
    """An answer kept in memory: 304 for a matching If-None-Match, else the gzip form to a
    browser that accepts it (or when there is no plain form), else the plain one."""
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif plain is None or "gzip" in request.accept_encodings:
        response = Response(gzipped, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(plain, mimetype=mimetype)
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    return response
