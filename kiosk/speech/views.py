"""The audio blueprint: serves cached clips with Range, ETag and a year of immutable caching."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request, send_file
from werkzeug.http import parse_range_header

from . import ogg
from .registry import UnknownClip
from .synthesizer import SpeechBusy, SpeechUnavailable
from ..state import app_state

bp = Blueprint("audio", __name__)

ONE_YEAR = 31536000


@bp.get(f"/audio/<key>{ogg.SUFFIX}")
def clip(key: str):
    """Serve one spoken clip, synthesizing it first if it is not cached yet."""
    speech = app_state().speech
    try:
        path = speech.clip_path(key)
        stat = path.stat()
    except UnknownClip:
        abort(404)
    except SpeechBusy as busy:
        # Enough requests wait for the engine already: answer now, so this one does not
        # hold a web server thread that a page needs, and answer cheaply (no error page: an
        # <audio> element asked, and a storm of these must not cost the pages CPU either).
        # The player asks again a few times.
        return Response("busy\n", 503, {"Retry-After": str(busy.retry_after), "Cache-Control": "no-store"},
                        mimetype="text/plain")
    except (SpeechUnavailable, OSError):
        abort(503)
    # The key already names the text, voice, rate and engine; the file's identity is added
    # so a Range request resumed with If-Range never splices bytes from two renderings.
    etag = f"{key}-{stat.st_mtime_ns:x}-{stat.st_size:x}"
    if not _one_byte_range(request.headers.get("Range")):
        # RFC 9110 §14.2: a server must ignore a range unit it does not know,
        # and may ignore ranges it cannot parse or does not serve; Werkzeug
        # answers all of them with 416. One byte range is served (a player
        # never asks for more); anything else gets the whole clip, 200. A
        # well-formed range past the end still gets 416 with Content-Range.
        request.environ.pop("HTTP_RANGE", None)
    response = send_file(path, mimetype=ogg.MIMETYPE, conditional=True, etag=etag, max_age=ONE_YEAR)
    # The URL changes whenever the audio would: browsers need never revalidate.
    response.cache_control.immutable = True
    return response


def _one_byte_range(header: str | None) -> bool:
    """Whether `header` is one well-formed byte range (satisfiable or not)."""
    ranges = parse_range_header(header)
    return ranges is not None and ranges.units == "bytes" and len(ranges.ranges) == 1
