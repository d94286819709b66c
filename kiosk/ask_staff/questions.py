"""Patients' questions for staff, kept in the instance store (kiosk/store.py), so a restart
loses none that staff were told about.

A question holds what staff need to come and help, and nothing about the patient: which
kiosk (a random id its browser keeps, and the name staff gave it), the page's language, the
leaflet and section, the sentence as shown and in English, and when it was asked. The only
trace of the client is a keyed hash of its address, for the per-address limit, gone with
the row. A question is open until staff mark it done, the patient cancels it, or EXPIRY
passes (staff will not come an hour later); its row then stays KEEP_ENDED longer, so the
patient's page can learn what became of it, and is deleted.

Three handles, each for one reader: `id` orders the board (never given twice: SQLite's
AUTOINCREMENT); `handle` is the board's Done and `token` the patient page's poll and Cancel,
both unguessable, so a Done from a page that was open before a restart, or a Cancel from
another page, can never clear someone else's question.

Limits that cannot lock a patient out: one open question per sentence per page and kiosk
(a double tap is one question), PER_KIOSK per browser profile (unnamed kiosks no longer
share one count), PER_ADDRESS per client address (forged kiosk ids from one machine
cannot fill the board), and TOTAL in all.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from flask import Flask

from .. import store
from ..store import Store
from ..state import app_state

EXPIRY = 60 * 60  # seconds a question stays open if staff do not clear it
KEEP_ENDED = 10 * 60  # seconds an ended question stays, for the patient's page to learn of it
PER_KIOSK = 5  # open questions from one kiosk: more is a stuck button or a game, not a patient
PER_ADDRESS = 10  # open questions from one address, whatever kiosk ids it sends
TOTAL = 100  # open questions from all kiosks


class Limit(Enum):
    KIOSK = "kiosk"
    ADDRESS = "address"
    TOTAL = "total"


class Refused(Exception):
    """No question was added: `limit` says which limit was reached."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(limit.value)
        self.limit = limit


class State(Enum):
    OPEN = "open"
    DONE = "done"  # staff have seen to it
    CANCELLED = "cancelled"  # the patient no longer needs help
    EXPIRED = "expired"  # nobody marked it done within EXPIRY


@dataclass(frozen=True)
class Shown:
    """A text and the language it is in (a fallback can be English on a translated page)."""

    text: str
    lang: str


@dataclass(frozen=True)
class Question:
    id: int
    token: str
    handle: str
    kiosk_id: str
    kiosk_name: str | None  # None until staff name the kiosk
    lang: str  # the page's language
    leaflet: str  # titles in English, as the staff screen shows them
    section: str
    sentence: Shown  # as the patient saw it
    english: Shown | None  # the English source (None when the patient saw English)
    english_is_paragraph: bool  # the translation splits into other sentences: the whole paragraph
    asked: float
    state: State = State.OPEN

    @property
    def kiosk_label(self) -> str:
        """A short, stable label for a kiosk staff have not named (its id's first characters)."""
        return self.kiosk_id[:4]

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Question:
        english = Shown(row["english"], row["english_lang"]) if row["english"] is not None else None
        return cls(
            id=row["id"], token=row["token"], handle=row["handle"], kiosk_id=row["kiosk_id"],
            kiosk_name=row["kiosk_name"], lang=row["lang"], leaflet=row["leaflet"], section=row["section"],
            sentence=Shown(row["sentence"], row["sentence_lang"]), english=english,
            english_is_paragraph=bool(row["english_is_paragraph"]), asked=row["asked"], state=State(row["state"]),
        )


class Questions:
    def __init__(self, store: Store, clock=time.time) -> None:
        self._store = store
        self._clock = clock

    def now(self) -> float:
        return self._clock()

    def _tidy(self, db: sqlite3.Connection, now: float) -> None:
        """Close what expired and forget what ended long enough ago (inside a write)."""
        db.execute(
            "UPDATE question SET state = 'expired', ended = ? WHERE state = 'open' AND asked < ?",
            (now, now - EXPIRY),
        )
        db.execute("DELETE FROM question WHERE state != 'open' AND ended < ?", (now - KEEP_ENDED,))

    def ask(
        self, *, kiosk_id: str, kiosk_name: str | None, address: str, page: str, lang: str, leaflet: str,
        section: str, sentence: Shown, english: Shown | None, english_is_paragraph: bool,
        on_new: Callable[[sqlite3.Connection], None] | None = None,
    ) -> Question:
        """The open question for this sentence of this page from this kiosk: the one already
        asked, or a new one. Refused when a limit is reached; StoreError when it cannot be kept.
        `on_new` runs inside the write that adds a new question (not for a double tap), so
        what it writes is kept with the question or not at all (kiosk/counts/)."""
        now = self._clock()
        with self._store.write() as db:
            self._tidy(db, now)
            asked = db.execute(
                "SELECT * FROM question WHERE state = 'open' AND kiosk_id = ? AND page = ?", (kiosk_id, page),
            ).fetchone()
            if asked is not None:
                return Question.from_row(asked)
            counts = db.execute(
                "SELECT count(*), count(*) FILTER (WHERE kiosk_id = ?), count(*) FILTER (WHERE address = ?)"
                " FROM question WHERE state = 'open'", (kiosk_id, address),
            ).fetchone()
            total, from_kiosk, from_address = counts
            if from_kiosk >= PER_KIOSK:
                raise Refused(Limit.KIOSK)
            if from_address >= PER_ADDRESS:
                raise Refused(Limit.ADDRESS)
            if total >= TOTAL:
                raise Refused(Limit.TOTAL)
            row = db.execute(
                "INSERT INTO question (token, handle, kiosk_id, kiosk_name, address, page, lang, leaflet, section,"
                " sentence, sentence_lang, english, english_lang, english_is_paragraph, asked)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    secrets.token_urlsafe(16), secrets.token_urlsafe(16), kiosk_id, kiosk_name, address, page, lang,
                    leaflet, section, sentence.text, sentence.lang, english.text if english else None,
                    english.lang if english else None, int(english_is_paragraph), now,
                ),
            ).fetchone()
            if on_new is not None:
                on_new(db)
            return Question.from_row(row)

    def _end(self, column: str, value: str, state: State) -> bool:
        now = self._clock()
        with self._store.write() as db:
            self._tidy(db, now)
            ended = db.execute(
                f"UPDATE question SET state = ?, ended = ? WHERE state = 'open' AND {column} = ?",  # noqa: S608 (a column name of this module's)
                (state.value, now, value),
            )
            return ended.rowcount == 1

    def done(self, handle: str) -> bool:
        """Staff saw to it (False when it had ended already: cancelled, expired, another Done)."""
        return self._end("handle", handle, State.DONE)

    def cancel(self, token: str) -> bool:
        """The patient no longer needs help (False for a token of no open question)."""
        return self._end("token", token, State.CANCELLED)

    def state(self, token: str) -> State | None:
        """What became of the patient's question (None: no such question, or ended long ago)."""
        now = self._clock()
        with self._store.write() as db:
            self._tidy(db, now)
            row = db.execute("SELECT state FROM question WHERE token = ?", (token,)).fetchone()
        return State(row["state"]) if row is not None else None

    def open(self) -> list[Question]:
        """The open questions, oldest first."""
        now = self._clock()
        with self._store.write() as db:
            self._tidy(db, now)
            rows = db.execute("SELECT * FROM question WHERE state = 'open' ORDER BY id").fetchall()
        return [Question.from_row(row) for row in rows]

    def version(self) -> str:
        """Changes whenever the open questions do, so the board's poll can answer "nothing new"
        cheaply: the newest id, and the count of ended ones with the last end."""
        with self._store.read() as db:
            row = db.execute(
                "SELECT max(id), count(*) FILTER (WHERE state != 'open'), max(ended),"
                " min(asked) FILTER (WHERE state = 'open') FROM question"
            ).fetchone()
        newest, ended, last_end, oldest = row
        # The oldest open question's expiry changes the list too, with no write to mark it.
        expiring = int(oldest is not None and self._clock() - oldest > EXPIRY)
        return f"{newest or 0}-{ended}-{last_end or 0}-{expiring}"


def init_app(app: Flask) -> None:
    app_state(app).questions = Questions(store.get(app))
