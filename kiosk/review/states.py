"""A message's review state, worked out from its catalog entry and its review record.

The four states of translation platforms (Weblate, Crowdin): untranslated; needs editing (fuzzy,
or a reviewer asked for a change); waiting for review; approved. Nothing is stored about the
state itself: it follows from the text the catalog has now and the text a record judged, so
it can never disagree with the catalog (records.py says why).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from enum import Enum

from babel.messages.catalog import Catalog, Message

from .records import APPROVED, CLINICIAN, TRANSLATOR, Key, Record


class State(Enum):
    UNTRANSLATED = "untranslated"
    NEEDS_EDITING = "needs editing"
    WAITING = "waiting for review"
    APPROVED = "approved"


# Where a leaflet message is used, as its template's comment says it: "(<slug> / <section>)".
WHERE = re.compile(r"\(([a-z0-9-]+) / ([a-z0-9-]+)\)\s*$")


@dataclass(frozen=True)
class MessageReview:
    """One message of a domain in one language, for review."""

    context: str | None
    source: str | tuple[str, ...]  # the English msgid (singular, plural for a plural message)
    text: str | tuple[str, ...] | None  # what the kiosk shows in this language; the English for the source
    fuzzy: bool
    notes: tuple[str, ...]  # the template's comments: where it is used, what it is for
    state: State
    record: Record | None  # the verdict on `text` (None when there is none, or it was on another text)
    stale_record: Record | None  # a verdict on an earlier text, voided by the change

    @property
    def key(self) -> Key:
        return self.context, self.source

    @property
    def english(self) -> str:
        return self.source if isinstance(self.source, str) else self.source[0]

    @property
    def shown(self) -> str | None:
        if self.text is None:
            return None
        return self.text if isinstance(self.text, str) else self.text[0]

    @property
    def comment(self) -> str:
        """The open comment of a reviewer who asked for a change to this very text."""
        return self.record.comment if self.record and self.state is State.NEEDS_EDITING else ""

    @property
    def section(self) -> str | None:
        """The leaflet section it is used in, from its comment; None for the whole leaflet or the interface."""
        match = WHERE.search(" ".join(self.notes))
        return match.group(2) if match else None


def fingerprint(text) -> str:
    """A short, stable name of a text, for a form to say which text its reviewer saw."""
    data = json.dumps(text if isinstance(text, str) else list(text), ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def approver_role(source_language: bool) -> str:
    """Who may approve: a clinician the English source and the kiosk's plain-language help, a
    medical translator a translation (issue 32)."""
    return CLINICIAN if source_language else TRANSLATOR


def _entry_text(entry: Message | None) -> str | tuple[str, ...] | None:
    if entry is None:
        return None
    if isinstance(entry.string, (tuple, list)):
        return tuple(entry.string) if all(entry.string) else None
    return entry.string or None


def state_of(text, fuzzy: bool, record: Record | None) -> State:
    """The state of a message whose text is `text` (None: untranslated), and the record on its key."""
    if text is None:
        return State.UNTRANSLATED
    if fuzzy:
        return State.NEEDS_EDITING
    if record is None or record.text != text:
        return State.WAITING  # never judged, or judged on another text: the verdict lapsed
    return State.APPROVED if record.verdict == APPROVED else State.NEEDS_EDITING


def review(template: Catalog, catalog: Catalog | None, records: dict[Key, Record]) -> list[MessageReview]:
    """Every message of `template` in the template's order, with its state in `catalog` (a
    language's .po; None for the English source, whose text is its msgid)."""
    reviews = []
    for message in template:
        if not message.id:
            continue  # the header
        source = tuple(message.id) if isinstance(message.id, (tuple, list)) else message.id
        if catalog is None:
            text, fuzzy = source, False
        else:
            entry = catalog.get(message.id, context=message.context)
            text, fuzzy = _entry_text(entry), bool(entry is not None and entry.fuzzy)
        record = records.get((message.context, source))
        state = state_of(text, fuzzy, record)
        current = record if record is not None and record.text == text else None
        reviews.append(MessageReview(
            context=message.context, source=source, text=text, fuzzy=fuzzy,
            notes=tuple(message.auto_comments), state=state, record=current,
            stale_record=record if current is None else None,
        ))
    return reviews
