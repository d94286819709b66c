"""Teach-back: each section's question has 2 or 3 answers, one right, and the
sentence that holds the answer is found among the shown sentences in every language."""

import re

import pytest

from kiosk import ROOT
from kiosk.content import ContentError, load_leaflet, parse_leaflet, teach_back
from kiosk.i18n import localize
from kiosk.speech.sentences import split_sentences

from helpers import LEAFLET, LOCALES


@pytest.fixture(scope="module")
def leaflet():
    return load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")


def test_every_section_has_a_question_with_a_right_answer(leaflet):
    for section in leaflet.sections:
        check = section.teach_back
        assert check is not None and 2 <= len(check.answers) <= 3
        assert 0 <= check.right < len(check.answers)


def test_the_shipped_questions_offer_three_answers(leaflet):
    """Two answers make a guess right half the time (issue 32)."""
    assert [len(section.teach_back.answers) for section in leaflet.sections] == [3] * len(leaflet.sections)


# Short words every sentence has, which echo nothing.
COMMON = {"that", "this", "with", "your", "from", "into", "them", "they", "what", "when", "have", "make"}


def stems(text: str) -> set[str]:
    """A text's words of four letters or more, cut to five, so "weeks" meets "week" and "weeks"."""
    return {w[:5] for w in re.findall(r"[a-z]+", text.casefold()) if len(w) >= 4 and w not in COMMON}


def test_no_wrong_answer_echoes_its_sections_words(leaflet):
    """A wrong answer that repeats the words the patient has just read (its section's text or
    "In short") looks right: "Wait a few more weeks" beside "over the following weeks" (issue 32)."""
    for section in leaflet.sections:
        check = section.teach_back
        read = set().union(*(stems(m) for m in section.messages()), stems(section.summary or ""))
        for n, answer in enumerate(check.answers):
            if n != check.right:
                assert not stems(answer) & read, (section.slug, answer, stems(answer) & read)


@pytest.mark.parametrize("tag", LOCALES)
def test_each_answer_points_to_a_shown_sentence(app, leaflet, tag):
    with app.test_request_context(f"/{tag}/"):
        for section in leaflet.sections:
            place = teach_back.answer_place(section)
            assert place is not None, f"{tag}: the answer sentence of {section.slug} is not in its text"
            assert place.text.lang == tag
            shown = [s for m in section.messages() for s in split_sentences(localize(m).text)]
            assert shown[place.position] == place.text.text
            assert split_sentences(localize(place.message).text)[place.sentence] == place.text.text
            question = teach_back.question(section, leaflet.teach_back_intro)
            assert question.question.lang == tag and all(a.lang == tag for a in question.answers)


def test_an_answer_sentence_not_in_the_section_is_refused():
    data = {"title": "T", "sections": [{
        "slug": "a", "heading": "H", "blocks": [{"paragraph": "Wash your hands. Dry them."}],
        "teach_back": {"question": "Q?", "answers": ["Yes", "No"], "right": 0, "answer_sentence": "Wash them."},
    }]}
    with pytest.raises(ContentError, match="one sentence of the section"):
        parse_leaflet(data, "t")
