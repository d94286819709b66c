"""The counts as staff read them, a section at a time: "Spanish, section 3: 9 of 20 needed
the replay", and the sentence most asked about. This is where a clinic learns what to
rewrite (PIF TICK criteria 8 and 10). The staff screen shows every line; the review screen,
one leaflet in one language, can show each section's own (`summaries(tally, [leaflet])`, then
`SectionSummary.language(lang)`).

Every figure below SMALL is said as "fewer than 5", so a count of one or two cannot be laid
beside what staff saw in the waiting room that day. Counts of a leaflet or section the
kiosk no longer serves are left out: there is nothing left to rewrite.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import force_locale

from ..ask_staff.questions import Shown
from ..ask_staff.sentences import resolve
from ..content import Leaflet, Section
from ..i18n import KNOWN_LOCALES
from .tally import Count, Event, Tally

SMALL = 5


def figure(n: int) -> str:
    """A count as staff see it: "fewer than 5" below SMALL."""
    return f"fewer than {SMALL}" if n < SMALL else str(n)


@dataclass(frozen=True)
class MostAsked:
    """The sentence of a section most asked about in one language, as the patient saw it."""

    lang: str
    count: int
    shown: Shown | None  # None: the sentence is no longer in the section (its text changed)
    english: Shown | None  # the English sentence; the whole English paragraph when `whole`
    whole: bool


@dataclass(frozen=True)
class LanguageLines:
    """One language's lines for one section: the review screen, which shows one leaflet in
    one language, takes these."""

    lang: str
    teach_back: tuple[str, ...]  # "Spanish, section 3: 9 of 20 needed the replay", …
    # "Spanish, section 3: 7 questions to staff; most asked about, 7 times:", and the sentence
    # apart, so a page can mark it with its language (WCAG 3.1.2) where `lines` cannot.
    asked_lead: str | None
    most_asked: MostAsked | None

    @property
    def lines(self) -> tuple[str, ...]:
        """Every line as plain text, the sentence most asked about in its line."""
        if self.most_asked is None:
            return self.teach_back
        return (*self.teach_back, f"{self.asked_lead} {said(self.most_asked)}")


@dataclass(frozen=True)
class SectionSummary:
    leaflet: Leaflet
    number: int  # counted from 1, as the patient's page says "Section 3 of 5"
    section: Section
    languages: tuple[LanguageLines, ...]  # in the chooser's order, each with a count

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(line for language in self.languages for line in language.lines)

    @property
    def most_asked(self) -> tuple[MostAsked, ...]:
        return tuple(language.most_asked for language in self.languages if language.most_asked)

    def language(self, lang: str) -> LanguageLines | None:
        """The lines of one language (None: nothing counted in it)."""
        return next((language for language in self.languages if language.lang == lang), None)


def language_name(tag: str) -> str:
    return KNOWN_LOCALES[tag].english_name


def teach_back_lines(where: str, by_event: Mapping[Event, int]) -> list[str]:
    """What a language's answers to a section's question say. Everyone who missed once was
    shown and read the answer, so "needed the replay" counts those offered staff too."""
    first = by_event.get(Event.RIGHT_FIRST, 0)
    replay = by_event.get(Event.RIGHT_AFTER_REPLAY, 0)
    staff = by_event.get(Event.STAFF_OFFERED, 0)
    total = first + replay + staff
    if total == 0:
        return []
    if total < SMALL:
        # Any split of fewer than 5 is fewer than 5 again: the total alone says as much.
        return [f"{where}: {figure(total)} answered the question"]
    return [
        f"{where}: {figure(replay + staff)} of {total} needed the replay",
        f"{where}: {figure(staff)} of {total} were offered staff after a second miss",
    ]


def most_asked(section: Section, lang: str, asked: Mapping[str, int]) -> MostAsked | None:
    """The sentence asked about most often (the first in the section on a tie)."""
    if not asked:
        return None
    order = {ref: n for n, ref in enumerate(sorted(asked))}
    ref = max(asked, key=lambda r: (asked[r], -order[r]))
    with force_locale(str(KNOWN_LOCALES[lang])):
        found = resolve(section, ref)
    if found is None:
        return MostAsked(lang, asked[ref], None, None, False)
    shown, english, whole = found
    return MostAsked(lang, asked[ref], shown, english, whole)


def said(top: MostAsked) -> str:
    """The sentence most asked about, as plain text, with its English."""
    text = f"“{top.shown.text}”" if top.shown else CHANGED
    if top.english is not None:
        text += f" ({in_english(top)}: “{top.english.text}”)"
    return text


CHANGED = "a sentence whose text has changed since"


def in_english(top: MostAsked) -> str:
    return f"in English{', the whole paragraph' if top.whole else ''}"


def summaries(tally: Tally, leaflets: Iterable[Leaflet], since: date | None = None) -> list[SectionSummary]:
    """Each section with any count, in the leaflets' and sections' order, its languages in
    the chooser's order."""
    grouped: dict[tuple[str, str, str], list[Count]] = defaultdict(list)
    for count in tally.counts(since):
        grouped[count.leaflet, count.section, count.lang].append(count)
    result = []
    for leaflet in leaflets:
        for number, section in enumerate(leaflet.sections, 1):
            languages = tuple(
                language_lines(section, number, lang, counts)
                for lang in KNOWN_LOCALES if (counts := grouped.get((leaflet.slug, section.slug, lang)))
            )
            if languages:
                result.append(SectionSummary(leaflet, number, section, languages))
    return result


def language_lines(section: Section, number: int, lang: str, counts: list[Count]) -> LanguageLines:
    where = f"{language_name(lang)}, section {number}"
    lines = teach_back_lines(where, {c.event: c.count for c in counts if c.event is not Event.ASKED})
    asked = {c.sentence: c.count for c in counts if c.event is Event.ASKED}
    top = most_asked(section, lang, asked)
    lead = None
    if top is not None:
        lead = f"{where}: {figure(sum(asked.values()))} questions to staff; most asked about, {figure(top.count)} times:"
    return LanguageLines(lang, tuple(lines), lead, top)
