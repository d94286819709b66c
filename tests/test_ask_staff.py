"""Ask staff about this (kiosk/ask_staff.py, kiosk/questions.py, kiosk/staff/board.py):
a flag names a real sentence, comes from the kiosk's own page, is limited, reaches the
staff screen in both languages, and the board outlives the staff session's idle limit."""

import re

import pytest

from kiosk import questions
from kiosk.staff import access, pin

from helpers import LEAFLET, SECTIONS, soup

PIN = "482913"
SECTION = SECTIONS[0]
SAME = {"Sec-Fetch-Site": "same-origin"}


def page_url(lang, section=SECTION):
    return f"/{lang}/{LEAFLET}/{section}"


def sentences(client, lang, section=SECTION):
    """The flaggable sentences of a section page: (data-sentence, text as shown)."""
    page = soup(client.get(page_url(lang, section)))
    return [(s["data-sentence"], s.get_text()) for s in page.select("#main .sentence[data-sentence]")]


def ask(client, lang, ref, headers=SAME, section=SECTION):
    return client.post(f"{page_url(lang, section)}/ask", data={"sentence": ref}, headers=headers)


def log_in(client):
    field = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": field["value"]}).status_code == 303


@pytest.fixture
def staff(app):
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    log_in(client)
    return client


@pytest.mark.parametrize("lang", ["en", "ar", "zh-Hans"])
def test_a_flag_names_the_sentence_shown_and_its_english(client, app, lang):
    listed = sentences(client, lang)
    ref, shown = listed[3]
    response = ask(client, lang, ref)
    assert response.status_code == 200
    told = soup(response).select_one(".ask-said")
    assert told is not None and told.has_attr("tabindex")
    assert soup(response).select_one('.ask-cancel input[name="question"]')["value"]
    [question] = app.extensions["questions"].open()
    assert (question.lang, question.sentence.text) == (lang, shown)
    english = sentences(client, "en")[3][1]
    assert (question.english.text if question.english else question.sentence.text) == english


def test_the_in_short_summary_can_be_flagged_too(client, app):
    ref, shown = soup(client.get(page_url("es"))).select(".in-short-text .sentence[data-sentence]")[0]["data-sentence"], None
    assert ask(client, "es", ref).status_code == 200
    assert app.extensions["questions"].open()[0].english is not None


@pytest.mark.parametrize("ref", ["000000000000:0", "nonsense", "", "<script>", f"{'a' * 12}:99999"])
def test_an_unknown_sentence_is_404_in_the_patients_language(client, app, ref):
    response = ask(client, "es", ref)
    assert response.status_code == 404
    assert "No pudimos encontrar" in response.get_data(as_text=True)
    assert not app.extensions["questions"].open()


def test_a_sentence_of_another_section_is_404(client):
    ref, _ = sentences(client, "en", SECTIONS[1])[2]
    assert ask(client, "en", ref).status_code == 404


def test_a_sentence_past_the_end_of_its_message_is_404(client):
    ref, _ = sentences(client, "en")[0]
    assert ask(client, "en", ref.split(":")[0] + ":40").status_code == 404


@pytest.mark.parametrize("headers", [
    {},
    {"Origin": "http://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},
    {"Origin": "null"},
])
def test_only_the_kiosks_own_page_can_flag(client, app, headers):
    ref, _ = sentences(client, "en")[2]
    assert ask(client, "en", ref, headers=headers).status_code == 403
    assert not app.extensions["questions"].open()


def test_an_origin_of_the_kiosk_itself_is_accepted_without_fetch_metadata(client, app):
    ref, _ = sentences(client, "en")[2]
    assert ask(client, "en", ref, headers={"Origin": "http://localhost"}).status_code == 200


def test_a_flood_is_limited_per_kiosk_with_a_clear_message(client, app):
    ref, _ = sentences(client, "fr")[2]
    for _ in range(questions.PER_KIOSK):
        assert ask(client, "fr", ref).status_code == 200
    response = ask(client, "fr", ref)
    assert response.status_code == 429
    assert "Le personnel a déjà plusieurs questions" in response.get_data(as_text=True)
    assert len(app.extensions["questions"].open()) == questions.PER_KIOSK
    # Another kiosk (named) may still ask.
    client.set_cookie("kiosk_name", "Room%202")
    assert ask(client, "fr", ref).status_code == 200
    assert app.extensions["questions"].open()[-1].kiosk == "Room 2"


def test_all_kiosks_together_are_limited_too(client, app, monkeypatch):
    monkeypatch.setattr(questions, "TOTAL", 3)
    ref, _ = sentences(client, "en")[2]
    for n in range(3):
        client.set_cookie("kiosk_name", f"k{n}")
        assert ask(client, "en", ref).status_code == 200
    client.set_cookie("kiosk_name", "k9")
    assert ask(client, "en", ref).status_code == 429


def test_questions_expire_after_an_hour():
    clock = [1000.0]
    store = questions.Questions(clock=lambda: clock[0])
    store.ask(kiosk=None, lang="en", leaflet="L", section="S", sentence=questions.Shown("x", "en"),
              english=None, english_is_paragraph=False)
    clock[0] += questions.EXPIRY - 1
    assert store.open()
    clock[0] += 2
    assert not store.open()


def test_the_patient_can_cancel_and_a_bad_token_is_a_clear_400(client, app):
    ref, _ = sentences(client, "en")[2]
    token = soup(ask(client, "en", ref)).select_one('input[name="question"]')["value"]
    url = f"{page_url('en')}/ask/cancel"
    assert client.post(url, data={"question": "<b>"}, headers=SAME).status_code == 400
    assert app.extensions["questions"].open()
    response = client.post(url, data={"question": token}, headers=SAME)
    assert response.status_code == 200 and "cancelled" in response.get_data(as_text=True)
    assert not app.extensions["questions"].open()


def test_nothing_is_logged_of_a_flag(client, caplog):
    ref, shown = sentences(client, "en")[2]
    ask(client, "en", ref)
    assert shown not in caplog.text and "127.0.0.1" not in caplog.text


def test_the_export_has_no_ask_button_and_no_route(app, client):
    assert soup(client.get(page_url("en"))).select('[data-sentence-action="ask"]')
    app.config["ASK_STAFF"] = False
    page = soup(client.get(page_url("en")))
    assert page.select('[data-sentence-action="listen"]') is not None
    assert not page.select('[data-sentence-action="ask"]')
    ref, _ = sentences(client, "en")[2]
    assert ask(client, "en", ref).status_code == 404


def test_staff_see_the_question_in_both_languages_and_clear_it(app, client, staff):
    ref, shown = sentences(client, "ar")[3]
    ask(client, "ar", ref)
    board = soup(staff.get("/staff/"))
    item = board.select_one("#questions .question")
    assert item.select_one(".question-shown")["lang"] == "ar"
    assert item.select_one(".question-shown")["dir"] == "rtl"
    assert item.select_one(".question-shown").get_text() == shown
    assert item.select_one(".question-english")["lang"] == "en"
    assert "A kiosk with no name" in item.get_text()
    assert app.config["QUESTIONS_POLL_SECONDS"] == 1
    assert board.select_one("#questions")["hx-trigger"] == "every 1s"
    form = item.select_one("form")
    assert staff.post(form["action"], data={"csrf_token": form.select_one("input")["value"]}).status_code == 303
    assert not app.extensions["questions"].open()


def test_the_poll_answers_204_until_something_changes(app, client, staff):
    poll = soup(staff.get("/staff/")).select_one("#questions")["hx-get"]
    assert staff.get(poll, headers={"HX-Request": "true"}).status_code == 204
    ask(client, "en", sentences(client, "en")[2][0])
    response = staff.get(poll, headers={"HX-Request": "true"})
    assert response.status_code == 200 and soup(response).select("#questions .question")


def test_the_board_outlives_the_idle_limit_but_the_rest_does_not(app, staff, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(access, "now", lambda: clock[0])
    log_in(staff)
    assert staff.get("/staff/questions").status_code == 200
    poll = soup(staff.get("/staff/questions")).select_one("#questions")["hx-get"]
    clock[0] += access.IDLE_LIMIT + 60
    # The full session has ended: the PIN form, not the settings.
    assert not soup(staff.get("/staff/")).select("table")
    # The board still polls, for the working day, and its poll does not extend it.
    for _ in range(3):
        response = staff.get(poll.split("?")[0] + "?v=x", headers={"HX-Request": "true"})
        assert "HX-Redirect" not in response.headers and soup(response).select_one("#questions")
        clock[0] += access.IDLE_LIMIT
    clock[0] += access.BOARD_LIMIT
    response = staff.get(poll, headers={"HX-Request": "true"})
    assert response.headers.get("HX-Redirect") == "/staff/"


@pytest.mark.parametrize("path", ["/staff/", "/staff/questions"])
def test_the_questions_have_one_heading_in_order_on_the_staff_screen_and_the_board(staff, path):
    page = soup(staff.get(path))
    headings = page.select("#main :is(h1, h2, h3, h4, h5, h6)")
    assert len(page.select("h1")) == 1 and headings[0].name == "h1"
    # "Questions from patients" once: the board's own title, or a section of the staff screen.
    titles = [h.get_text(" ", strip=True) for h in headings]
    assert titles.count("Questions from patients") == 1
    # No level skipped on the way down, so a screen reader's heading list reads as an outline.
    levels = [int(h.name[1]) for h in headings]
    assert all(after <= before + 1 for before, after in zip(levels, levels[1:]))
    # The section that holds the list is named by that one heading.
    section = page.select_one("section.questions-section")
    assert page.select_one(f"#{section['aria-labelledby']}").get_text() == "Questions from patients"


def test_the_board_needs_the_pin_to_open(client):
    assert client.get("/staff/questions").status_code == 303
    assert client.get("/staff/questions/list", headers={"HX-Request": "true"}).headers.get("HX-Redirect") == "/staff/"


def test_a_patient_page_ends_the_board_too(app, staff):
    staff.get("/staff/questions")
    staff.get("/en/")
    assert staff.get("/staff/questions").status_code == 303


def test_staff_name_the_kiosk_with_a_lasting_cookie(app, client, staff):
    field = soup(staff.get("/staff/")).select_one('form[action="/staff/kiosk-name"] input[name="csrf_token"]')
    response = staff.post("/staff/kiosk-name", data={"kiosk_name": "Waiting room 2", "csrf_token": field["value"]})
    cookie = response.headers["Set-Cookie"]
    assert "kiosk_name=Waiting%20room%202" in cookie and "Max-Age=315360000" in cookie and "SameSite=Strict" in cookie
    assert "Waiting room 2" in soup(staff.get("/staff/")).select_one("#kiosk").parent.get_text()
    ask(staff, "en", sentences(client, "en")[2][0])
    assert app.extensions["questions"].open()[0].kiosk == "Waiting room 2"


@pytest.mark.parametrize("name", ["", " ", "<script>", "x" * 41])
def test_a_bad_kiosk_name_is_refused(staff, name):
    field = soup(staff.get("/staff/")).select_one('form[action="/staff/kiosk-name"] input[name="csrf_token"]')
    response = staff.post("/staff/kiosk-name", data={"kiosk_name": name, "csrf_token": field["value"]})
    assert "Set-Cookie" not in response.headers or "kiosk_name" not in response.headers["Set-Cookie"]
