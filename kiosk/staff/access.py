"""Who is staff: a session kept in the instance store (kiosk/store.py), whose id is all the
signed session cookie carries, checked on the server at every staff request.

A staff session ends after IDLE_LIMIT without a staff request, when staff
log out, and at once when the browser asks for any patient page: the kiosk
is shared, and the next patient must never find the staff screen open.
Each of these ends it on the server, so a copy of the cookie (taken from the
browser, or its disk) is worthless from then on; and as the row is on the disk,
a restart of the kiosk ends nothing.

The questions board is the one exception to the idle limit. A reception PC shows
patients' questions all day (kiosk/ask_staff/board.py), and nobody touches it between
questions, so 5 idle minutes would log it out within the hour. So opening the board
(with the PIN, as for the rest) also starts a board session: for BOARD_LIMIT from then
(a working day, never extended by its poll), that browser may see the open questions
and mark them done, and nothing else. Settings, pronunciation and audio still need the
full session, which ends after IDLE_LIMIT as before, so a staff screen left open on the
kiosk itself never stays fully open: at most its board does, until a patient page (any
tap on "Back to the kiosk", the kiosk's own start) ends both, or the day is over.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from enum import Enum
from functools import wraps
from pathlib import Path

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_htmx import make_response as htmx_response

from .. import store
from ..files import write_atomically
from ..patient.page_table import FILE_PATHS

IDLE_LIMIT = 5 * 60  # seconds without a staff request
BOARD_LIMIT = 10 * 60 * 60  # seconds a questions board stays open after staff opened it
# An ended session's row is kept this long after its last use, so staff who come back to a
# screen left idle are told why it ended; then the next log-in deletes it.
ENDED_KEPT = 60 * 60
SESSION_ID = "staff_session"  # the cookie's key for the id of the store's row
SECRET_KEY_FILE = "secret_key"
# Requests that do not end a staff session: the staff screen itself and what
# its pages load. Anything else is a patient's page.
STAFF_PATHS = ("/staff", *FILE_PATHS)
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


def _row() -> sqlite3.Row | None:
    """This browser's session in the store, if its cookie names one that has not ended."""
    sid = session.get(SESSION_ID)
    if not isinstance(sid, str):
        return None
    with store.get().read() as db:
        return db.execute("SELECT * FROM staff_session WHERE id = ?", (sid,)).fetchone()


def start() -> None:
    """Begin a staff session: a new row, and a fresh cookie that carries its id only, so
    no token from before the PIN survives. Old rows go now: only a log-in adds one."""
    end()
    sid = secrets.token_urlsafe(32)
    at = now()
    with store.get().write() as db:
        db.execute(
            "DELETE FROM staff_session WHERE coalesce(seen, 0) < ? AND coalesce(board_since, 0) < ?",
            (at - IDLE_LIMIT - ENDED_KEPT, at - BOARD_LIMIT - ENDED_KEPT),
        )
        db.execute("INSERT INTO staff_session (id, started, seen) VALUES (?, ?, ?)", (sid, at, at))
    session[SESSION_ID] = sid


def end() -> None:
    """End this browser's session, board and all, on the server and in the cookie."""
    sid = session.get(SESSION_ID)
    if isinstance(sid, str):
        with store.get().write() as db:
            db.execute("DELETE FROM staff_session WHERE id = ?", (sid,))
    session.clear()


def _board_open(row: sqlite3.Row) -> bool:
    since = row["board_since"]
    return since is not None and 0 <= now() - since <= BOARD_LIMIT


def board_valid() -> bool:
    row = _row()
    return row is not None and _board_open(row)


def expire(row: sqlite3.Row) -> None:
    """The full session was idle too long: it ends, but an open questions board (and the
    CSRF token its Done buttons carry, in the cookie) lives on until its own limit."""
    if not _board_open(row):
        end()
        return
    with store.get().write() as db:
        db.execute("UPDATE staff_session SET seen = NULL WHERE id = ?", (row["id"],))


def open_board() -> None:
    """Staff (with the full session) opened the questions board: its day starts now."""
    with store.get().write() as db:
        db.execute("UPDATE staff_session SET board_since = ? WHERE id = ?", (now(), session[SESSION_ID]))


def board_check() -> bool:
    """Whether this request may see and clear the questions: staff, or a board still open.
    Never counts as staff activity (the board polls every second on its own)."""
    if check(refresh=False) is Staff.IN:
        return True
    return board_valid()


def check(*, refresh: bool = True) -> Staff:
    """Whether this request is a staff member's; ends a session idle too long.

    `refresh` counts the request as staff activity. The progress poll does
    not: htmx asks every 2 s on its own, and would keep an abandoned staff
    screen open for as long as audio renders.
    """
    g.staff = state = _state(refresh)
    return state


def _state(refresh: bool) -> Staff:
    if SESSION_ID not in session:
        return Staff.OUT
    row = _row()
    if row is None:
        # Ended on the server (logged out, or long gone): the id in this cookie is dead.
        session.pop(SESSION_ID)
        return Staff.OUT
    if row["seen"] is None:
        return Staff.OUT  # its board only
    if now() - row["seen"] > IDLE_LIMIT:
        expire(row)
        return Staff.EXPIRED
    if refresh:
        with store.get().write() as db:
            # Only while it is still on: a Log out or expiry meanwhile is never undone.
            db.execute("UPDATE staff_session SET seen = ? WHERE id = ? AND seen IS NOT NULL", (now(), row["id"]))
    return Staff.IN


def signed_in() -> bool:
    """Whether this request was found to be staff's (by `check`): the page then has Log out
    and the idle timer."""
    return g.get("staff") is Staff.IN


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


def board_only(view):
    """A view of the questions board: staff, or a board session (see the module's note)."""

    @wraps(view)
    def wrapped(**kwargs):
        if board_check():
            return view(**kwargs)
        target = url_for("staff.index")
        if request.headers.get("HX-Request") == "true":
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
