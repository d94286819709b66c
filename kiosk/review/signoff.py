"""A leaflet in a language whose every message is approved: who signed it off, and when its next
review is due (NHS-style review dates: 3 years after, or as the clinic sets it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .records import CLINICIAN
from .states import MessageReview, State

DEFAULT_REVIEW_YEARS = 3


@dataclass(frozen=True)
class Reviewer:
    name: str
    role: str
    day: date  # their latest approval in it


@dataclass(frozen=True)
class SignOff:
    reviewers: tuple[Reviewer, ...]  # each person once, clinicians first
    reviewed_on: date  # the oldest approval: the whole is only as recent as its oldest part
    next_due: date


def years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


def sign_off_of(messages: list[MessageReview], years: int = DEFAULT_REVIEW_YEARS) -> SignOff | None:
    """The sign-off of `messages` when every one is approved, else None (and None for none)."""
    if not messages or any(m.state is not State.APPROVED for m in messages):
        return None
    latest: dict[tuple[str, str], date] = {}
    for message in messages:
        who = (message.record.by, message.record.role)
        latest[who] = max(latest.get(who, message.record.day), message.record.day)
    reviewers = sorted((Reviewer(name, role, day) for (name, role), day in latest.items()),
                       key=lambda r: (r.role != CLINICIAN, r.name))
    oldest = min(m.record.day for m in messages)
    return SignOff(tuple(reviewers), oldest, years_after(oldest, years))
