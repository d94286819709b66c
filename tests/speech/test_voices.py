"""Voice choice: the right variety for each locale, and no voice rather than another language's."""

from __future__ import annotations

import pytest

from kiosk.speech import voices
from kiosk.speech.engine import VoiceInfo

from .fakes import FakeEngine

# Expected with the pinned espeakng-loader 0.2.4 (eSpeak NG 1.52.0) voice data.
EXPECTED = {
    "en": "gmw/en-us",
    "es": "roa/es-419",  # Latin American, not Spain's "roa/es"
    "pt-BR": "roa/pt-br",  # Brazilian, not Portugal's "roa/pt"
    "zh-Hans": "sit/cmn",  # Mandarin, not Cantonese "sit/yue"
    "ar": "sem/ar",
    "vi": "aav/vi",
    "ko": "ko",
    "ru": "zle/ru",
    "ht": "roa/ht",
    "fr": "roa/fr",
    "pl": "zlw/pl",
    "hi": "inc/hi",
    "ur": "inc/ur",
}


@pytest.mark.parametrize(("tag", "voice"), EXPECTED.items())
def test_real_engine_voice_for_locale(voice_ids, tag, voice):
    assert voice_ids(tag) == voice


def test_filipino_has_no_voice(voice_ids):
    assert voice_ids("en") is not None  # the engine is up, so None below really means "no voice"
    assert voice_ids("fil") is None


# A slice of eSpeak NG's list, in its order, as pyttsx3 reports it (first language only).
ESPEAK_LIKE = [
    VoiceInfo("roa/es", "Spanish (Spain)", ("es",)),
    VoiceInfo("roa/es-419", "Spanish (Latin America)", ("es-419",)),
    VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb",)),
    VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
    VoiceInfo("urj/fi", "Finnish", ("fi",)),
    VoiceInfo("roa/pt", "Portuguese (Portugal)", ("pt",)),
    VoiceInfo("roa/pt-br", "Portuguese (Brazil)", ("pt-br",)),
    VoiceInfo("sit/cmn", "Chinese (Mandarin)", ("cmn",)),
    VoiceInfo("sit/yue", "Chinese (Cantonese)", ("yue",)),
]


@pytest.mark.parametrize(
    ("tag", "voice"),
    [
        ("es", "roa/es-419"),
        ("es-MX", "roa/es-419"),  # region dropped, then the preferred variety
        ("en", "gmw/en-us"),
        ("en-GB", "gmw/en"),  # an exact match wins
        ("pt_BR", "roa/pt-br"),
        ("zh-Hans", "sit/cmn"),
        ("zh-Hant", None),  # a script is never dropped: it could be Cantonese
        ("fil", None),  # not "fi", Finnish
        ("tl", None),
        ("xx", None),
    ],
)
def test_pick(tag, voice):
    assert voices.pick(tag, ESPEAK_LIKE) == voice


def test_overrides_from_config(make_speech):
    speech = make_speech(FakeEngine(), voices={"en-GB": "FAKE/EN", "es": None, "ar": "no/such"})
    assert speech.voice_for("en_gb") == "fake/en"  # ids and tags are compared case-insensitively
    assert speech.voice_for("es") is None  # switched off by the site
    assert speech.voice_for("ar") is None  # a voice that is not installed is never used
    assert speech.voice_for("en") == "fake/en"  # not overridden: chosen as usual


# Which Piper voices (by their language code) staff are offered for a kiosk language.
@pytest.mark.parametrize(("tag", "language", "offered"), [
    ("en", "en-us", True),
    ("en", "en-gb", True),  # a variety of a language that names none
    ("es", "es-mx", True),
    ("pt_BR", "pt-br", True),
    ("pt_BR", "pt-pt", False),  # the tag names its region: never another one
    ("zh_Hans", "zh-cn", False),  # a script is not a region: not matched
    ("fil", "fi-fi", False),  # Finnish for Filipino: never
    ("ar", "ar-jo", True),
    ("en", "es-mx", False),
])
def test_staff_are_offered_only_voices_of_the_language_itself(tag, language, offered):
    assert voices.speaks(tag, VoiceInfo("piper:x", "x", (language,))) is offered
