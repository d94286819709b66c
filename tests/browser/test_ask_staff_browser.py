"""Tap a sentence and Ask staff about this, in a real browser: the patient's kiosk in one
context, the staff screen (logged in with the PIN) in another."""

import pytest
from playwright.sync_api import expect

import helpers
from helpers import LEAFLET, SECTIONS
from kiosk import create_app
from kiosk.speech import ThreadExecutor
from kiosk.staff import pin
from speech.fakes import FakeEngine

from listening import hear_out, record, turn_on_guide, wait_saying
from live import serving
from kiosk.state import app_state

PIN = "482913"
PAGE = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"
SENTENCE = "#main .sentence[data-sentence]"
# A question staff were told of: its own box beside its sentence, out of the sentence bar.
STATUS = "#main .ask-status"


@pytest.fixture(scope="module")
def ask_app(tmp_path_factory):
    """A kiosk with a PIN and a fake engine (clips in milliseconds; English, Spanish, Arabic voices)."""
    instance = tmp_path_factory.mktemp("ask")
    app = create_app({"TESTING": True}, instance_path=str(instance), speech_executor=ThreadExecutor(FakeEngine))
    pin.save(app.instance_path, PIN)
    yield app
    app_state(app).speech.close()


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
    app_state(ask_app).staff_limiter.reset()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(url + "/staff/")
    page.get_by_label("Staff PIN").fill(PIN)
    page.get_by_role("button", name="Open the staff screen").click()
    expect(page.locator("table.languages")).to_be_visible()
    page.goto(url + "/staff/questions")
    expect(page.locator("#questions")).to_have_attribute("hx-trigger", "every 1s")
    yield page
    for question in app_state(ask_app).questions.open():
        app_state(ask_app).questions.done(question.handle)
    context.close()


def ask_about(page, n):
    """Tap the n-th sentence and choose Ask staff about this; its text as shown."""
    sentence = page.locator(SENTENCE).nth(n)
    sentence.click()
    expect(sentence).to_have_class("sentence selected")
    bar = page.locator("#sentence-bar")
    expect(bar).to_be_visible()
    bar.locator('[data-sentence-action="ask"]').click()
    expect(page.locator(f"{STATUS} .ask-said")).to_be_visible()
    return sentence.inner_text()


def test_a_tapped_sentence_reaches_staff_in_both_languages_and_done_clears_it(kiosk, board):
    page = kiosk("es")
    text = ask_about(page, 3)
    expect(page.locator(f"{STATUS} .ask-said")).to_have_text(
        "Ya avisamos a un miembro del personal. Por favor, espere aquí; vendrán a verlo.")
    expect(page.locator(".ask-said")).to_be_focused()
    # Every target of the bar and of the answer is the kiosk's 64 x 64 px at least.
    for button in page.locator("#sentence-bar button, .ask-status button").all():
        if not button.is_visible():
            continue
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
    expect(page.locator(f"{STATUS} .ask-said")).to_have_text("Your question is cancelled.")
    expect(board.locator("#questions .question")).to_have_count(0)


@pytest.fixture
def no_questions_left(ask_app):
    """Clear every open question after the test, even one that failed before its cancel."""
    yield
    for question in app_state(ask_app).questions.open():
        app_state(ask_app).questions.done(question.handle)


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
    cancel = page.locator(f"{STATUS} .ask-cancel button")
    expect(page.locator(f"{STATUS} .ask-said")).to_be_in_viewport(ratio=1)
    expect(cancel).to_be_in_viewport(ratio=1)
    cancel.click()
    expect(page.locator(f"{STATUS} .ask-said")).to_be_in_viewport(ratio=1)


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


def test_with_the_guide_listen_from_here_keeps_focus_on_the_sentence_and_tab_goes_on_after_it(kiosk):
    """Found on a walk: focus was left in the closed bar, fell to the page, and the next Tab
    went to the Audio guide button at the top."""
    page = kiosk("es")
    turn_on_guide(page)
    page.locator("#page-heading").focus()
    for _ in range(40):  # the arrow keys, from the heading to the leaflet's first sentence
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.activeElement.matches('#main .sentence[data-sentence]')"):
            break
    sentence = page.locator(SENTENCE).first
    expect(sentence).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('[data-sentence-action="listen"]')).to_be_focused()
    page.keyboard.press("Enter")
    wait_saying(page, sentence.get_attribute("data-clip"))
    expect(page.locator("#sentence-bar")).to_be_hidden()
    expect(sentence).to_be_focused()
    page.keyboard.press("Tab")
    after = sentence.evaluate("s => !!(s.compareDocumentPosition(document.activeElement) & Node.DOCUMENT_POSITION_FOLLOWING)")
    assert after, page.evaluate("document.activeElement.outerHTML.slice(0, 120)")


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


def test_a_double_tap_on_ask_staff_is_one_question(kiosk, board):
    page = kiosk("en")
    sentence = page.locator(SENTENCE).nth(2)
    sentence.click()
    ask = page.locator('#sentence-bar [data-sentence-action="ask"]')
    expect(ask).to_be_visible()
    ask.evaluate("b => { b.click(); b.click(); }")  # two taps before the first is answered
    expect(page.locator(f"{STATUS} .ask-said")).to_be_visible()
    expect(board.locator("#questions .question")).to_have_count(1)
    expect(page.locator(STATUS)).to_have_count(1)
    page.get_by_role("button", name="I don't need help now").click()
    expect(board.locator("#questions .question")).to_have_count(0)


def test_the_question_keeps_its_cancel_when_the_bar_closes_or_moves(kiosk, board):
    page = kiosk("en")
    ask_about(page, 2)
    status = page.locator(STATUS)
    cancel = status.get_by_role("button", name="I don't need help now")
    sentence = page.locator(SENTENCE).nth(2)
    # The same sentence tapped again opens the bar, and again closes it: the question stays.
    sentence.click()
    expect(page.locator("#sentence-bar")).to_be_visible()
    sentence.click()
    expect(page.locator("#sentence-bar")).to_be_hidden()
    expect(cancel).to_be_visible()
    # Another sentence chosen, then the bar closed with Escape: still there, beside its own.
    page.locator(SENTENCE).nth(6).click()
    expect(page.locator("#sentence-bar")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#sentence-bar")).to_be_hidden()
    expect(status.locator(".ask-said")).to_have_text(
        "A member of staff has been told. Please wait here; they will come to you.")
    cancel.click()
    expect(status.locator(".ask-said")).to_have_text("Your question is cancelled.")
    expect(board.locator("#questions .question")).to_have_count(0)


def test_a_reload_after_asking_shows_the_same_page(kiosk, no_questions_left):
    page = kiosk("es")
    ask_about(page, 2)
    assert page.url.endswith(PAGE.format(tag="es"))
    page.reload()
    expect(page.locator("#page-heading")).to_be_visible()
    assert page.url.endswith(PAGE.format(tag="es"))
    expect(page.locator("body")).not_to_contain_text("No permitido")


def test_the_patient_sees_and_hears_when_staff_saw_to_it(kiosk, board):
    page = kiosk("es")
    ask_about(page, 3)
    board.locator("#questions .question").get_by_role("button", name="Done").click()
    said = page.locator(f"{STATUS} .ask-said")
    expect(said).to_have_text("Un miembro del personal ha visto su pregunta.", timeout=30_000)
    wait_saying(page, said.get_attribute("data-say").split('"')[1])
    expect(page.locator(f"{STATUS} .ask-cancel")).to_have_count(0)


def test_two_kiosks_at_once_each_reach_staff_and_are_told_apart(browser, url, board):
    contexts = [browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True) for _ in range(2)]
    try:
        for n, context in enumerate(contexts):
            page = context.new_page()
            page.goto(url + PAGE.format(tag=("ar", "zh-Hans")[n]))
            ask_about(page, 2)
        items = board.locator("#questions .question")
        expect(items).to_have_count(2)
        labels = {items.nth(n).locator(".question-kiosk").inner_text() for n in range(2)}
        assert len(labels) == 2 and all(label.endswith("(no name yet)") for label in labels)
        expect(board.locator(".unnamed-kiosks")).to_contain_text("no name yet")
    finally:
        for context in contexts:
            context.close()


def test_a_server_restart_in_the_middle_of_a_question(browser, tmp_path):
    """The kiosk restarts while a patient waits: the board still shows the question, and the
    patient's page (never reloaded) still learns when staff saw to it."""
    def kiosk_app():
        return create_app({"TESTING": True}, instance_path=str(tmp_path), speech_executor=ThreadExecutor(FakeEngine))

    before = kiosk_app()
    pin.save(before.instance_path, PIN)
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    with helpers.serving(before, threads=8) as base:
        page = context.new_page()
        page.goto(base + PAGE.format(tag="es"))
        ask_about(page, 2)
        port = int(base.rsplit(":", 1)[1])
    app_state(before).speech.close()

    after = kiosk_app()
    try:
        with helpers.serving(after, threads=8, port=port) as base:
            staff = browser.new_context().new_page()
            staff.goto(base + "/staff/")
            staff.get_by_label("Staff PIN").fill(PIN)
            staff.get_by_role("button", name="Open the staff screen").click()
            staff.goto(base + "/staff/questions")
            item = staff.locator("#questions .question")
            expect(item).to_have_count(1)
            item.get_by_role("button", name="Done").click()
            expect(page.locator(f"{STATUS} .ask-said")).to_have_text(
                "Un miembro del personal ha visto su pregunta.", timeout=30_000)
            staff.context.close()
    finally:
        context.close()
        app_state(after).speech.close()
