"""Help to understand in the browser: the word dialog, "In short" read aloud,
the teach-back question, by touch and by keyboard with the audio guide, in
English, Spanish, Arabic and Chinese, portrait and landscape. axe over the open
word dialog and the question, in every language: test_screens.py."""

import pytest
from playwright.sync_api import expect

from layout import FIRST_LINE_ON_SCREEN, SCREENS, json_of
from listening import hear_out, skip_to, turn_on_guide, wait_saying
from kiosk.state import app_state

LANGS = ["en", "es", "ar", "zh-Hans"]
# A window too short for "In short" and the leaflet's first line below it.
SHORT_WINDOW = {"width": 1920, "height": 480}


@pytest.fixture
def at(page_at):
    """A page on the first section in a language, on a screen."""
    return page_at


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_a_words_dialog_speaks_in_the_pages_language_and_returns_focus(at, tag, screen):
    page = at(tag, screen)
    term = page.locator("#main a.term").first
    data = json_of(page, "word-phrases")[term.get_attribute("data-term")]
    term.click()
    dialog = page.locator("#word-dialog")
    expect(dialog).to_have_attribute("open", "")
    expect(dialog.locator("#word-dialog-definition")).to_have_text(data["definition"]["text"])
    # Said in the page's language: the word's clip, by this language's voice.
    (clip, lang, _), *_ = data["word"]["say"]
    assert lang == tag
    wait_saying(page, clip)
    english = dialog.locator("#word-english")
    if tag == "en":
        assert english.count() == 0
    else:
        english.click()
        expect(dialog.locator(".word-english-definition")).to_have_attribute("lang", "en")
        wait_saying(page, data["english"]["word"]["say"][0][0])
    # The dialog leaves the bottom of the screen free, where Pause docks.
    box = dialog.bounding_box()
    assert box["y"] + box["height"] <= SCREENS[screen]["height"] - 64
    page.keyboard.press("Escape")
    expect(dialog).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.dataset.term") == term.get_attribute("data-term")


def test_in_short_fits_the_window_it_is_in_when_that_changes(at):
    """An exported leaflet opened on a PC can be resized: "In short" folds in a window too
    short for it and the leaflet's first line, and opens again when there is room. Only
    from the top of the page: further down, opening it would move the text being read."""
    page = at("en")
    page.evaluate("document.fonts.ready")
    box = page.locator("#main .in-short")
    expect(box).to_have_attribute("open", "")
    page.set_viewport_size(SHORT_WINDOW)
    expect(box).not_to_have_attribute("open", "")
    assert page.evaluate(FIRST_LINE_ON_SCREEN)
    page.set_viewport_size(SCREENS["landscape"])
    expect(box).to_have_attribute("open", "")
    page.set_viewport_size(SHORT_WINDOW)
    expect(box).not_to_have_attribute("open", "")
    page.mouse.wheel(0, 400)
    page.wait_for_function("scrollY > 0")
    page.set_viewport_size(SCREENS["landscape"])
    page.evaluate("new Promise(requestAnimationFrame)")  # the resize has been handled
    expect(box).not_to_have_attribute("open", "")


@pytest.mark.parametrize("tag", LANGS)
def test_the_summary_is_highlighted_while_it_plays(at, tag):
    page = at(tag)
    first = page.locator(".in-short-text .sentence").first
    page.locator('#player [data-action="toggle"]').click()
    # The player reads the box before the leaflet: its heading, its note, then the summary.
    skip_to(page, first.get_attribute("data-clip"))
    expect(first).to_have_class("sentence speaking")
    expect(page.locator("#main .sentence.speaking")).to_have_count(1)


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("tag", LANGS)
def test_a_miss_replays_the_answer_and_a_second_miss_offers_staff(at, tag, screen):
    page = at(tag, screen)
    question = page.locator("#teach-back")
    expect(question).to_be_visible()
    phrases = json_of(page, "teach-back-phrases")
    right = int(question.get_attribute("data-right"))
    wrong = question.locator(f'button.answer:not([data-answer="{right}"])').first
    feedback = question.locator(".teach-back-feedback")
    answer = page.locator("#answer-sentence")
    wrong.click()
    expect(feedback).to_have_text(phrases["again"]["text"])
    # The sentence that holds the answer, highlighted and said, then the question again.
    expect(answer).to_have_class("sentence speaking answer-shown")
    hear_out(page, answer.get_attribute("data-clip"))
    expect(feedback).to_have_text(phrases["retry"]["text"])
    expect(page.locator("#teach-back-question")).to_be_focused()
    wrong.click()
    expect(feedback).to_have_text(phrases["staff"]["text"])
    wait_saying(page, phrases["staff"]["say"][0][0])
    question.locator(f'button.answer[data-answer="{right}"]').click()
    expect(feedback).to_have_text(phrases["right"]["text"])
    expect(question.locator(".teach-back-next a")).to_be_visible()


def tab_to(page, selector, most=60):
    """Press Tab (the guide's next item) until `selector` has focus."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {selector}")


@pytest.mark.parametrize("tag", LANGS)
def test_a_blind_patient_hears_a_definition_and_answers_by_keyboard_and_guide(at, tag):
    page = at(tag, "landscape")
    turn_on_guide(page)
    tab_to(page, "#main a.term")
    term = page.evaluate("document.activeElement.dataset.term")
    data = json_of(page, "word-phrases")[term]
    page.keyboard.press("Enter")
    expect(page.locator("#word-dialog")).to_have_attribute("open", "")
    wait_saying(page, data["definition"]["say"][0][0])
    page.keyboard.press("Escape")
    expect(page.locator("#word-dialog")).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.dataset.term") == term
    right = page.locator("#teach-back").get_attribute("data-right")
    tab_to(page, f'#teach-back .answer[data-answer="{right}"]', most=80)
    page.keyboard.press("Enter")
    phrases = json_of(page, "teach-back-phrases")
    expect(page.locator(".teach-back-feedback")).to_have_text(phrases["right"]["text"])
    wait_saying(page, phrases["right"]["say"][0][0])


def test_how_the_question_went_is_sent_once_to_be_counted(at, browser_app):
    """The outcome, and nothing else, goes to the kiosk's counts (kiosk/counts/)."""
    page = at("es", "portrait")
    question = page.locator("#teach-back")
    right = int(question.get_attribute("data-right"))
    before = sum(c.count for c in app_state(browser_app).tally.counts() if c.event == "right-after-replay")
    question.locator(f'button.answer:not([data-answer="{right}"])').first.click()
    hear_out(page, page.locator("#answer-sentence").get_attribute("data-clip"))
    with page.expect_response(lambda r: r.url.endswith("/understood")) as sent:
        question.locator(f'button.answer[data-answer="{right}"]').click()
    assert sent.value.status == 204
    assert sent.value.request.post_data == "outcome=right-after-replay"
    after = sum(c.count for c in app_state(browser_app).tally.counts() if c.event == "right-after-replay")
    assert after == before + 1
