"""Ask staff about this (kiosk/ask_staff/, kiosk/ask_staff/board.py): a flag names a real
sentence, comes from the kiosk's own page, is limited without locking patients out, reaches
the staff screen in both languages, and the board outlives the staff session's idle limit.
What survives a restart, and what a patient is told when nobody was, is in
tests/faults/test_ask_staff_faults.py."""

import re

import pytest

from kiosk import store
from kiosk.ask_staff import kiosks, questions
from kiosk.staff import access, pin

from helpers import LEAFLET, SECTIONS, soup
from kiosk.state import app_state

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
    [question] = app_state(app).questions.open()
    assert (question.lang, question.sentence.text) == (lang, shown)
    assert question.kiosk_name is None and len(question.kiosk_id) == 16
    english = sentences(client, "en")[3][1]
    assert (question.english.text if question.english else question.sentence.text) == english


def test_the_in_short_summary_can_be_flagged_too(client, app):
    ref, shown = soup(client.get(page_url("es"))).select(".in-short-text .sentence[data-sentence]")[0]["data-sentence"], None
    assert ask(client, "es", ref).status_code == 200
    assert app_state(app).questions.open()[0].english is not None


@pytest.mark.parametrize("ref", ["000000000000:0", "nonsense", "", "<script>", f"{'a' * 12}:99999"])
def test_an_unknown_sentence_is_404_in_the_patients_language(client, app, ref):
    response = ask(client, "es", ref)
    assert response.status_code == 404
    assert "No pudimos encontrar" in response.get_data(as_text=True)
    assert not app_state(app).questions.open()


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
    assert not app_state(app).questions.open()


def test_an_origin_of_the_kiosk_itself_is_accepted_without_fetch_metadata(client, app):
    ref, _ = sentences(client, "en")[2]
    assert ask(client, "en", ref, headers={"Origin": "http://localhost"}).status_code == 200


NOT_TOLD_ES = "Por favor, pregunte en la recepción. No se ha avisado al personal."


def test_a_kiosk_keeps_the_id_it_is_given_with_its_first_question(client, app):
    response = ask(client, "en", sentences(client, "en")[2][0])
    cookie = response.headers["Set-Cookie"]
    assert "kiosk_id=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Max-Age=315360000" in cookie
    kiosk_id = client.get_cookie("kiosk_id").value
    ask(client, "en", sentences(client, "en")[3][0])
    assert {q.kiosk_id for q in app_state(app).questions.open()} == {kiosk_id}


def test_a_double_tap_is_one_question_and_one_cancel_ends_it(client, app):
    ref, _ = sentences(client, "es")[2]
    first, second = ask(client, "es", ref), ask(client, "es", ref)
    token = soup(first).select_one('input[name="question"]')["value"]
    assert soup(second).select_one('input[name="question"]')["value"] == token
    assert len(app_state(app).questions.open()) == 1
    client.post(f"{page_url('es')}/ask/cancel", data={"question": token}, headers=SAME)
    assert not app_state(app).questions.open()


def test_one_kiosk_is_limited_but_other_kiosks_are_not(client, app):
    listed = sentences(client, "fr")
    for ref, _ in listed[:questions.PER_KIOSK]:
        assert ask(client, "fr", ref).status_code == 200
    response = ask(client, "fr", listed[questions.PER_KIOSK][0])
    assert response.status_code == 429
    # The truth, in the patient's language: nobody is coming.
    text = soup(response).get_text(" ", strip=True)
    assert "Le personnel n’a pas été prévenu" in text and "a été prévenu. Veuillez attendre" not in text
    assert len(app_state(app).questions.open()) == questions.PER_KIOSK
    # Another kiosk, never named, may still ask: unnamed kiosks no longer share one limit.
    other = app.test_client()
    assert ask(other, "fr", listed[questions.PER_KIOSK][0]).status_code == 200


def test_six_unnamed_kiosks_each_reach_staff(app):
    for n in range(6):
        kiosk = app.test_client()
        response = ask(kiosk, "es", sentences(kiosk, "es")[2][0])
        assert response.status_code == 200, n
        assert "Ya avisamos" in response.get_data(as_text=True)
    assert len({q.kiosk_id for q in app_state(app).questions.open()}) == 6


def test_forged_kiosk_ids_from_one_address_cannot_fill_the_board(app):
    """200 questions with a new forged kiosk id each, from one address: that address gets its
    limit, and a kiosk elsewhere can still ask."""
    attacker = app.test_client()
    ref, _ = sentences(attacker, "en")[2]
    told = 0
    for n in range(200):
        attacker.set_cookie("kiosk_id", kiosks.new_id())
        attacker.set_cookie("kiosk_name", f"Reception%20{n}")
        told += ask(attacker, "en", ref).status_code == 200
    assert told == questions.PER_ADDRESS
    nurse_side = app.test_client()
    response = nurse_side.post(
        f"{page_url('en')}/ask", data={"sentence": ref}, headers=SAME, environ_base={"REMOTE_ADDR": "10.0.0.7"},
    )
    assert response.status_code == 200
    assert "has been told" in response.get_data(as_text=True)


def test_all_kiosks_together_are_limited_too(app, monkeypatch):
    monkeypatch.setattr(questions, "TOTAL", 3)
    for n in range(4):
        kiosk = app.test_client()
        response = kiosk.post(
            f"{page_url('es')}/ask", data={"sentence": sentences(kiosk, "es")[2][0]}, headers=SAME,
            environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
        )
        assert response.status_code == (200 if n < 3 else 429)
    assert NOT_TOLD_ES in response.get_data(as_text=True)


def test_questions_expire_after_an_hour(app, client):
    clock = [1000.0]
    app_state(app).questions = questions.Questions(store.get(app), clock=lambda: clock[0])
    ask(client, "en", sentences(client, "en")[2][0])
    clock[0] += questions.EXPIRY - 1
    assert app_state(app).questions.open()
    clock[0] += 2
    assert not app_state(app).questions.open()


def status_url(response, lang="es"):
    return soup(response).select_one(".ask-poll")["hx-get"]


def test_the_patients_page_learns_when_staff_saw_to_the_question(app, client, staff):
    response = ask(client, "es", sentences(client, "es")[2][0])
    poll = soup(response).select_one(".ask-poll")
    assert poll["hx-trigger"] == "every 3s" and poll["hx-replace-url"] == "false"
    assert client.get(poll["hx-get"], headers=SAME).status_code == 204
    form = soup(staff.get("/staff/")).select_one("#questions .question form")
    staff.post(form["action"], data={"csrf_token": form.select_one("input")["value"]})
    answer = client.get(poll["hx-get"], headers=SAME)
    assert answer.status_code == 200
    assert soup(answer).select_one(".ask-said").get_text() == "Un miembro del personal ha visto su pregunta."


def test_the_patients_page_is_told_the_truth_when_a_question_expires(app, client):
    clock = [1000.0]
    app_state(app).questions = questions.Questions(store.get(app), clock=lambda: clock[0])
    poll = soup(ask(client, "es", sentences(client, "es")[2][0])).select_one(".ask-poll")["hx-get"]
    clock[0] += questions.EXPIRY + 1
    text = soup(client.get(poll, headers=SAME)).get_text(" ", strip=True)
    assert "Su pregunta se ha cerrado" in text and "ha visto" not in text


def test_a_cancelled_question_is_said_so_to_a_late_poll(client):
    response = ask(client, "en", sentences(client, "en")[2][0])
    token = soup(response).select_one('input[name="question"]')["value"]
    client.post(f"{page_url('en')}/ask/cancel", data={"question": token}, headers=SAME)
    answer = client.get(status_url(response), headers=SAME)
    assert "cancelled" in answer.get_data(as_text=True)


def test_the_address_after_asking_is_the_section_itself(client):
    """Every request of the question keeps the section's address; an old /ask address
    (from a page before this fix) leads back to the section, never to a 405."""
    page = soup(client.get(page_url("es")))
    form = page.select_one("#sentence-bar form")
    assert form["hx-replace-url"] == "false"
    response = soup(ask(client, "es", sentences(client, "es")[2][0]))
    assert all(element["hx-replace-url"] == "false" for element in response.select("[hx-post], [hx-get]"))
    reload = client.get(f"{page_url('es')}/ask")
    assert reload.status_code == 303 and reload.headers["Location"].endswith(page_url("es"))


def test_the_patient_can_cancel_and_a_bad_token_is_a_clear_400(client, app):
    ref, _ = sentences(client, "en")[2]
    token = soup(ask(client, "en", ref)).select_one('input[name="question"]')["value"]
    url = f"{page_url('en')}/ask/cancel"
    assert client.post(url, data={"question": "<b>"}, headers=SAME).status_code == 400
    assert app_state(app).questions.open()
    response = client.post(url, data={"question": token}, headers=SAME)
    assert response.status_code == 200 and "cancelled" in response.get_data(as_text=True)
    assert not app_state(app).questions.open()


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
    kiosk_id = client.get_cookie("kiosk_id").value
    assert f"Kiosk {kiosk_id[:4]} (no name yet)" in item.get_text()
    assert f"Kiosk {kiosk_id[:4]} has no name yet" in board.select_one(".unnamed-kiosks").get_text()
    assert app.config["QUESTIONS_POLL_SECONDS"] == 1
    assert board.select_one("#questions")["hx-trigger"] == "every 1s"
    form = item.select_one("form")
    assert staff.post(form["action"], data={"csrf_token": form.select_one("input")["value"]}).status_code == 303
    assert not app_state(app).questions.open()


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
    assert app_state(app).questions.open()[0].kiosk_name == "Waiting room 2"


@pytest.mark.parametrize(("name", "kept"), [
    ("प्रतीक्षा कक्ष 2", "प्रतीक्षा कक्ष 2"),  # Hindi: letters with combining vowel signs
    ("Cafe\u0301 2", "Café 2"),  # a decomposed accent, kept as one NFC name
    ("غرفة الانتظار 2", "غرفة الانتظار 2"),  # Arabic with a Latin number
    ("候诊室 B", "候诊室 B"),
    ("x" * 40, "x" * 40),
])
def test_names_in_any_script_are_accepted(app, client, staff, name, kept):
    field = soup(staff.get("/staff/")).select_one('form[action="/staff/kiosk-name"] input[name="csrf_token"]')
    staff.post("/staff/kiosk-name", data={"kiosk_name": name, "csrf_token": field["value"]})
    ask(staff, "en", sentences(client, "en")[2][0])
    assert app_state(app).questions.open()[0].kiosk_name == kept
    # On the board, isolated for bidi: an Arabic name never reorders what stands beside it.
    log_in(staff)  # asking was a patient's page: it ended the staff session
    assert soup(staff.get("/staff/")).select_one("#questions .question-kiosk bdi").get_text() == kept


@pytest.mark.parametrize("name", ["", " ", "<script>", "x" * 41, "\u202eevil", "a\u0000b", "\u0301"])
def test_a_bad_kiosk_name_is_refused(staff, name):
    field = soup(staff.get("/staff/")).select_one('form[action="/staff/kiosk-name"] input[name="csrf_token"]')
    response = staff.post("/staff/kiosk-name", data={"kiosk_name": name, "csrf_token": field["value"]})
    assert "Set-Cookie" not in response.headers or "kiosk_name" not in response.headers["Set-Cookie"]


@pytest.mark.parametrize("token", ["<script>", "a" * 65, "short", "%00" * 5])
def test_a_poll_with_a_junk_token_is_a_clear_404_in_the_patients_language(client, token):
    response = client.get(f"{page_url('es')}/ask/{token}", headers=SAME)
    assert response.status_code == 404
    assert "No pudimos encontrar" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_a_poll_from_another_site_is_refused(client):
    response = ask(client, "en", sentences(client, "en")[2][0])
    poll = status_url(response)
    assert client.get(poll, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.get(poll, headers=SAME).status_code == 204


def test_a_done_with_an_out_of_date_token_is_told_plainly(app, client, staff):
    ask(client, "en", sentences(client, "en")[2][0])
    form = soup(staff.get("/staff/questions")).select_one("#questions .question form")
    response = staff.post(form["action"], data={"csrf_token": "out-of-date"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/")
    assert "out of date" in soup(staff.get("/staff/")).get_text()
    assert app_state(app).questions.open()  # nothing was done
