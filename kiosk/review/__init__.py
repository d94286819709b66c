"""Review of the kiosk's texts by the clinic (issue 32): a state for every message of the interface
and of each leaflet, in each language, and the sign-off patients see.

records.py  the review files beside the catalogs: verdicts keyed by the text they judged
states.py   a message's state from its catalog entry and its record
signoff.py  a leaflet in a language all approved: by whom, when, and when it is due again

The review screen is the staff screen's (kiosk/staff/review.py). `app_state(app).reviews` is the
one way to read and write them, so that every page that depends on a review (the patient's
mark, the "only reviewed translations" setting) changes with it: `revision` counts the
verdicts, and the page cache keeps a page with the revision it was rendered at.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel import support
from babel.messages.catalog import Catalog
from flask import Flask

from ..i18n import KNOWN_LOCALES, SOURCE_LOCALE, catalog_domains, compiled_messages
from ..i18n.catalogs import INTERFACE, LEAFLET_DOMAIN_PREFIX, catalog_path, leaflet_domain, template_path
from ..i18n.checks import load_catalog
from ..i18n.provenance import FIELD
from ..state import app_state
from . import records
from .records import APPROVED, Key, Provenance, Record, RecordsError, ReviewFile
from .signoff import SignOff, sign_off_of
from .states import MessageReview, State, approver_role, fingerprint, review

log = logging.getLogger(__name__)

# The staff screen warns this many days before a leaflet's next review is due.
DUE_SOON_DAYS = 30


class ReviewRefused(ValueError):
    """A verdict the kiosk will not record; the message says why, for the reviewer."""


class NotYourRole(ReviewRefused):
    """Approval by a role that may not give it (a translator approving the English, say)."""


class StaleText(ReviewRefused):
    """The text changed since the reviewer saw it: their verdict would be on words nobody shows."""


@dataclass(frozen=True)
class OpenComment:
    domain: str
    tag: str
    index: int  # the message's place in its domain, for the review screen's address
    message: MessageReview


class Reviews:
    """The review state of every served domain in every language, read from the files once and
    kept for the app's life: catalogs change only with a release and a restart; the records
    change through `judge`, which writes them and updates what it keeps."""

    def __init__(self, translations: Path, domains: list[str], leaflets, on_change=lambda: None) -> None:
        self.on_change = on_change  # called after every verdict, for what depends on them
        self.translations = Path(translations)
        self.domains = tuple(domains)
        self.leaflets = leaflets
        self.revision = 0  # counts the verdicts recorded by this app: pages depend on them
        self.broken: dict[Path, str] = {}  # review files that could not be read, and why
        self._lock = threading.RLock()
        self._files: dict[tuple[str, str], ReviewFile] = {}
        self._messages: dict[tuple[str, str], list[MessageReview]] = {}
        self._templates: dict[str, object] = {}
        self._filtered: dict[tuple[str, int], support.Translations] = {}

    # Where things are.
    def slug_of(self, domain: str) -> str | None:
        return domain.removeprefix(LEAFLET_DOMAIN_PREFIX) if domain != INTERFACE else None

    def _locale(self, tag: str) -> str | None:
        return None if tag == SOURCE_LOCALE else str(KNOWN_LOCALES[tag])

    def path(self, domain: str, tag: str) -> Path:
        return records.records_path(self.translations, domain, self._locale(tag))

    def _template(self, domain: str):
        if domain not in self._templates:
            path = template_path(self.translations, domain)
            self._templates[domain] = load_catalog(path) if path.exists() else None
        return self._templates[domain]

    def _catalog(self, domain: str, tag: str):
        path = catalog_path(self._locale(tag), self.translations, domain)
        return load_catalog(path) if path.exists() else None

    # Reading.
    def file(self, domain: str, tag: str) -> ReviewFile:
        with self._lock:
            if (domain, tag) not in self._files:
                self._files[domain, tag] = self._read(domain, tag)
            return self._files[domain, tag]

    def _read(self, domain: str, tag: str) -> ReviewFile:
        path = self.path(domain, tag)

        def provenance() -> Provenance:
            # A language's first review file starts from its catalog header's provenance, as it is.
            catalog = self._catalog(domain, tag) if tag != SOURCE_LOCALE else None
            if catalog is None:
                return Provenance()
            fields = {name: value.strip() for name, value in FIELD.findall(catalog.header_comment)}
            return Provenance(fields.get("Translated-By", ""), fields.get("Translation-Date", ""))

        try:
            return records.read(path, domain, self._locale(tag) or SOURCE_LOCALE, provenance)
        except RecordsError as error:
            # Nothing in it counts (every text shows as not reviewed, the honest side) and the
            # screen will not write over it; the staff screen and /healthz name it.
            log.error("ignoring the review file %s: %s", path, error)
            self.broken[path] = str(error)
            return ReviewFile(domain, self._locale(tag) or SOURCE_LOCALE, provenance())

    def unreadable(self) -> dict[Path, str]:
        """Every review file that cannot be used, and why: read again on each call (for /healthz and
        the staff screen), since one is read only when a page or the screen first needs it."""
        found = dict(self.broken)
        for domain in self.domains:
            for tag in KNOWN_LOCALES:
                path = self.path(domain, tag)
                if path in found or not path.exists():
                    continue
                try:
                    ReviewFile.from_text(path.read_text(encoding="utf-8"), str(path))
                except (RecordsError, OSError, UnicodeDecodeError) as error:
                    found[path] = str(error)
        return found

    def messages(self, domain: str, tag: str) -> list[MessageReview]:
        """Every message of `domain` with its state in `tag` (the English source's for "en")."""
        with self._lock:
            if (domain, tag) not in self._messages:
                template = self._template(domain)
                if template is None:
                    self._messages[domain, tag] = []
                else:
                    catalog = None if tag == SOURCE_LOCALE else self._catalog(domain, tag)
                    if catalog is None and tag != SOURCE_LOCALE:
                        catalog = Catalog()  # no catalog yet: every message untranslated
                    self._messages[domain, tag] = review(template, catalog, self.file(domain, tag).records)
            return self._messages[domain, tag]

    def progress(self, domain: str, tag: str) -> dict[State, int]:
        counts = {state: 0 for state in State}
        for message in self.messages(domain, tag):
            counts[message.state] += 1
        return counts

    def comments_for_translators(self, domain: str, tag: str):
        """The reviewers' comments on each message of `domain`, for the translators' PO file
        (kiosk catalog export: kiosk.i18n.exchange's CommentSource): a change asked for on the
        English, then one asked for on this language's text, each with who asked and when."""
        found = {}
        for where, language in (("On the English", SOURCE_LOCALE), ("On this translation", tag)):
            for message in self.messages(domain, language) if language in KNOWN_LOCALES else ():
                if message.comment:
                    record = message.record
                    found.setdefault(message.key, []).append(
                        f"{where}, {record.by} ({record.role}, {record.date}) asked for a change: {record.comment}")

        def comments(message) -> list[str]:
            return found.get((message.context, message.id), [])

        return comments

    def open_comments(self) -> list[OpenComment]:
        """Every change a reviewer asked for on a text that is still shown, source first."""
        found = []
        for domain in self.domains:
            for tag in KNOWN_LOCALES:
                for index, message in enumerate(self.messages(domain, tag)):
                    if message.comment:
                        found.append(OpenComment(domain, tag, index, message))
        return found

    def sign_off(self, slug: str, tag: str, years: int) -> SignOff | None:
        """Who signed off the leaflet `slug` in `tag`, when the English source (a clinician's) and,
        for a translation, every translated message (a medical translator's) are approved; None
        while anything is not."""
        domain = leaflet_domain(slug)
        tags = [SOURCE_LOCALE] if tag == SOURCE_LOCALE else [SOURCE_LOCALE, tag]
        # Every page of the leaflet asks, and most leaflets are not signed off: a file without
        # one approval says so without the catalogs being read (75 ms a language, at the first page).
        if any(not any(r.verdict == APPROVED for r in self.file(domain, t).records.values()) for t in tags):
            return None
        parts = [self.messages(domain, SOURCE_LOCALE)]
        if tag != SOURCE_LOCALE:
            parts.append(self.messages(domain, tag))
        return sign_off_of([m for part in parts for m in part], years)

    def due(self, today: date, years: int) -> list[tuple[str, str, SignOff]]:
        """Each signed-off leaflet × language whose next review is due within DUE_SOON_DAYS, or overdue."""
        found = []
        for slug in self.leaflets:
            for tag in KNOWN_LOCALES:
                done = self.sign_off(slug, tag, years)
                if done is not None and (done.next_due - today).days <= DUE_SOON_DAYS:
                    found.append((slug, tag, done))
        return found

    # The only-reviewed setting.
    def approved_texts(self, tag: str) -> dict:
        """The approved translations of `tag`, as a compiled catalog keys them ("ctx\\x04msgid", or
        (singular, form) for a plural message), the interface's last as in a page's catalog."""
        approved = {}
        for domain in self.domains:
            for message in self.messages(domain, tag):
                if message.state is not State.APPROVED:
                    continue
                if isinstance(message.source, tuple):
                    for form, text in enumerate(message.text):
                        approved[message.source[0], form] = text
                else:
                    key = message.source if message.context is None else f"{message.context}\x04{message.source}"
                    approved[key] = message.text
        return approved

    def only_reviewed(self, translations, tag: str):
        """`translations` without what is not approved as it is compiled: those texts fall back to
        English, marked and spoken as English, as an untranslated one does."""
        with self._lock:
            key = (tag, self.revision)
            if key not in self._filtered:
                approved = self.approved_texts(tag)
                kept = support.Translations()
                kept.merge(translations)
                kept.plural = getattr(translations, "plural", kept.plural)
                catalog = compiled_messages(kept)
                for msgid in [k for k in catalog if k != ""]:
                    if approved.get(msgid) != catalog[msgid]:
                        del catalog[msgid]
                self._filtered = {k: v for k, v in self._filtered.items() if k[1] == self.revision}
                self._filtered[key] = kept
            return self._filtered[key]

    # Writing.
    def judge(self, domain: str, tag: str, key: Key, seen: str, verdict: str, by: str, role: str,
              comment: str = "", today: date | None = None) -> MessageReview:
        """Record a verdict on the message `key` as the reviewer saw it (`seen`, the fingerprint of its text then),
        write its file at once, and return the message in its new state. ReviewRefused says why not."""
        with self._lock:
            message = next((m for m in self.messages(domain, tag) if m.key == key), None)
            if message is None:
                raise ReviewRefused("That message is not in this catalog any more.")
            if message.text is None:
                raise ReviewRefused("This message is not translated yet: there is nothing to review.")
            if verdict == APPROVED:
                needed = approver_role(tag == SOURCE_LOCALE)
                if role != needed:
                    raise NotYourRole(f"Only a {needed} can approve {'the English text' if tag == SOURCE_LOCALE else 'a translation'}.")
                if message.fuzzy:
                    raise ReviewRefused("A fuzzy translation must be confirmed in its catalog before it can be approved.")
            elif not comment.strip():
                raise ReviewRefused("Say what should change.")
            if fingerprint(message.text) != seen:
                raise StaleText("The text changed since this page was shown; review it again as it is now.")
            path = self.path(domain, tag)
            if path in self.broken:
                raise ReviewRefused(f"The review file {path} could not be read, so it is not written over: tell IT.")
            reviews = self.file(domain, tag)
            record = Record(message.context, message.source, message.text, verdict, by, role,
                            (today or date.today()).isoformat(), comment.strip())
            updated = ReviewFile(reviews.domain, reviews.language, reviews.provenance,
                                 {**reviews.records, record.key: record})
            try:
                records.write(path, updated)
            except OSError as error:
                raise ReviewRefused(f"The review could not be saved ({error.strerror}: {path}). Tell IT.") from error
            self._files[domain, tag] = updated
            self._messages.pop((domain, tag), None)
            self.revision += 1
            self.on_change()
            return next(m for m in self.messages(domain, tag) if m.key == key)


def init_app(app: Flask) -> None:
    """The reviews of the app's catalogs (after the leaflets are loaded)."""
    translations = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
    state = app_state(app)
    # What a page keeps per language about its catalog (is the interface all translated?) must
    # follow the verdicts, as the only-reviewed setting hides what is not approved.
    state.reviews = Reviews(Path(translations), catalog_domains(app), state.leaflets,
                            on_change=state.interface_incomplete.clear)
