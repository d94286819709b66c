"""Sentence splitting for every shipped language (each sentence is one clip)."""

import pytest

from kiosk.i18n.catalogs import TRANSLATIONS
from kiosk.i18n.checks import forms, load_catalog, messages
from kiosk.content import normalise
from kiosk.speech.sentences import split_sentences

# Three sentences per language: a question, a statement, an exclamation.
SAMPLES = {
    "en": ["Does it hurt?", "It may hurt a little.", "Tell your doctor!"],
    "es": ["¿Duele?", "Puede doler un poco.", "¡Avise a su médico!"],
    "zh-Hans": ["会痛吗？", "可能会有点痛。", "请告诉您的医生！"],
    "ar": ["هل يؤلم؟", "قد يؤلم قليلاً.", "أخبر طبيبك!"],
    "vi": ["Có đau không?", "Có thể hơi đau.", "Hãy báo cho bác sĩ!"],
    "fil": ["Masakit ba?", "Maaaring medyo masakit.", "Sabihin sa doktor!"],
    "ko": ["아픈가요?", "조금 아플 수 있습니다.", "의사에게 알리세요!"],
    "ru": ["Это больно?", "Может быть немного больно.", "Сообщите врачу!"],
    "ht": ["Èske li fè mal?", "Li ka fè yon ti mal.", "Di doktè a!"],
    "pt-BR": ["Dói?", "Pode doer um pouco.", "Avise o médico!"],
    "fr": ["Est-ce que ça fait mal ?", "Cela peut faire un peu mal.", "Prévenez votre médecin !"],
    "pl": ["Czy to boli?", "Może trochę boleć.", "Proszę powiedzieć lekarzowi!"],
    "hi": ["क्या इसमें दर्द होता है?", "थोड़ा दर्द हो सकता है।", "अपने डॉक्टर को बताएं!"],
    "ur": ["کیا اس میں درد ہوتا ہے؟", "تھوڑا درد ہو سکتا ہے۔", "اپنے ڈاکٹر کو بتائیں!"],
}
JOINER = {"zh-Hans": ""}  # Chinese puts no space between sentences


@pytest.mark.parametrize("tag", SAMPLES)
def test_splits_each_language_into_its_sentences(tag):
    sentences = SAMPLES[tag]
    text = JOINER.get(tag, " ").join(sentences)
    assert split_sentences(text) == sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It costs 3.5 dollars. Pay here.", ["It costs 3.5 dollars.", "Pay here."]),
        ("Bring a towel, e.g. a small one. Thanks.", ["Bring a towel, e.g. a small one.", "Thanks."]),
        ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
        ("Relief (TPI). Next", ["Relief (TPI).", "Next"]),
        ("Lower back", ["Lower back"]),
        ("  ", []),
    ],
)
def test_edge_cases(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "po", sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")), ids=lambda p: f"{p.parts[-3]}-{p.stem}"
)
def test_every_translated_text_splits_without_losing_a_word(po):
    for _, msgstr, _ in messages(load_catalog(po)):
        for text in forms(msgstr):
            if text:
                sentences = split_sentences(text)
                assert all(sentences)
                assert normalise("".join(sentences)).replace(" ", "") == normalise(text).replace(" ", "")
