"""Split a text into sentences, each spoken as one clip.

Babel has no sentence segmentation and ICU is a heavy native dependency for
this one job, so this is a small rule set, tested per shipped language:
a sentence ends at . ! ? … (Latin, Cyrillic, Arabic script), 。！？ (Chinese,
full width, no space after), ؟ (Arabic and Urdu question mark), ۔ (Urdu full
stop) and । ॥ (Devanagari danda), with any closing quotes or brackets.
"""

from __future__ import annotations

import re

# Terminators that need a following space (or the end) to end a sentence, so
# "3.5" and "www.example" stay whole.
_SPACED = ".!?…؟۔।॥"
# Terminators that end a sentence even with no space after (CJK full width).
_UNSPACED = "。！？"
_CLOSERS = "\"'”’»)）」』]"

_BOUNDARY = re.compile(
    rf"(?:(?<=[{re.escape(_SPACED)}])[{re.escape(_CLOSERS)}]*\s+)"
    rf"|(?:(?<=[{re.escape(_UNSPACED)}])[{re.escape(_CLOSERS)}]*\s*)"
)

# Abbreviations that end in a full stop but do not end a sentence.
_ABBREVIATIONS = re.compile(r"(?:^|\s)(?:e\.g|i\.e|etc|Dr|Mr|Mrs|Ms|p\. ej|z\.B|p\.ex|ex|approx)\.$", re.IGNORECASE)


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` in order, whitespace trimmed, none empty."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start()
        # Keep closers with the sentence they close.
        piece = text[start:match.end()].strip()
        if _ABBREVIATIONS.search(text[start:end]):
            continue
        if piece:
            sentences.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
