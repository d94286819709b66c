"""The instance store: what staff and patients asked for that must survive a restart
(open questions for staff, staff sessions) and the anonymous counts of what patients
understood, in one SQLite file in the instance folder.

SQLite from the standard library, in WAL mode, so the staff board's reads never wait for a
patient's write. Writes take the write lock before they read (BEGIN IMMEDIATE), so a count
and the insert it allows are one step: two threads, or two `kiosk serve` processes over the
same instance folder, cannot both slip under a limit.

A connection per unit of work rather than one per thread: more than a thousand test apps
(and every waitress thread) would each keep a file open for good, and opening one costs a
tenth of a millisecond, which a staff poll a second does not notice.

The schema is versioned with PRAGMA user_version: MIGRATIONS[n] takes the file from version
n to n + 1. Never edit one that has shipped; add the next.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from flask import Flask
from .state import app_state

FILE_NAME = "kiosk.sqlite3"
BUSY_SECONDS = 10  # a writer waits this long for another's lock before it fails

MIGRATIONS: tuple[str, ...] = (
    # 1: patients' questions for staff (kiosk/ask_staff/questions.py). AUTOINCREMENT: an id
    # is never given twice, not even after its row is deleted or the kiosk restarts.
    """
    CREATE TABLE question (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        token TEXT NOT NULL UNIQUE,
        handle TEXT NOT NULL UNIQUE,
        kiosk_id TEXT NOT NULL,
        kiosk_name TEXT,
        address TEXT NOT NULL,
        page TEXT NOT NULL,
        lang TEXT NOT NULL,
        leaflet TEXT NOT NULL,
        section TEXT NOT NULL,
        sentence TEXT NOT NULL,
        sentence_lang TEXT NOT NULL,
        english TEXT,
        english_lang TEXT,
        english_is_paragraph INTEGER NOT NULL,
        asked REAL NOT NULL,
        state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled', 'expired')),
        ended REAL
    );
    CREATE INDEX question_by_state ON question (state, asked);
    CREATE UNIQUE INDEX question_once_per_sentence ON question (kiosk_id, page) WHERE state = 'open';
    """,
    # 2: staff sessions (kiosk/staff/access.py). The session cookie carries only the id, so a
    # session ended here (Log out, the idle limit, a patient page) leaves any copy of the
    # cookie worthless, and one still open outlives a restart. `seen` is NULL once the full
    # session has ended while its questions board stays open; `board_since` is NULL without one.
    """
    CREATE TABLE staff_session (
        id TEXT PRIMARY KEY,
        started REAL NOT NULL,
        seen REAL,
        board_since REAL
    );
    """,
    # 3: anonymous counts of what patients understood (kiosk/counts/tally.py): one row per
    # day, leaflet, section, language and event, never one per patient. `day` is a date and
    # nothing finer; no kiosk, no address, no cookie. WITHOUT ROWID: a rowid would number the
    # rows in the order they were first counted, a hint of the order of patients in a day.
    # `sentence` names the sentence asked about (data-sentence, "<message hash>:<n>"), and
    # only for "asked".
    """
    CREATE TABLE understanding_count (
        day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        leaflet TEXT NOT NULL,
        section TEXT NOT NULL,
        lang TEXT NOT NULL,
        event TEXT NOT NULL CHECK (event IN ('right-first', 'right-after-replay', 'staff-offered', 'asked')),
        sentence TEXT NOT NULL DEFAULT '' CHECK ((event = 'asked') = (sentence != '')),
        count INTEGER NOT NULL CHECK (count > 0),
        PRIMARY KEY (day, leaflet, section, lang, event, sentence)
    ) WITHOUT ROWID;
    """,
)


class StoreError(RuntimeError):
    """The store cannot be opened or written (a read-only or full instance folder)."""


class Store:
    """The instance store at `path`; its schema brought up to date on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; each unit of work says BEGIN itself.
        db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            # FULL, not WAL's usual NORMAL: "staff have been told" is said only after the
            # question is on the disk, power cut or not. A few writes a minute never notice it.
            db.execute("PRAGMA synchronous = FULL")
        except BaseException:
            # connect() opens lazily: a folder or unreadable file at the path fails only here,
            # and the connection would otherwise be left for the garbage collector to close.
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path} was written by a newer kiosk (schema {version}, this one knows "
                    f"{len(MIGRATIONS)}): update the kiosk, or move the file away."
                )
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write: it holds the write lock from its first read to its commit."""
        with self._opened() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """One consistent read (a snapshot of the last commit)."""
        with self._opened() as db:
            db.execute("BEGIN")
            try:
                yield db
            finally:
                db.execute("ROLLBACK")

    @contextmanager
    def _opened(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(self._connect()) as db:
                if not self._ready:
                    self._migrate(db)
                    self._ready = True
                yield db
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: {error}") from error

    def check(self) -> str | None:
        """None when the store can be written, else what is wrong (for /healthz and start-up)."""
        try:
            with self.write():
                pass
        except StoreError as error:
            return str(error)
        return None


def init_app(app: Flask) -> None:
    app_state(app).store = Store(Path(app.instance_path) / FILE_NAME)


def get(app: Flask | None = None) -> Store:
    """This app's store (the current app's unless given)."""
    return app_state(app).store


def _statements(script: str) -> list[str]:
    """A migration's statements, run one by one inside its transaction (executescript would
    commit first)."""
    return [statement.strip() for statement in script.split(";") if statement.strip()]
