"""Help to understand, on a section's page: its hard words marked where they stand,
with what the word dialog shows and says, and the teach-back question.

The content (terms, summaries, questions) is kiosk/content's; this module only
shapes it for the templates. A mark sits inside its sentence's <span>, so the
sentence's clip and words stay exactly the sentence (kiosk/patient/read_aloud.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from ..content import Leaflet, Section, Term, glossary, teach_back
from ..i18n import SOURCE_LOCALE
from .phrases import Phrase, english, phrase, voiced
from .read_aloud import Sentence, spoken


@dataclass(frozen=True)
class Piece:
    """A run of one sentence's text: a marked term (`term`) or plain text (None)."""

    text: str
    term: Term | None = None


def english_headword(term: Term) -> str:
    first = glossary.split_forms(term.term)[0]
    return first[:1].upper() + first[1:]


def mark_phrase(term: Term, shown: str, lang: str) -> Phrase:
    """A hard word as the guide says it: the words as they stand where it is shown
    ("puntos gatillo" in a sentence, not the headword "Punto gatillo"), so a patient
    who listens hears what is shown; without a voice for `lang`, the English headword."""
    return Phrase(shown, lang, voiced(shown, lang, english_headword(term)))


def word_phrase(term: Term) -> Phrase:
    """The term as the word list shows it: its headword, said as `mark_phrase` says a mark."""
    shown = glossary.headword(term)
    return mark_phrase(term, shown.text, shown.lang)


def marks(section: Section, words: glossary.SectionWords) -> dict[str, list[glossary.Occurrence]]:
    """The occurrences to mark, by message: each term once a section, where it first
    stands in a paragraph, lead-in or list item. Headings are left plain (a control
    inside a heading, the guide's stop for the whole heading, would be a stop in a
    stop), and every further use of a word it already marked would only be clutter:
    "Words in this section" reaches every term anyway."""
    headings = {section.heading} | {b.text for b in section.blocks if b.kind == "heading"}
    marked, done = {}, set()
    for occurrence in words.occurrences:
        if occurrence.message in headings or occurrence.term in done:
            continue
        done.add(occurrence.term)
        marked.setdefault(occurrence.message, []).append(occurrence)
    return marked


def marked_sentences(text, occurrences) -> list[tuple[Sentence, list[Piece]]]:
    """The sentences of a shown text with their clips (read_aloud.spoken), each cut
    into pieces at the marked terms. A term that would straddle two sentences (no
    shipped translation has one) is left unmarked rather than split."""
    result, position = [], 0
    for sentence in spoken(text):
        start = text.text.index(sentence.text, position)
        end = position = start + len(sentence.text)
        pieces, at = [], start
        for o in sorted(occurrences, key=lambda o: o.start):
            if o.start >= at and o.end <= end:
                if o.start > at:
                    pieces.append(Piece(text.text[at:o.start]))
                pieces.append(Piece(text.text[o.start:o.end], o.term))
                at = o.end
        if at < end:
            pieces.append(Piece(text.text[at:end]))
        result.append((sentence, pieces))
    return result


@dataclass(frozen=True)
class SectionHelp:
    words: glossary.SectionWords
    marks: dict[str, list[glossary.Occurrence]]
    question: teach_back.TeachBackQuestion | None


def section_help(leaflet: Leaflet, section: Section) -> SectionHelp:
    words = glossary.section_words(leaflet, section)
    return SectionHelp(words, marks(section, words), teach_back.question(section, leaflet.teach_back_intro))


def word_dialog_data(terms) -> dict:
    """What the word dialog shows and says for each term, by id (static/understand.js):
    the word and its definition in the page's language, and in English for
    "Hear it in English too" (None on an English page, or where the page shows English)."""
    data = {}
    for term in terms:
        word, meaning = word_phrase(term), phrase(term.definition)
        in_english = None
        if word.lang != SOURCE_LOCALE or meaning.lang != SOURCE_LOCALE:
            in_english = {
                "word": english(english_headword(term)).as_json(),
                "definition": english(term.definition).as_json(),
            }
        data[term.id] = {"word": word.as_json(), "definition": meaning.as_json(), "english": in_english}
    return data


def init_app(app: Flask) -> None:
    @app.context_processor
    def understanding_context():
        return {
            "section_help": section_help,
            "marked_sentences": marked_sentences,
            "word_phrase": word_phrase,
            "mark_phrase": mark_phrase,
            "word_dialog_data": word_dialog_data,
        }
