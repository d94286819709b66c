"""Hard words: each term of the leaflet has a plain definition, and in every
language each term a section uses is marked where it stands in the shown text
or, where its translation is not there word for word, listed for the section."""

import pytest

from kiosk import ROOT
from kiosk.content import Term, glossary, load_leaflet, parse_leaflet, ContentError
from kiosk.content.readability import measure
from kiosk.speech.sentences import split_sentences

from helpers import LEAFLET, LOCALES, soup

LEAFLET_FILE = ROOT / "leaflets" / f"{LEAFLET}.toml"
ISSUE_TERMS = {
    "trigger point", "myofascial", "hypersensitivity", "referred pain", "musculoskeletal", "chronic",
    "local anesthetic", "TPI", "minimally invasive", "myofascial pain syndrome", "fibromyalgia",
    "range of motion", "lightheadedness", "discoloration", "dimpling",
}


@pytest.fixture(scope="module")
def leaflet():
    return load_leaflet(LEAFLET_FILE)


def test_the_leaflet_explains_the_issues_hard_words(leaflet):
    assert ISSUE_TERMS <= {t.term for t in leaflet.terms}


@pytest.mark.parametrize("term", load_leaflet(LEAFLET_FILE).terms, ids=lambda t: t.id)
def test_each_definition_is_short_and_plain(term):
    sentences = split_sentences(term.definition)
    assert 1 <= len(sentences) <= 2
    assert max(len(s.split()) for s in sentences) <= 20
    assert measure(sentences, "en").score("Flesch-Kincaid grade") <= 6


def test_find_takes_the_longest_term_and_never_overlaps():
    short, long = Term("myofascial", "."), Term("myofascial pain syndrome", ".")
    text = "Myofascial pain, or myofascial pain syndrome."
    found = glossary.find(text, {short: ("myofascial",), long: ("myofascial pain syndrome",)})
    assert [(t.term, text[a:b]) for t, a, b in found] == [
        ("myofascial", "Myofascial"), ("myofascial pain syndrome", "myofascial pain syndrome"),
    ]


def test_a_mark_runs_on_to_the_end_of_its_word_where_words_have_spaces():
    """A plural's "s" (or a Russian ending) is inside the mark; Chinese stops where the form does."""
    point = Term("trigger point", ".")
    text = "Trigger points hurt. Триггерных точках. 触发点注射"
    found = glossary.find(text, {point: ("trigger point", "триггерн", "触发点")})
    assert [text[a:b] for _, a, b in found] == ["Trigger points", "Триггерных", "触发点"]


def test_a_term_that_is_not_in_the_text_is_refused():
    data = {"title": "T", "sections": [{"slug": "a", "heading": "Sore muscles"}],
            "terms": [{"term": "fibromyalgia", "definition": "A long-term illness."}]}
    with pytest.raises(ContentError, match="not in the leaflet's text"):
        parse_leaflet(data, "t")


@pytest.mark.parametrize("tag", LOCALES)
def test_every_term_a_section_uses_is_marked_or_listed(app, leaflet, tag):
    with app.test_request_context(f"/{tag}/"):
        for section in leaflet.sections:
            words = glossary.section_words(leaflet, section)
            assert words.terms == glossary.terms_used(leaflet, section) != ()
            for occurrence in words.occurrences:
                shown = glossary.localize(occurrence.message)
                forms = {f.text.casefold() for f in glossary.forms(occurrence.term)} | {occurrence.term.term.casefold()}
                # A form, run on to the end of its word ("Trigger point" + "s").
                span = shown.text[occurrence.start:occurrence.end].casefold()
                assert any(span.startswith(form) and occurrence.end == glossary.word_end(
                    shown.text, occurrence.start + len(form)) for form in forms), span
            # Each term is in the text or in the list. Only the abbreviation TPI is left to the
            # list: every translation of its paragraph says "trigger point injection" in full.
            found = {o.term for o in words.occurrences}
            assert found <= set(words.terms)
            expected = set() if tag == "en" else {"tpi"} & {t.id for t in words.terms}
            assert {t.id for t in words.terms if t not in found} == expected, (section.slug, tag)


@pytest.mark.parametrize("tag", LOCALES)
def test_the_words_page_lists_every_term_with_an_anchor(client, leaflet, tag):
    response = client.get(f"/{tag}/{LEAFLET}/words")
    assert response.status_code == 200
    page = soup(response)
    assert [dt["id"] for dt in page.select("dl.words dt")] == [t.id for t in leaflet.terms]
    assert len(page.select("dl.words dd .sentence")) >= len(leaflet.terms)
    assert page.select_one(".help-note").get_text(strip=True)
    if tag != "en":  # translated, so not marked as English
        assert page.select("dl.words [lang=en]") == []


def test_the_words_page_is_in_the_crawl(app):
    from kiosk.jobs.crawl import page_urls

    assert f"/es/{LEAFLET}/words" in page_urls(app)
