"""Help to understand on the pages: hard words marked inside their sentences in
every language, "Words in this section", "In short" and the teach-back question
on each section; the print view carries the summaries and the word list."""

import pytest

from kiosk import ROOT
from kiosk.content import glossary, load_leaflet

from helpers import LEAFLET, LOCALES, SECTIONS, soup

CONTENT = load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")


@pytest.mark.parametrize("tag", LOCALES)
@pytest.mark.parametrize("slug", SECTIONS)
def test_hard_words_are_marked_inside_their_sentences_and_listed(app, client, tag, slug):
    section = CONTENT.section(slug)
    page = soup(client.get(f"/{tag}/{LEAFLET}/{slug}"))
    with app.test_request_context(f"/{tag}/{LEAFLET}/{slug}"):
        from flask import g
        from babel import Locale
        g.locale = Locale.parse(tag, sep="-")
        words = glossary.section_words(CONTENT, section)
        in_text = {o.term.id for o in words.occurrences}
    marks = page.select("#main a.term")
    # Each mark sits in a sentence, links to its place in the word list, and
    # leaves the sentence's text whole (its clip says exactly that text).
    for mark in marks:
        assert mark.parent.name == "span" and "sentence" in mark.parent["class"]
        assert mark["href"] == f"/{tag}/{LEAFLET}/words#{mark['data-term']}"
    marked = {m["data-term"] for m in marks}
    # Every term found outside a heading is marked (once); every term the section uses is listed.
    assert marked and marked <= in_text
    assert len(marks) == len(marked)
    listed = [a["data-term"] for a in page.select(".section-words a.term-button")]
    assert listed == [t.id for t in words.terms]


@pytest.mark.parametrize("tag", ["en", "es", "ar", "zh-Hans"])
def test_a_section_has_its_summary_first_and_its_question_last(client, tag):
    page = soup(client.get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}"))
    box = page.select_one("#main details.in-short[open]")
    sentences = page.select("#main .sentence")
    # After the heading, the box's sentences are read first: its heading, its note, the summary.
    first_box_sentence = sentences.index(box.select_one(".sentence"))
    assert first_box_sentence == len(page.select("#page-heading .sentence"))
    assert box.select(".in-short-text .sentence")
    question = page.select_one("#teach-back")
    assert question.has_attr("hidden")  # shown by JavaScript, which checks the answers
    assert len(question.select("button.answer")) == 3
    # The sentence that holds the answer is one of the clinic's, found in this language.
    answer = page.select_one("#answer-sentence")
    assert answer is not None and not box.find(id="answer-sentence")


@pytest.mark.parametrize("tag", LOCALES)
def test_the_print_view_carries_the_summaries_and_the_word_list(client, tag):
    page = soup(client.get(f"/{tag}/{LEAFLET}/print"))
    # Set apart from the leaflet's own sections (test_take_home.py holds them
    # whole and in order), each with the note that it is the kiosk's help.
    summaries = page.select("article.leaflet > .print-section > aside.in-short")
    assert len(summaries) == len(CONTENT.sections)
    words = page.select_one("article.leaflet > aside.print-words")
    assert len(words.select(".words dt")) == len(CONTENT.terms)
    assert all(box.select_one(".help-note").get_text(strip=True) for box in [*summaries, words])
