"""The anonymous counts of what patients understood (kiosk/counts/): the teach-back's outcomes
and "Ask staff about this" per sentence, counted per day and nothing finer, bad input refused
with a 4xx, and read by staff as "Spanish, section 1: 9 of 20 needed the replay", with
"fewer than 5" for a small count. The store holds no patient, kiosk or time of day."""

import re
import sqlite3
from datetime import date

import pytest

from kiosk import store
from kiosk.ask_staff import kiosks, questions
from kiosk.counts import summary, tally
from kiosk.counts.tally import Event, Tally
from kiosk.staff import pin
from kiosk.state import app_state

from helpers import LEAFLET, SECTIONS, soup

SAME = {"Sec-Fetch-Site": "same-origin"}
SECTION = SECTIONS[0]
PIN = "482913"


def count(client, outcome, lang="es", section=SECTION, headers=SAME, leaflet=LEAFLET):
    return client.post(f"/{lang}/{leaflet}/{section}/understood", data={"outcome": outcome}, headers=headers)


def ask(client, lang, ref, section=SECTION):
    return client.post(f"/{lang}/{LEAFLET}/{section}/ask", data={"sentence": ref}, headers=SAME)


def refs(client, lang, section=SECTION):
    page = soup(client.get(f"/{lang}/{LEAFLET}/{section}"))
    return [(s["data-sentence"], s.get_text()) for s in page.select("#main .sentence[data-sentence]")]


def rows(app):
    with store.get(app).read() as db:
        return [dict(row) for row in db.execute("SELECT * FROM understanding_count ORDER BY 1, 2, 3, 4, 5, 6")]


def staff_screen(app):
    pin.save(app.instance_path, PIN)
    client = app.test_client()
    field = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": field["value"]}).status_code == 303
    return soup(client.get("/staff/"))


def lines_on_screen(app) -> list[str]:
    screen = staff_screen(app)
    heading = screen.select_one("#understanding-heading")
    return [" ".join(li.get_text().split()) for li in heading.parent.select("li")]


@pytest.fixture
def day(app):
    """The tally's clock, a day at a time."""
    today = [date(2026, 12, 7)]
    app_state(app).tally = Tally(store.get(app), today=lambda: today[0])
    return today


def test_each_outcome_is_a_count_of_the_day_and_nothing_else(app, client, day):
    for outcome in ("right-first", "right-first", "right-after-replay", "staff-offered"):
        assert count(client, outcome).status_code == 204
    day[0] = date(2026, 12, 8)
    assert count(client, "right-first").status_code == 204
    assert rows(app) == [
        {"day": "2026-12-07", "leaflet": LEAFLET, "section": SECTION, "lang": "es", "event": event,
         "sentence": "", "count": n}
        for event, n in (("right-after-replay", 1), ("right-first", 2), ("staff-offered", 1))
    ] + [{"day": "2026-12-08", "leaflet": LEAFLET, "section": SECTION, "lang": "es", "event": "right-first",
          "sentence": "", "count": 1}]


@pytest.mark.parametrize(("url", "data", "headers", "code"), [
    (f"/es/{LEAFLET}/{SECTION}/understood", {"outcome": "wrong"}, SAME, 400),
    (f"/es/{LEAFLET}/{SECTION}/understood", {}, SAME, 400),
    (f"/es/{LEAFLET}/{SECTION}/understood", {"outcome": "asked"}, SAME, 400),  # asks are counted where they are made
    (f"/xx/{LEAFLET}/{SECTION}/understood", {"outcome": "right-first"}, SAME, 404),
    (f"/es/no-such-leaflet/{SECTION}/understood", {"outcome": "right-first"}, SAME, 404),
    (f"/es/{LEAFLET}/no-such-section/understood", {"outcome": "right-first"}, SAME, 404),
    (f"/es/{LEAFLET}/{SECTION}/understood", {"outcome": "right-first"}, {"Sec-Fetch-Site": "cross-site"}, 403),
    (f"/es/{LEAFLET}/{SECTION}/understood", {"outcome": "right-first"}, {}, 403),
    (f"/es/{LEAFLET}/{SECTION}/understood", {"outcome": "right-first"}, {"Origin": "https://elsewhere.example"}, 403),
])
def test_bad_input_is_a_clear_4xx_and_counts_nothing(app, client, url, data, headers, code):
    response = client.post(url, data=data, headers=headers)
    assert response.status_code == code
    if code == 400:
        assert "outcome must be one of: right-first, right-after-replay, staff-offered" in response.text
    assert rows(app) == []


def test_a_count_stops_at_its_cap_a_day(app, client, day, monkeypatch):
    monkeypatch.setattr(tally, "CAP", 3)
    for _ in range(5):
        assert count(client, "right-first").status_code == 204
    assert [row["count"] for row in rows(app)] == [3]
    day[0] = date(2026, 12, 8)
    assert count(client, "right-first").status_code == 204
    assert [row["count"] for row in rows(app)] == [3, 1]


def test_the_page_says_where_to_count_and_the_export_has_neither_url_nor_route(app, client):
    url = f"/es/{LEAFLET}/{SECTION}/understood"
    box = soup(client.get(f"/es/{LEAFLET}/{SECTION}")).select_one("#teach-back")
    assert box["data-count-url"] == url
    app.config["ASK_STAFF"] = False
    assert soup(client.get(f"/fr/{LEAFLET}/{SECTION}")).select_one("#teach-back").get("data-count-url") is None
    assert count(client, "right-first").status_code == 404


def test_a_question_to_staff_is_counted_once_per_sentence(app, client):
    (first, _), (second, _) = refs(client, "es")[:2]
    assert ask(client, "es", first).status_code == 200
    assert ask(client, "es", first).status_code == 200  # a double tap: one question, one count
    assert ask(client, "es", second).status_code == 200
    assert [(row["event"], row["sentence"], row["count"]) for row in rows(app)] == sorted(
        [("asked", first, 1), ("asked", second, 1)])


def test_a_refused_question_is_not_counted(app, client, monkeypatch):
    monkeypatch.setattr(questions, "PER_KIOSK", 1)
    (first, _), (second, _) = refs(client, "es")[:2]
    assert ask(client, "es", first).status_code == 200
    assert ask(client, "es", second).status_code == 429
    assert [row["sentence"] for row in rows(app)] == [first]


def test_a_count_that_fails_never_stops_a_question_reaching_staff(app, client, monkeypatch, caplog):
    def broken(*args):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(app_state(app).tally, "add_in", broken)
    ref, shown = refs(client, "es")[0]
    assert ask(client, "es", ref).status_code == 200
    [question] = app_state(app).questions.open()
    assert question.sentence.text == shown
    assert rows(app) == []
    assert "A count was not kept (the rest was): disk I/O error" in caplog.text


def test_staff_read_each_section_in_words_with_fewer_than_5_for_small_counts(app, client):
    for outcome, n in (("right-first", 11), ("right-after-replay", 5), ("staff-offered", 4)):
        for _ in range(n):
            count(client, outcome)
    count(client, "right-first", lang="ar", section=SECTIONS[2])
    (_, _), (ref, shown) = refs(client, "es")[:2]
    app_state(app).tally.add(LEAFLET, SECTION, "es", Event.ASKED, ref)
    for _ in range(6):
        app_state(app).tally.add(LEAFLET, SECTION, "es", Event.ASKED, refs(client, "es")[0][0])
    first_shown = refs(client, "es")[0][1]
    lines = lines_on_screen(app)
    assert lines[:3] == [
        "Spanish, section 1: 9 of 20 needed the replay",
        "Spanish, section 1: fewer than 5 of 20 were offered staff after a second miss",
        f"Spanish, section 1: 7 questions to staff; most asked about, 6 times: “{first_shown}”"
        f" (in English: “{refs(client, 'en')[0][1]}”)",
    ]
    assert lines[3:] == ["Arabic, section 3: fewer than 5 answered the question"]
    # The patient's sentence is marked with its language, for a screen reader (WCAG 3.1.2).
    quoted = staff_screen(app).select_one("#understanding-heading").parent.select_one("li span[lang]")
    assert (quoted["lang"], quoted.get_text()) == ("es", first_shown)


def test_the_summary_names_a_sentence_whose_text_changed_honestly(app):
    app_state(app).tally.add(LEAFLET, SECTION, "es", Event.ASKED, "0123456789ab:0")
    with app.test_request_context("/staff/"):
        [found] = summary.summaries(app_state(app).tally, app_state(app).leaflets.values())
    assert found.number == 1 and found.most_asked[0].shown is None
    assert found.language("es").lines == found.lines and found.language("fr") is None
    assert found.lines == (
        "Spanish, section 1: fewer than 5 questions to staff; most asked about, fewer than 5 times:"
        " a sentence whose text has changed since",
    )


def test_the_staff_screen_says_when_nothing_is_counted_yet(app):
    assert staff_screen(app).select_one("#understanding-none") is not None


def test_nothing_in_the_store_identifies_a_patient_or_a_time_of_day(app, client):
    """A walk of requests, as patients on two kiosks make them, then everything the store
    holds once their questions have ended: counts by day, and nothing else."""
    clock = [1_000_000.0]
    app_state(app).questions = questions.Questions(store.get(app), clock=lambda: clock[0])
    other = app.test_client()
    for walker in (client, other):
        listed = refs(walker, "es")
        for outcome in ("right-first", "right-after-replay", "staff-offered"):
            assert count(walker, outcome).status_code == 204
        assert count(walker, "right-first", lang="zh-Hans", section=SECTIONS[1]).status_code == 204
        told = ask(walker, "es", listed[2][0])
        token = soup(told).select_one('.ask-cancel input[name="question"]')["value"]
        assert walker.post(f"/es/{LEAFLET}/{SECTION}/ask/cancel", data={"question": token},
                           headers=SAME).status_code == 200
    kiosk_ids = {walker.get_cookie(kiosks.ID_COOKIE).value for walker in (client, other)}
    assert len(kiosk_ids) == 2
    clock[0] += questions.KEEP_ENDED + 1
    app_state(app).questions.open()  # any write tidies what ended long enough ago

    with sqlite3.connect(store.get(app).path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        held = {table: db.execute(f"SELECT * FROM {table}").fetchall() for table in tables - {"sqlite_sequence"}}
        columns = [(row[1], row[2]) for row in db.execute("PRAGMA table_info(understanding_count)")]
        with pytest.raises(sqlite3.OperationalError):  # no rowid: no order in which rows came
            db.execute("SELECT rowid FROM understanding_count")
    db.close()
    assert {table for table, found in held.items() if found} == {"understanding_count"}
    # Only what a count is about: a day, the page's parts, the event, the sentence's place.
    assert columns == [("day", "TEXT"), ("leaflet", "TEXT"), ("section", "TEXT"), ("lang", "TEXT"),
                       ("event", "TEXT"), ("sentence", "TEXT"), ("count", "INTEGER")]
    every_value = [value for row in held["understanding_count"] for value in row]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row[0]) for row in held["understanding_count"])
    assert not any(isinstance(value, float) for value in every_value)
    assert not {str(value) for value in every_value} & kiosk_ids
    assert sorted((row[3], row[4], row[5], row[6]) for row in held["understanding_count"]) == sorted([
        ("es", "asked", listed[2][0], 2), ("es", "right-after-replay", "", 2), ("es", "right-first", "", 2),
        ("es", "staff-offered", "", 2), ("zh-Hans", "right-first", "", 2),
    ])
