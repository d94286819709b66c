"""Tap a sentence and Ask staff about this, in a real browser: the patient's kiosk in one
context, the staff screen (logged in with the PIN) in another."""

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS
from kiosk import create_app
from kiosk.speech import Speech, ThreadExecutor
from kiosk.staff import pin
from speech.fakes import FakeEngine

from listening import hear_out, record, turn_on_guide, wait_saying
from live import serving

PIN = "482913"
PAGE = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"
SENTENCE = "#main .sentence[data-sentence]"


@pytest.fixture(scope="module")
def ask_app(tmp_path_factory):
    """A kiosk with a PIN and a fake engine (clips in milliseconds; English, Spanish, Arabic voices)."""
    instance = tmp_path_factory.mktemp("ask")
    app = create_app({"TESTING": True}, instance_path=str(instance))
    app.extensions["speech"].close()
    app.extensions["speech"] = Speech(instance / "audio", executor=ThreadExecutor(FakeEngine))
    pin.save(app.instance_path, PIN)
    yield app
    app.extensions["speech"].close()


@pytest.fixture(scope="module")
def url(ask_app):
    with serving(ask_app) as base:
        yield base


@pytest.fixture
def kiosk(browser, url):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)

    def at(tag):
        page = context.new_page()
        page.goto(url + PAGE.format(tag=tag))
        record(page)
        return page

    yield at
    context.close()


@pytest.fixture
def board(browser, url, ask_app):
    """The questions board in a second browser, opened with the PIN."""
    ask_app.extensions["staff_limiter"].reset()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url + "/staff/")
    page.get_by_label("Staff PIN").fill(PIN)
    page.get_by_role("button", name="Open the staff screen").click()
    expect(page.locator("table.languages")).to_be_visible()
    page.goto(url + "/staff/questions")
    expect(page.locator("#questions")).to_have_attribute("hx-trigger", "every 1s")
    yield page
    for question in ask_app.extensions["questions"].open():
        ask_app.extensions["questions"].done(question.id)
    context.close()


def ask_about(page, n):
    """Tap the n-th sentence and choose Ask staff about this; its text as shown."""
    sentence = page.locator(SENTENCE).nth(n)
    sentence.click()
    expect(sentence).to_have_class("sentence selected")
    bar = page.locator("#sentence-bar")
    expect(bar).to_be_visible()
    bar.locator('[data-sentence-action="ask"]').click()
    expect(page.locator("#sentence-bar .ask-said")).to_be_visible()
    return sentence.inner_text()


def test_a_tapped_sentence_reaches_staff_in_both_languages_and_done_clears_it(kiosk, board):
    page = kiosk("es")
    text = ask_about(page, 3)
    expect(page.locator("#sentence-bar .ask-said")).to_have_text(
        "Ya avisamos a un miembro del personal. Por favor, espere aquí; vendrán a verlo.")
    expect(page.locator(".ask-said")).to_be_focused()
    # Every target of the bar is the kiosk's 64 x 64 px at least.
    for button in page.locator("#sentence-bar button").all():
        box = button.bounding_box()
        assert box["width"] >= 64 and box["height"] >= 64

    question = board.locator("#questions .question")
    expect(question).to_have_count(1)  # by the 1 s poll, without a reload
    expect(question.locator(".question-shown")).to_have_text(text)
    expect(question.locator(".question-shown")).to_have_attribute("lang", "es")
    expect(question.locator(".question-english")).to_have_attribute("lang", "en")
    expect(question.locator(".question-language")).to_contain_text("Spanish")
    expect(board).to_have_title("(1) Questions from patients – Kiosk staff")
    board.wait_for_function("document.body.dataset.chimes === '1'")

    question.get_by_role("button", name="Done").click()
    expect(board.locator("#questions .question")).to_have_count(0)
    expect(board).to_have_title("Questions from patients – Kiosk staff")


def test_the_patient_can_cancel_and_staff_see_it_go(kiosk, board):
    page = kiosk("en")
    ask_about(page, 2)
    expect(board.locator("#questions .question")).to_have_count(1)
    page.get_by_role("button", name="I don't need help now").click()
    expect(page.locator("#sentence-bar .ask-said")).to_have_text("Your question is cancelled.")
    expect(board.locator("#questions .question")).to_have_count(0)


@pytest.fixture
def no_questions_left(ask_app):
    """Clear every open question after the test, even one that failed before its cancel."""
    yield
    for question in ask_app.extensions["questions"].open():
        ask_app.extensions["questions"].done(question.id)


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_the_answer_and_its_cancel_are_on_the_screen_at_200_percent(kiosk, no_questions_left, tag):
    # At 200% the bar's buttons reach the foot of a portrait screen, and the answer comes
    # below them: unless it is scrolled to, the patient sees nothing happen.
    page = kiosk(tag)
    page.locator('[data-set-size="200"]').evaluate("b => b.click()")
    expect(page.locator("html")).to_have_attribute("data-text-size", "200")
    # "In short", at the full text size, is folded on this screen: open it, as a tap does.
    if page.locator("#main .in-short").get_attribute("open") is None:
        page.locator("#main .in-short summary").click()
    ask_about(page, 2)
    cancel = page.locator("#sentence-bar .ask-cancel button")
    expect(page.locator("#sentence-bar .ask-said")).to_be_in_viewport(ratio=1)
    expect(cancel).to_be_in_viewport(ratio=1)
    cancel.click()
    expect(page.locator("#sentence-bar .ask-said")).to_be_in_viewport(ratio=1)


def test_an_arabic_and_a_chinese_flag_read_right_in_the_staff_column(kiosk, board):
    shown = {tag: ask_about(kiosk(tag), 2) for tag in ("ar", "zh-Hans")}
    expect(board.locator("#questions .question")).to_have_count(2)
    for tag, direction in (("ar", "rtl"), ("zh-Hans", "ltr")):
        quote = board.locator(f'.question-shown[lang="{tag}"]')
        expect(quote).to_have_text(shown[tag])
        expect(quote).to_have_attribute("dir", direction)
        assert quote.evaluate("q => getComputedStyle(q).direction") == direction


def test_the_teach_backs_second_miss_asks_staff_about_the_answers_sentence(kiosk, board):
    page = kiosk("es")
    question = page.locator("#teach-back")
    expect(question).to_be_visible()
    right = question.get_attribute("data-right")
    wrong = question.locator(f'button.answer:not([data-answer="{right}"])').first
    offer = question.locator(".teach-back-staff")
    wrong.click()
    # The first miss shows and says the answer's sentence, then asks again; no staff yet.
    answer = page.locator("#answer-sentence")
    hear_out(page, answer.get_attribute("data-clip"))
    expect(page.locator("#teach-back-question")).to_be_focused()
    expect(offer).to_be_hidden()
    wrong.click()
    offer.get_by_role("button", name="Preguntar al personal sobre esto").click()
    expect(offer.locator(".ask-said")).to_have_text(
        "Ya avisamos a un miembro del personal. Por favor, espere aquí; vendrán a verlo.")

    # Staff see the sentence that holds the answer, as the patient saw it and in English.
    item = board.locator("#questions .question")
    expect(item).to_have_count(1)
    expect(item.locator(".question-shown")).to_have_text(answer.inner_text())
    expect(item.locator(".question-shown")).to_have_attribute("lang", "es")
    expect(item.locator(".question-english")).to_have_attribute("lang", "en")


def test_listen_from_here_plays_that_sentence(kiosk):
    page = kiosk("es")
    sentence = page.locator(SENTENCE).nth(5)
    sentence.click()
    page.locator('[data-sentence-action="listen"]').click()
    wait_saying(page, sentence.get_attribute("data-clip"))
    expect(sentence).to_have_class("sentence speaking")
    expect(page.locator("#sentence-bar")).to_be_hidden()


def test_with_the_guide_the_arrow_keys_step_through_sentences_and_enter_opens_the_bar(kiosk):
    page = kiosk("ar")
    turn_on_guide(page)
    first = page.locator(SENTENCE).first
    # From the heading, the arrow keys go on to the leaflet's sentences, each said.
    page.locator("#page-heading").focus()
    for _ in range(40):
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.activeElement.matches('#main .sentence[data-sentence]')"):
            break
    expect(first).to_be_focused()
    wait_saying(page, first.get_attribute("data-clip"))
    page.keyboard.press("ArrowDown")
    second = page.locator(SENTENCE).nth(1)
    expect(second).to_be_focused()
    wait_saying(page, second.get_attribute("data-clip"))
    page.keyboard.press("Enter")
    expect(page.locator("#sentence-bar")).to_be_visible()
    expect(page.locator('[data-sentence-action="listen"]')).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#sentence-bar")).to_be_hidden()
    expect(second).to_be_focused()
    assert page.url.endswith(PAGE.format(tag="ar"))  # Escape closed the bar, it did not go up

    # By touch with the guide: the first tap says the sentence, the second opens the bar.
    third = page.locator(SENTENCE).nth(2)
    third.click()
    wait_saying(page, third.get_attribute("data-clip"))
    expect(page.locator("#sentence-bar")).to_be_hidden()
    third.click()
    expect(page.locator("#sentence-bar")).to_be_visible()


def test_a_hard_word_in_a_sentence_keeps_its_own_tap(kiosk):
    page = kiosk("en")
    word = page.locator(f"{SENTENCE} a.term").first
    word.click()
    expect(page.locator("#word-dialog")).to_be_visible()
    expect(page.locator("#sentence-bar")).to_be_hidden()
