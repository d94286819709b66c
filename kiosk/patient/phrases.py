"""The audio guide's words: every label, hint, notice and help text on a page,
each with the clips that speak it.

The guide speaks through the same speech layer, cache and player as the
leaflet (one clip per text, content-addressed), never a second mechanism.
A text is spoken in the language it is shown in. Where that language has no
voice (Filipino), the English source is spoken by the English voice instead
and marked as English, so no text is ever read by another language's voice.
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale
from flask import Flask, current_app, url_for
from markupsafe import Markup
from flask.json import dumps as json_dumps
from jinja2.utils import htmlsafe_json_dumps

from ..i18n import SOURCE_LOCALE, current_tag, localize, localize_plural, native_name, tag_of
from ..state import app_state

# One spoken part: (clip URL, language it is spoken in, the words).
Part = tuple[str, str, str]


@dataclass(frozen=True)
class Phrase:
    """A text as shown (in `lang`) and the clips that speak it, in order."""

    text: str
    lang: str
    parts: tuple[Part, ...] = ()

    def __str__(self) -> str:
        return self.text

    def __add__(self, other: "Phrase") -> "Phrase":
        """Said one after the other ("You are on section 2 of 3:" + its heading)."""
        # Never the same clip twice: on a page without a voice, a label and the
        # English beside it both fall back to the same English words.
        extra = tuple(part for part in other.parts if part not in self.parts)
        return Phrase(f"{self.text} {other.text}", self.lang, self.parts + extra)

    @property
    def say(self) -> Markup:
        """The data-say attribute the guide reads (nothing when it cannot be spoken)."""
        if not self.parts:
            return Markup("")
        # htmlsafe_json_dumps escapes ' < > &, so single quotes can delimit it.
        return Markup(" data-say='%s'") % htmlsafe_json_dumps(self.parts, dumps=json_dumps)

    def as_json(self) -> dict:
        return {"text": self.text, "lang": self.lang, "say": self.parts}


def voiced(text: str, lang: str, english: str | None) -> tuple[Part, ...]:
    """The clip of `text` in `lang`; without a voice for `lang`, the English
    source in the English voice; with no voice at all, nothing."""
    speech = app_state().speech
    for words, tag in ((text, lang), (english, SOURCE_LOCALE)):
        if words:
            key = speech.register(words, tag)
            if key:
                return ((url_for("audio.clip", key=key), tag, words),)
        if lang == SOURCE_LOCALE:
            break
    return ()


def phrase(message: str, **variables) -> Phrase:
    """One catalog message (interface or leaflet) as shown on this page and spoken.

    Formatted like Flask-Babel's gettext: `%(name)s` placeholders from `variables`.
    """
    shown = localize(message)
    text, english = shown.text, message
    if variables:
        text, english = text % variables, message % variables
    return Phrase(text, shown.lang, voiced(text, shown.lang, english))


def phrase_plural(singular: str, plural: str, n: int, *, spoken: bool = True, **variables) -> Phrase:
    """A message with plural forms ("… in 1 second." / "… in 30 seconds."), in the
    form this page's language needs for `n`, shown and (unless not `spoken`) spoken."""
    shown = localize_plural(singular, plural, n)
    text = shown.text % variables
    if not spoken:
        return Phrase(text, shown.lang)
    english = (singular if n == 1 else plural) % variables
    return Phrase(text, shown.lang, voiced(text, shown.lang, english))


def english(text: str) -> Phrase:
    """A text that stays English on every page (the "· Language" beside the
    translated word), spoken by the English voice."""
    return Phrase(text, SOURCE_LOCALE, voiced(text, SOURCE_LOCALE, None))


def formatted_phrase(text: str, english: str) -> Phrase:
    """A text that is no catalog message (a number formatted for the page's
    language, "150 %"), said by the page's voice, or as `english` without one."""
    lang = current_tag()
    return Phrase(text, lang, voiced(text, lang, english))


def language_phrase(locale: Locale) -> Phrase:
    """A language's own name, spoken by its own voice ("Español" in Spanish);
    a language without a voice is named by the English voice in English."""
    tag = tag_of(locale)
    name = native_name(locale)
    return Phrase(name, tag, voiced(name, tag, locale.get_display_name(SOURCE_LOCALE)))


def init_app(app: Flask) -> None:
    @app.context_processor
    def guide_context():
        return {
            "phrase": phrase,
            "english": english,
            "formatted_phrase": formatted_phrase,
            "language_phrase": language_phrase,
        }

    @app.template_filter("phrases_json")
    def phrases_json(phrases):
        return [p.as_json() for p in phrases]
