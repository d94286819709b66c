"""Choose the installed voice that speaks a locale, or none: never another language's voice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .engine import VoiceInfo

# Where a tag leaves the variety open, the one this kiosk's patients speak (a US clinic:
# Latin American Spanish, Brazilian Portuguese, American English). eSpeak NG calls written
# Simplified Chinese's spoken language Mandarin, "cmn". Checked before the tag itself, since
# eSpeak has a plain "es" voice too (Spain). Sites can override per tag with SPEECH_VOICES.
PREFERRED = {
    "en": "en-us",
    "es": "es-419",
    "pt": "pt-br",
    "fr": "fr-fr",
    "zh": "cmn",
    "zh-hans": "cmn",
}


def normalize(tag: str) -> str:
    """`pt_BR` and `pt-br` are the same tag."""
    return tag.strip().replace("_", "-").lower()


def pick(tag: str, voices: Iterable[VoiceInfo]) -> str | None:
    """The id of the first voice whose language matches `tag`, trying the preferred variety first."""
    voices = list(voices)
    for language in _candidates(normalize(tag)):
        for voice in voices:
            # pyttsx3 reports only each voice's first (main) language.
            if language in (lang.lower() for lang in voice.languages):
                return voice.id
    return None


def _candidates(tag: str) -> Iterator[str]:
    subtags = tag.split("-")
    while subtags:
        current = "-".join(subtags)
        if current in PREFERRED:
            yield PREFERRED[current]
        yield current
        # Drop a trailing region (es-MX -> es) but never a script or anything else: zh-Hant
        # read as Mandarin, or fil as fi (Finnish), would be another language.
        last = subtags[-1]
        is_region = (len(last) == 2 and last.isalpha()) or (len(last) == 3 and last.isdigit())
        if len(subtags) == 1 or not is_region:
            return
        subtags.pop()
