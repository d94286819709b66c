"""Teach-back: a section's question, its answers in the request's language, and
the sentence of the section that holds the answer, found in the shown text.

The answer's place is found again in each language, because a translation may
split a paragraph into another number of sentences than the English (the Korean
first paragraph has five where the English has four): the catalog message in
ANSWER_CONTEXT is the answer sentence as the translator wrote it in their own
paragraph, and it is looked up among the sentences the page shows and reads
aloud (kiosk/speech/sentences.py, the same split as kiosk/patient/read_aloud.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import Text, localize
from ..speech.sentences import split_sentences
from . import ANSWER_CONTEXT, Section


@dataclass(frozen=True)
class AnswerPlace:
    """Where the answer stands in the section as shown, for the UI to scroll to it and play it."""

    message: str  # the msgid of the heading, paragraph, lead-in or list item that holds it
    sentence: int  # its index among that message's shown sentences
    # Its index among all the section text's sentences in reading order, heading
    # first: the page's n-th <span class="sentence"> of the section's own text.
    position: int
    text: Text


@dataclass(frozen=True)
class TeachBackQuestion:
    intro: Text | None  # "We want to be sure we explained this well…"
    question: Text
    answers: tuple[Text, ...]
    right: int
    answer_place: AnswerPlace | None  # None only when the answer sentence is not translated yet


def answer_place(section: Section) -> AnswerPlace | None:
    """The shown sentence that holds the answer to the section's question.

    None when the translation of the answer sentence is missing (or stale) while
    its paragraph is translated: the UI then offers no "show me" rather than the
    wrong sentence.
    """
    if section.teach_back is None:
        return None
    wanted = localize(section.teach_back.answer_sentence, ANSWER_CONTEXT)
    position = 0
    for message in section.messages():
        shown = localize(message)
        sentences = split_sentences(shown.text)
        if shown.lang == wanted.lang and wanted.text in sentences:
            index = sentences.index(wanted.text)
            return AnswerPlace(message, index, position + index, Text(wanted.text, shown.lang))
        position += len(sentences)
    return None


def question(section: Section, intro: str | None = None) -> TeachBackQuestion | None:
    """The section's teach-back question in the request's language (None if it has none)."""
    check = section.teach_back
    if check is None:
        return None
    return TeachBackQuestion(
        localize(intro) if intro else None,
        localize(check.question),
        tuple(localize(answer) for answer in check.answers),
        check.right,
        answer_place(section),
    )
