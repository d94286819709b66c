"""Patients' questions for staff ("Ask staff about this"), kept in the server's memory only.

A question holds what staff need to come and help, and nothing about the patient: the
kiosk's name, the page's language, the leaflet and section, the sentence as shown and in
English, and when it was asked. No address, no cookie but the kiosk's name, nothing on
disk: a restart forgets every question, which is right for a flag that only matters while
the patient waits. A question ends when staff mark it done, when the patient cancels it,
or after EXPIRY (staff will not come an hour later).

One lock guards everything: waitress serves requests on several threads, and a flood of
flags must not slip past the limits between a count and an add.
"""

from __future__ import annotations

import itertools
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask

EXPIRY = 60 * 60  # seconds a question stays open if staff do not clear it
PER_KIOSK = 5  # open questions from one kiosk: more is a stuck button or a game, not a patient
TOTAL = 100  # open questions from all kiosks: a flood from a forged kiosk name cannot fill memory


class TooMany(Exception):
    """No more questions now: `kiosk` is True when this kiosk has PER_KIOSK open, else all have TOTAL."""

    def __init__(self, kiosk: bool) -> None:
        super().__init__("kiosk" if kiosk else "total")
        self.kiosk = kiosk


@dataclass(frozen=True)
class Shown:
    """A text and the language it is in (a fallback can be English on a translated page)."""

    text: str
    lang: str


@dataclass(frozen=True)
class Question:
    id: int  # staff's handle (the Done button), in the order asked
    token: str  # the patient page's handle (Cancel): unguessable, so no page can cancel another's
    kiosk: str | None  # None when staff have not named the kiosk
    lang: str  # the page's language
    leaflet: str  # titles in English, as the staff screen shows them
    section: str
    sentence: Shown  # as the patient saw it
    english: Shown | None  # the English source (None when the patient saw English)
    english_is_paragraph: bool  # the translation splits into other sentences: the whole paragraph
    asked: float = field(default_factory=time.time)


class Questions:
    def __init__(self, clock=time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._open: dict[int, Question] = {}
        self._ids = itertools.count(1)
        # Bumped at every change, so the staff screen's poll can answer "nothing new" cheaply.
        self.version = 0

    def _expire(self) -> None:
        now = self._clock()
        for old in [q for q in self._open.values() if now - q.asked > EXPIRY]:
            del self._open[old.id]
            self.version += 1

    def ask(self, **fields) -> Question:
        """Add a question; TooMany when this kiosk, or all kiosks, have as many open as they may."""
        with self._lock:
            self._expire()
            if sum(q.kiosk == fields["kiosk"] for q in self._open.values()) >= PER_KIOSK:
                raise TooMany(kiosk=True)
            if len(self._open) >= TOTAL:
                raise TooMany(kiosk=False)
            question = Question(next(self._ids), secrets.token_urlsafe(16), asked=self._clock(), **fields)
            self._open[question.id] = question
            self.version += 1
            return question

    def done(self, question_id: int) -> bool:
        """Staff cleared it (False when it had gone already: cancelled, expired, another Done)."""
        with self._lock:
            gone = self._open.pop(question_id, None)
            if gone is not None:
                self.version += 1
            return gone is not None

    def cancel(self, token: str) -> bool:
        """The patient no longer needs help (False for a token of no open question)."""
        with self._lock:
            for question in self._open.values():
                if secrets.compare_digest(question.token.encode(), token.encode()):
                    del self._open[question.id]
                    self.version += 1
                    return True
            return False

    def open(self) -> list[Question]:
        """The open questions, oldest first."""
        with self._lock:
            self._expire()
            return sorted(self._open.values(), key=lambda q: q.id)

    def now(self) -> float:
        return self._clock()


def init_app(app: Flask) -> None:
    app.extensions["questions"] = Questions()
