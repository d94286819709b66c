"""Hearing a pronunciation entry before it is kept: the clips it would make, made now.

Issue 28: an entry was "Saved" although the voice could not make the clips it changed, and
the patient's clip then answered 503 every time. So the preview and Save make the very clips
the kiosk would make with the entry (the same keys: clips.clip_key), the word alone and the
leaflet sentences it changes, and report any that fails, with its sentence; Save refuses then.
Nothing is wasted: a clip made here is the one the background render would have made.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, url_for

from ..jobs.crawl import ensure_registered
from ..speech import SpeechBusy, SpeechUnavailable
from ..speech.engine import LexiconEntry
from ..speech.lexicon import Lexicon
from ..state import app_state

# Leaflet sentences offered to listen to: enough to hear the word in context, few enough to be quick.
SHOWN = 4
# Sentences whose clip is made to check the entry, besides the word itself: the shown ones and
# then the longest (a long sentence is where a long respelling goes wrong). A few seconds with
# eSpeak NG at most (bench/bench_lexicon_preview.py); a word in more sentences is checked on these.
CHECKED = 12
# New or changed entries an import tries (each as Save would): a file with more is refused rather
# than keep staff waiting for minutes (each entry makes up to CHECKED + 1 clips).
IMPORT_CHECKED = 10


@dataclass(frozen=True)
class Row:
    text: str
    before: str | None  # preview clip URLs (staff only)
    after: str | None
    shown: bool  # listed for listening, or only checked
    broken: str | None = None  # why the clip could not be made with the entry


@dataclass(frozen=True)
class Trial:
    entry: LexiconEntry
    rows: tuple[Row, ...] = ()
    busy: bool = False  # the voice was too busy to make every clip now: nothing could be checked
    voiced: bool = True  # False: no voice speaks the language, so there is nothing to make

    @property
    def shown(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.shown or row.broken)

    @property
    def broken(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.broken)

    @property
    def sentences(self) -> int:
        """How many leaflet sentences are listed (the word's own row is not one)."""
        return max(0, len(self.shown) - 1)

    @property
    def ok(self) -> bool:
        return not self.busy and not self.broken


def try_entry(app: Flask, lang: str, new: LexiconEntry, changed: Lexicon) -> Trial:
    """Make the clips of `new` in `lang` (said with `changed`, the lexicon it would make): the
    word, and up to CHECKED of the sentences it changes; report each that cannot be made."""
    speech = app_state(app).speech
    if not speech.enabled or speech.voice_for(lang) is None:
        return Trial(new, voiced=False)
    ensure_registered(app)
    single = Lexicon.of([new])
    sentences = list(dict.fromkeys(text for text in speech.texts(lang) if text != new.grapheme and single.matching(text)))
    shown = sentences[:SHOWN]
    checked = sorted(sentences[SHOWN:], key=len, reverse=True)[: CHECKED - len(shown)]
    rows = []
    for text, listed in [(new.grapheme, True), *((t, True) for t in shown), *((t, False) for t in checked)]:
        before, after = speech.preview(text, lang), speech.preview(text, lang, changed)
        try:
            speech.preview_path(after)
            broken = None
        except SpeechBusy:
            return Trial(new, busy=True)
        except SpeechUnavailable as error:
            broken = str(error)
        rows.append(Row(text, url_for("lexicon.preview_clip", key=before), url_for("lexicon.preview_clip", key=after),
                        listed, broken))
    return Trial(new, tuple(rows))


def try_entries(app: Flask, lang: str, entries: list[LexiconEntry], changed: Lexicon) -> list[Trial]:
    """Try each of `entries` as Save would (try_entry), all said with `changed`: a PLS import.
    Stops at the first the voice is too busy for (that trial, busy, comes last)."""
    trials = []
    for entry in entries:
        trials.append(try_entry(app, lang, entry, changed))
        if trials[-1].busy:
            break
    return trials
