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


def speaks(tag: str, voice: VoiceInfo) -> bool:
    """Whether staff may choose `voice` for `tag`: a language pick() would match, or a regional
    variety of a tag that names none (a Mexican Spanish voice for "es"). Never another language,
    nor another region of a tag that names one (no Portugal Portuguese for pt_BR)."""
    tag = normalize(tag)
    languages = [lang.lower() for lang in voice.languages]
    if any(language in languages for language in _candidates(tag)):
        return True
    return "-" not in tag and any(lang.split("-")[0] == tag and _is_region(lang.split("-")[-1])
                                  for lang in languages if lang.count("-") == 1)


def _is_region(subtag: str) -> bool:
    return (len(subtag) == 2 and subtag.isalpha()) or (len(subtag) == 3 and subtag.isdigit())


def _candidates(tag: str) -> Iterator[str]:
    subtags = tag.split("-")
    while subtags:
        current = "-".join(subtags)
        if current in PREFERRED:
            yield PREFERRED[current]
        yield current
        # Drop a trailing region (es-MX -> es) but never a script or anything else: zh-Hant
        # read as Mandarin, or fil as fi (Finnish), would be another language.
        if len(subtags) == 1 or not _is_region(subtags[-1]):
            return
        subtags.pop()
