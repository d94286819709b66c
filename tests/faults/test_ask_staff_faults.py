"""Ask staff about this, off the happy path: a restart with questions open, a stale Done from
before it, and an instance folder that cannot be written. A patient is never told that staff
were told unless the question is on the disk, and nothing staff were told is lost."""

from __future__ import annotations

import pytest

from kiosk import create_app

from helpers import LEAFLET, SECTIONS, soup

from .conftest import read_only, tmpfs
from kiosk.state import app_state

PIN = "482913"
SAME = {"Sec-Fetch-Site": "same-origin"}
PAGE = f"/{{lang}}/{LEAFLET}/{SECTIONS[0]}"


def kiosk_app(instance):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False}, instance_path=str(instance))


def ask(client, lang, n=2):
    page = soup(client.get(PAGE.format(lang=lang)))
    ref = page.select("#main .sentence[data-sentence]")[n]["data-sentence"]
    return client.post(PAGE.format(lang=lang) + "/ask", data={"sentence": ref}, headers=SAME)


def staff_client(app):
    from kiosk.staff import pin

    pin.save(app.instance_path, PIN)
    client = app.test_client()
    token = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')["value"]
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token}).status_code == 303
    return client


def board(client):
    return soup(client.get("/staff/questions")).select("#questions .question")


def test_open_questions_survive_a_restart(tmp_path):
    before = kiosk_app(tmp_path)
    patient = before.test_client()
    told = ask(patient, "ar")
    poll = soup(told).select_one(".ask-poll")["hx-get"]

    after = kiosk_app(tmp_path)  # the same instance folder: the kiosk restarted
    [question] = board(staff_client(after))
    assert question.select_one(".question-shown")["lang"] == "ar"
    # The patient's page, still open across the restart, still learns what becomes of it.
    patient_after = after.test_client()
    assert patient_after.get(poll, headers=SAME).status_code == 204


def test_a_stale_done_from_before_a_restart_clears_no_other_question(tmp_path):
    before = kiosk_app(tmp_path)
    nurse = staff_client(before)
    ask(before.test_client(), "en", 2)
    form = soup(nurse.get("/staff/questions")).select_one("#questions .question form")
    stale = (form["action"], {"csrf_token": form.select_one("input")["value"]})
    assert nurse.post(stale[0], data=stale[1]).status_code == 303
    assert not board(nurse)

    after = kiosk_app(tmp_path)
    ask(after.test_client(), "es", 3)  # another patient, after the restart
    # The same browser (its session and token outlive the restart) sends the old Done again.
    again = after.test_client()
    again.set_cookie("session", nurse.get_cookie("session").value)
    assert again.post(stale[0], data=stale[1]).status_code == 303
    [left] = board(again)
    assert left.select_one(".question-shown")["lang"] == "es"
    # Ids never repeat: the new question's id is past the old one's.
    assert [q.id for q in app_state(after).questions.open()] == [2]


@pytest.mark.root
def test_a_store_that_cannot_be_written_tells_the_patient_nobody_was_told(tmp_path):
    instance = tmp_path / "instance"
    with tmpfs(instance):
        app = kiosk_app(instance)
        patient = app.test_client()
        page = patient.get(PAGE.format(lang="es"))  # rendered before the disk goes read-only
        read_only(instance)
        ref = soup(page).select("#main .sentence[data-sentence]")[2]["data-sentence"]
        response = patient.post(PAGE.format(lang="es") + "/ask", data={"sentence": ref}, headers=SAME)
        assert response.status_code == 503
        text = soup(response).get_text(" ", strip=True)
        assert "No se ha avisado al personal" in text and "Ya avisamos" not in text
