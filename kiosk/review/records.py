"""Review records: who approved a message, or asked for a change, and the exact text they saw.

Kept beside the catalogs, one file per domain and language, so they travel with the content in
git and into an export (issue 32):

    translations/<domain>.review.json                        the English source (a clinician's)
    translations/<locale>/LC_MESSAGES/<domain>.review.json   one language (a medical translator's)

A record is keyed by its message (context and msgid) and holds the text it judged: the
translation (or, for the source, the English itself). A verdict counts only while that text is
still the catalog's, so an edited or imported translation, or a changed English source, voids
its approval by itself, with nobody having to remember to undo it. One record per message: a
later verdict replaces the earlier one.

JSON, one record after another in a fixed order, each field on a line of its own, so a review
shows in `git diff` as the lines of the messages it touched.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from ..files import write_atomically

FORMAT = 1
SUFFIX = ".review.json"

CLINICIAN = "clinician"
TRANSLATOR = "medical translator"
# Comments only: an independent plain-language read, a nurse, a patient representative.
COMMENTER = "reviewer (comments only)"
ROLES = (CLINICIAN, TRANSLATOR, COMMENTER)

APPROVED = "approved"
CHANGE_REQUESTED = "change requested"
VERDICTS = (APPROVED, CHANGE_REQUESTED)

# A message's id: (msgctxt or None, msgid); a plural message's msgid is its (singular, plural).
Key = tuple[str | None, str | tuple[str, ...]]


class RecordsError(ValueError):
    """A review file that cannot be used: hand-edited wrongly, or half-copied."""


@dataclass(frozen=True)
class Record:
    context: str | None
    source: str | tuple[str, ...]
    text: str | tuple[str, ...]  # the text judged: the translation, or the English source itself
    verdict: str
    by: str
    role: str
    date: str  # ISO, the day of the verdict
    comment: str = ""

    @property
    def key(self) -> Key:
        return self.context, self.source

    @property
    def day(self) -> date:
        return date.fromisoformat(self.date)

    def as_json(self) -> dict:
        data = asdict(self)
        for name in ("source", "text"):
            if isinstance(data[name], tuple):
                data[name] = list(data[name])
        if not data["comment"]:
            del data["comment"]
        return data

    @classmethod
    def from_json(cls, data) -> Record:
        if not isinstance(data, dict):
            raise RecordsError("a record is not a JSON object")
        try:
            record = cls(
                context=data.get("context"), source=_text(data["source"]), text=_text(data["text"]),
                verdict=data["verdict"], by=data["by"], role=data["role"], date=data["date"],
                comment=data.get("comment", ""),
            )
        except KeyError as missing:
            raise RecordsError(f"a record has no {missing}") from None
        if record.verdict not in VERDICTS:
            raise RecordsError(f"unknown verdict {record.verdict!r}")
        if record.role not in ROLES:
            raise RecordsError(f"unknown role {record.role!r}")
        try:
            record.day
        except (TypeError, ValueError):
            raise RecordsError(f"{record.date!r} is not a date (YYYY-MM-DD)") from None
        return record


def _text(value) -> str | tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, str):
        return value
    raise RecordsError(f"{value!r} is not a text")


@dataclass(frozen=True)
class Provenance:
    """Who made the text, as the catalog's header said when the review file was started: the
    shipped translations are a machine's, not reviewed (kept as they were, issue 32)."""

    translated_by: str = ""
    translation_date: str = ""


@dataclass
class ReviewFile:
    domain: str
    language: str  # a locale identifier (zh_Hans), or "en" for the source
    provenance: Provenance = field(default_factory=Provenance)
    records: dict[Key, Record] = field(default_factory=dict)

    def to_text(self) -> str:
        ordered = sorted(self.records.values(), key=lambda r: (r.context or "", _sort_text(r.source)))
        data = {
            "format": FORMAT,
            "domain": self.domain,
            "language": self.language,
            "provenance": asdict(self.provenance),
            "records": [r.as_json() for r in ordered],
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

    @classmethod
    def from_text(cls, text: str, where: str) -> ReviewFile:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise RecordsError(f"not a review file of format {FORMAT}")
            records = [Record.from_json(r) for r in data.get("records", [])]
            provenance = Provenance(**data.get("provenance", {}))
            return cls(data["domain"], data["language"], provenance, {r.key: r for r in records})
        except (json.JSONDecodeError, RecordsError, KeyError, TypeError) as error:
            raise RecordsError(f"{where}: {error}") from error


def _sort_text(text) -> str:
    return text if isinstance(text, str) else "\x00".join(text)


def records_path(translations: Path, domain: str, locale: str | None) -> Path:
    """Where the review file of `domain` in `locale` lives (the source's for None)."""
    if locale is None:
        return Path(translations) / f"{domain}{SUFFIX}"
    return Path(translations) / str(locale) / "LC_MESSAGES" / f"{domain}{SUFFIX}"


def read(path: Path, domain: str, language: str, provenance=Provenance) -> ReviewFile:
    """The review file at `path`, or a new one (nothing reviewed, with the `provenance()` it is
    called for only then: reading it from a catalog's header is the slow part) when there is none."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return ReviewFile(domain, language, provenance())
    return ReviewFile.from_text(text, str(path))


def write(path: Path, reviews: ReviewFile) -> None:
    """Replace the file at once (a crash never leaves half of one); readable by the release's
    other users, as the catalogs beside it are."""
    write_atomically(path, reviews.to_text().encode("utf-8"), mode=0o644)
