"""Who is staff: a signed session cookie that says when staff were last
seen, checked on the server at every staff request.

A staff session ends after IDLE_LIMIT without a staff request, when staff
log out, and at once when the browser asks for any patient page: the kiosk
is shared, and the next patient must never find the staff screen open.
"""

from __future__ import annotations

import secrets
import time
from enum import Enum
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_htmx import make_response as htmx_response

from ..files import write_atomically

IDLE_LIMIT = 5 * 60  # seconds without a staff request
SEEN = "staff_seen"
SECRET_KEY_FILE = "secret_key"
# Requests that do not end a staff session: the staff screen itself and what
# its pages load. Anything else is a patient's page.
STAFF_PATHS = ("/staff", "/static", "/vendor", "/fonts", "/audio")
# A flashed notice's place at the top of a staff page (templates/staff/notices.html).
TOP = "top"
# Said on the PIN form when a staff form arrives after its session ended.
FORM_AFTER_END = "The staff session had ended, so nothing was changed. Enter the PIN to go on."


class Staff(Enum):
    IN = "in"
    OUT = "out"
    EXPIRED = "expired"  # was in, and stayed away too long


def now() -> float:
    """Wall-clock time: a session outlives a restart of the kiosk (tests replace this)."""
    return time.time()


def start() -> None:
    """Begin a staff session: a fresh cookie, so no token from before the PIN survives."""
    session.clear()
    session[SEEN] = now()


def end() -> None:
    session.clear()


def check(*, refresh: bool = True) -> Staff:
    """Whether this request is a staff member's; ends a session idle too long.

    `refresh` counts the request as staff activity. The progress poll does
    not: htmx asks every 2 s on its own, and would keep an abandoned staff
    screen open for as long as audio renders.
    """
    seen = session.get(SEEN)
    if seen is None:
        return Staff.OUT
    if not isinstance(seen, (int, float)) or now() - seen > IDLE_LIMIT:
        end()
        return Staff.EXPIRED
    if refresh:
        session[SEEN] = now()
    return Staff.IN


def staff_only(view=None, *, refresh: bool = True):
    """A view for a staff session only; anyone else is sent to the PIN form."""
    if view is None:
        return lambda view: staff_only(view, refresh=refresh)

    @wraps(view)
    def wrapped(**kwargs):
        if check(refresh=refresh) is Staff.IN:
            return view(**kwargs)
        target = url_for("staff.index")
        if request.method == "POST":
            # Staff pressed a button and must know it did nothing.
            flash(FORM_AFTER_END, TOP)
        if request.headers.get("HX-Request") == "true":
            # An htmx poll would swap the whole PIN page into the fragment:
            # have htmx load it as a page instead.
            return htmx_response(redirect=target)
        return redirect(target, 303)

    return wrapped


def is_staff_path(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in STAFF_PATHS)


def end_when_leaving(endpoint=None, values=None) -> None:
    """A patient's page ends any staff session at once."""
    # Only when a cookie came: touching the session marks the answer
    # Vary: Cookie, and patient pages have no business with it.
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return
    if not is_staff_path(request.path) and session:
        end()


def secret_key(app: Flask) -> str:
    """The key that signs session cookies: SECRET_KEY from the config, else
    one made once for this kiosk and kept in the instance folder (0600), so
    that a restart does not end a staff session or a form being filled."""
    path = Path(app.instance_path) / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 32:
        key = secrets.token_hex(32)
        write_atomically(path, (key + "\n").encode("ascii"))
    return key


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = secret_key(app)
    # A URL value preprocessor of the app, not a before_request function:
    # the patient pages' own preprocessor (i18n.pull_locale) runs before any
    # before_request function and aborts with a 404 for /no/such/page, and
    # that 404 is a patient's page too. The app's preprocessors run first.
    app.url_value_preprocessor(end_when_leaving)
