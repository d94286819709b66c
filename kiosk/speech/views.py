"""The audio blueprint: serves cached clips with Range, ETag and a year of immutable caching."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, send_file

from .clips import SpeechUnavailable, UnknownClip

bp = Blueprint("audio", __name__)

ONE_YEAR = 31536000


@bp.get("/audio/<key>.wav")
def clip(key: str):
    """Serve one spoken clip, synthesizing it first if it is not cached yet."""
    speech = current_app.extensions["speech"]
    try:
        path = speech.clip_path(key)
        stat = path.stat()
    except UnknownClip:
        abort(404)
    except (SpeechUnavailable, OSError):
        abort(503)
    # The key already names the text, voice, rate and engine; the file's identity is added
    # so a Range request resumed with If-Range never splices bytes from two renderings.
    etag = f"{key}-{stat.st_mtime_ns:x}-{stat.st_size:x}"
    response = send_file(path, mimetype="audio/wav", conditional=True, etag=etag, max_age=ONE_YEAR)
    # The URL changes whenever the audio would: browsers need never revalidate.
    response.cache_control.immutable = True
    return response
