"""The anonymous counts of what patients understood, in the instance store (issue 32, part 5).

Per day, leaflet, section and language: how many answered a section's teach-back question
right at the first try, right after the replay of the answer, or were offered staff after a
second miss; and how many times each sentence was asked about ("Ask staff about this"). A
count is all there is: no row per patient, no time finer than a day, no kiosk, no address
(the migration in kiosk/store.py says how the table keeps to it).

Bounded: every value is checked against the leaflets the kiosk serves before it is counted
(kiosk/counts/views.py), so the rows a day can add are at most leaflets × sections ×
languages × events (× sentences); and each count stops at CAP a day, so a script that posts
in a loop cannot make one sentence or section look like every patient's trouble.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask import Flask, current_app

from ..state import app_state
from ..store import Store


class Event(StrEnum):
    """What is counted. The teach-back's three outcomes are one per question and page (the
    page sends the first that happens, static/understand.js); "asked" is per sentence."""

    RIGHT_FIRST = "right-first"
    RIGHT_AFTER_REPLAY = "right-after-replay"
    STAFF_OFFERED = "staff-offered"
    ASKED = "asked"


TEACH_BACK = (Event.RIGHT_FIRST, Event.RIGHT_AFTER_REPLAY, Event.STAFF_OFFERED)
# No waiting room sees this many patients on one section in one day: a count beyond it is a
# script, not patients, and is not counted.
CAP = 1000


@dataclass(frozen=True)
class Count:
    """One count, summed over the days asked for."""

    leaflet: str  # slug
    section: str  # slug
    lang: str  # BCP 47 tag
    event: Event
    sentence: str  # data-sentence for ASKED, else ""
    count: int


class Tally:
    """The counts in `store`; `today` is the clock's seam (tests pass a fixed date)."""

    def __init__(self, store: Store, today: Callable[[], date] = date.today) -> None:
        self._store = store
        self._today = today

    def add(self, leaflet: str, section: str, lang: str, event: Event, sentence: str = "") -> None:
        """Count one event (StoreError when the store cannot be written)."""
        with self._store.write() as db:
            self.add_in(db, leaflet, section, lang, event, sentence)

    def add_in(self, db: sqlite3.Connection, leaflet: str, section: str, lang: str, event: Event,
               sentence: str = "") -> None:
        """Count one event inside a write that is already open."""
        if (event is Event.ASKED) != bool(sentence):
            raise ValueError(f"a sentence is named for {Event.ASKED} and only for it, not {event}")
        db.execute(
            "INSERT INTO understanding_count (day, leaflet, section, lang, event, sentence, count)"
            " VALUES (?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT DO UPDATE SET count = count + 1 WHERE count < ?",
            (self._today().isoformat(), leaflet, section, lang, event.value, sentence, CAP),
        )

    def add_beside(self, db: sqlite3.Connection, leaflet: str, section: str, lang: str, event: Event,
                   sentence: str = "") -> None:
        """Count one event inside another's write, never at its cost: a count that fails is
        undone back to a savepoint and logged, and the write goes on. A patient's question
        must reach staff whether or not it is counted."""
        db.execute("SAVEPOINT count_beside")
        try:
            self.add_in(db, leaflet, section, lang, event, sentence)
        except (sqlite3.Error, ValueError) as error:
            db.execute("ROLLBACK TO count_beside")
            current_app.logger.error("A count was not kept (the rest was): %s", error)
        db.execute("RELEASE count_beside")

    def counts(self, since: date | None = None) -> list[Count]:
        """Every count, summed over the days from `since` (every day when None)."""
        with self._store.read() as db:
            rows = db.execute(
                "SELECT leaflet, section, lang, event, sentence, sum(count) AS count FROM understanding_count"
                " WHERE day >= ? GROUP BY leaflet, section, lang, event, sentence",
                ((since or date.min).isoformat(),),
            ).fetchall()
        return [Count(r["leaflet"], r["section"], r["lang"], Event(r["event"]), r["sentence"], r["count"])
                for r in rows]

    def first_day(self) -> date | None:
        """The first day anything was counted (None before then)."""
        with self._store.read() as db:
            day = db.execute("SELECT min(day) FROM understanding_count").fetchone()[0]
        return date.fromisoformat(day) if day else None


def init_app(app: Flask) -> None:
    """After store.init_app."""
    app_state(app).tally = Tally(app_state(app).store)
