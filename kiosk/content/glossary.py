"""Hard words: where each of a leaflet's terms stands in a section's shown text,
in the language it is shown in, for the UI to mark and explain it.

A term's forms in a language are one catalog message (msgctxt TERM_CONTEXT):
the translator copies the word as it appears in their own translation of the
paragraphs, the form for the word list first, other forms after " | ". Which
terms a section uses is decided on the English text, so the list of a section's
words ("Words in this section") is the same in every language: a term whose
translation does not appear word for word (the abbreviation "TPI", dropped by
most translations) is not marked in the text, but the list still reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import SOURCE_LOCALE, Text, localize
from . import TERM_CONTEXT, Leaflet, Section, Term

FORM_SEPARATOR = "|"


@dataclass(frozen=True)
class Occurrence:
    """One place where a term stands in the shown text of one message."""

    term: Term
    message: str  # the msgid of the heading, paragraph, lead-in or list item
    start: int  # character offsets in that message's shown text (translated, or the English fallback)
    end: int


@dataclass(frozen=True)
class SectionWords:
    """The hard words of one section in the request's language."""

    terms: tuple[Term, ...]  # every term the section uses, in order of first use ("Words in this section")
    occurrences: tuple[Occurrence, ...]  # where they stand in the shown text, in reading order


def split_forms(text: str) -> tuple[str, ...]:
    return tuple(form.strip() for form in text.split(FORM_SEPARATOR) if form.strip())


def forms(term: Term) -> tuple[Text, ...]:
    """The term's forms in the request's language (English when not translated), headword first."""
    text = localize(term.term, TERM_CONTEXT)
    return tuple(Text(form, text.lang) for form in split_forms(text.text))


def headword(term: Term) -> Text:
    """The term as the word list shows it: its first form, with a capital where the script has one."""
    first = forms(term)[0]
    return Text(first.text[:1].upper() + first.text[1:], first.lang)


def definition(term: Term) -> Text:
    return localize(term.definition)


# Letters of the scripts that put spaces between words (Latin, Greek, Cyrillic): a form
# found inside a longer word of these runs on to the word's end ("trigger point" in
# "Trigger points"), so the mark never stops before a plural's "s". Other scripts stop
# where the form does: Chinese has no spaces to find a word's end by, and an Arabic or
# Korean form given by the translator already holds what attaches to it.
WORD_GOES_ON = re.compile(r"[A-Za-z\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF]+")


def word_end(text: str, end: int) -> int:
    """Where the word that a form ends inside of ends (`end` itself when the form ends a word)."""
    if end == 0 or not WORD_GOES_ON.fullmatch(text[end - 1]):
        return end
    more = WORD_GOES_ON.match(text, end)
    return more.end() if more else end


def find(text: str, forms_of: dict[Term, tuple[str, ...]]) -> list[tuple[Term, int, int]]:
    """Where the terms stand in `text`: (term, start, end), in order, never overlapping.

    Any case, and no word boundaries at the start: the translator gives each form as
    it stands in the text, and a boundary rule would fail on scripts without spaces
    (Chinese) and on attached particles (Korean, Arabic). At the end, a form inside a
    longer word of a spaced script runs on to the word's end (`word_end`). Where
    matches overlap, the longest wins, so "myofascial pain syndrome" is one term,
    not "myofascial" inside it.
    """
    candidates = []
    for term, term_forms in forms_of.items():
        for form in term_forms:
            for match in re.finditer(re.escape(form), text, re.IGNORECASE):
                end = word_end(text, match.end())
                candidates.append((match.start(), -(end - match.start()), term))
    found, reached = [], 0
    for start, length, term in sorted(candidates, key=lambda c: (c[0], c[1])):
        if start >= reached:
            found.append((term, start, start - length))
            reached = start - length
    return found


def english_forms(leaflet: Leaflet) -> dict[Term, tuple[str, ...]]:
    return {term: split_forms(term.term) for term in leaflet.terms}


def terms_used(leaflet: Leaflet, section: Section) -> tuple[Term, ...]:
    """The terms a section's English text uses, in order of first use."""
    used: list[Term] = []
    english = english_forms(leaflet)
    for message in section.messages():
        for term, _, _ in find(message, english):
            if term not in used:
                used.append(term)
    return tuple(used)


def section_words(leaflet: Leaflet, section: Section) -> SectionWords:
    """The section's terms and where they stand in its text, as the request's language shows it.

    A message shown in English (its translation is missing) is searched with the
    English forms, so a fallback paragraph is marked as honestly as a translated one.
    """
    terms = terms_used(leaflet, section)
    english = english_forms(leaflet)
    # A term whose form is not translated has only English forms, which are looked
    # for in English text only: in translated text it is listed, not marked.
    translated = {t: tuple(f.text for f in forms(t) if f.lang != SOURCE_LOCALE) for t in terms}
    occurrences = []
    for message in section.messages():
        shown = localize(message)
        forms_of = english if shown.lang == SOURCE_LOCALE else {t: f for t, f in translated.items() if f}
        occurrences += [
            Occurrence(t, message, start, end) for t, start, end in find(shown.text, forms_of) if t in terms
        ]
    return SectionWords(terms, tuple(occurrences))
