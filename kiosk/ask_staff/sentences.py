"""Which sentence a patient asks about: data-sentence="<message id>:<n>" on every sentence of
a leaflet's page (templates/macros.html), resolved by the server against that page's own text.

The message id is a short hash of its English catalog message (msgid), and n its place among
that message's sentences as shown, split by the same splitter as the read-aloud
(kiosk/speech/sentences.py). The server resolves it against the section's own messages (its
clinic text and its "In short"), in the page's language, so a question can only name a
sentence that is on that page. Why not the text itself, or a running number: the text is the
patient's to send and the server's to check, so the server derives it instead of trusting
it; a running number over the section shifts when a block is added, while the msgid's hash
follows its own paragraph and changes only when its English does, which re-renders the page
anyway. The English source is the sentence at the same place in the English message when
both split into as many sentences; otherwise the whole English paragraph, and the staff
screen says so, rather than a wrong sentence.
"""

from __future__ import annotations

import hashlib
import re

from ..content import Section
from ..i18n import SOURCE_LOCALE, localize
from ..speech.sentences import split_sentences
from .questions import Shown

_REF = re.compile(r"(?P<message>[0-9a-f]{12}):(?P<index>[0-9]{1,3})")


def message_id(message: str) -> str:
    """The short hash that names a catalog message in data-sentence (48 bits: no two of a
    section's messages collide)."""
    return hashlib.sha256(message.encode("utf-8")).hexdigest()[:12]


def sentence_ref(message, index: int) -> str | None:
    """data-sentence for the `index`th sentence of `message` (None for a Phrase, which is
    the kiosk's own words, not the leaflet's)."""
    return f"{message_id(message)}:{index}" if isinstance(message, str) else None


def flaggable(section: Section):
    """The messages a patient can ask about a sentence of: the section's text and its "In short"."""
    yield from section.messages()
    if section.summary:
        yield section.summary


def resolve(section: Section, ref: str) -> tuple[Shown, Shown | None, bool] | None:
    """The sentence `ref` names on this section's page, as shown and in English; None if none."""
    match = _REF.fullmatch(ref or "")
    if match is None:
        return None
    index = int(match["index"])
    for message in flaggable(section):
        if message_id(message) != match["message"]:
            continue
        shown = localize(message)
        sentences = split_sentences(shown.text)
        if index >= len(sentences):
            return None
        if shown.lang == SOURCE_LOCALE:
            return Shown(sentences[index], shown.lang), None, False
        english = split_sentences(message)
        if len(english) == len(sentences):
            return Shown(sentences[index], shown.lang), Shown(english[index], SOURCE_LOCALE), False
        return Shown(sentences[index], shown.lang), Shown(message, SOURCE_LOCALE), True
    return None
