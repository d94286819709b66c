"""Review states (kiosk/review): a verdict is keyed by the text it judged, so any change to the
source or the translation voids it by itself; the records are files beside the catalogs."""

import json
from datetime import date

import pytest
from babel.messages.catalog import Catalog

from kiosk.review import records
from kiosk.review.records import (
    APPROVED, CHANGE_REQUESTED, CLINICIAN, TRANSLATOR, Record, RecordsError, ReviewFile,
)
from kiosk.review.signoff import sign_off_of, years_after
from kiosk.review.states import State, review


def template(*messages):
    catalog = Catalog()
    for msgid in messages:
        catalog.add(msgid, auto_comments=["Paragraph (leaflet / side-effects)"])
    return catalog


def translated(pairs, fuzzy=()):
    catalog = Catalog(locale="es")
    for msgid, msgstr in pairs.items():
        catalog.add(msgid, msgstr, flags=("fuzzy",) if msgid in fuzzy else ())
    return catalog


def approved(source, text, by="Ana Ruiz", role=TRANSLATOR, day="2026-12-07"):
    return Record(None, source, text, APPROVED, by, role, day)


def by_source(reviews):
    return {r.source: r for r in reviews}


def test_the_four_states():
    pot = template("Rest.", "Drink water.", "Call us.", "Sleep.")
    po = translated({"Rest.": "Descanse.", "Drink water.": "Beba agua.", "Call us.": "Llámenos.", "Sleep.": ""},
                    fuzzy={"Drink water."})
    kept = {
        (None, "Rest."): approved("Rest.", "Descanse."),
        (None, "Call us."): Record(None, "Call us.", "Llámenos.", CHANGE_REQUESTED, "Ana Ruiz", TRANSLATOR,
                                   "2026-12-07", "Say who to call."),
    }
    states = {source: r.state for source, r in by_source(review(pot, po, kept)).items()}
    assert states == {"Rest.": State.APPROVED, "Drink water.": State.NEEDS_EDITING,
                      "Call us.": State.NEEDS_EDITING, "Sleep.": State.UNTRANSLATED}
    assert by_source(review(pot, po, kept))["Call us."].comment == "Say who to call."


def test_an_edited_translation_voids_its_approval():
    pot = template("Rest.")
    kept = {(None, "Rest."): approved("Rest.", "Descanse.")}
    assert review(pot, translated({"Rest.": "Descanse."}), kept)[0].state is State.APPROVED
    after = review(pot, translated({"Rest.": "Descanse usted."}), kept)[0]
    assert after.state is State.WAITING
    assert after.record is None and after.stale_record == kept[None, "Rest."]


def test_a_changed_english_source_voids_the_approval_of_its_translation_and_of_itself():
    kept = {(None, "Rest."): approved("Rest.", "Descanse.")}
    english = {(None, "Rest."): approved("Rest.", "Rest.", role=CLINICIAN)}
    pot = template("Rest for a day.")  # the English changed: a new msgid
    assert review(pot, translated({"Rest for a day.": "Descanse."}), kept)[0].state is State.WAITING
    assert review(pot, None, english)[0].state is State.WAITING
    assert review(template("Rest."), None, english)[0].state is State.APPROVED


def test_a_change_request_is_answered_by_a_new_text():
    pot = template("Call us.")
    asked = {(None, "Call us."): Record(None, "Call us.", "Llámenos.", CHANGE_REQUESTED, "Ana", TRANSLATOR,
                                        "2026-12-07", "Say who to call.")}
    after = review(pot, translated({"Call us.": "Llame a la clínica."}), asked)[0]
    assert after.state is State.WAITING and after.comment == ""


def test_a_fuzzy_translation_needs_editing_even_where_its_text_was_approved():
    pot = template("Rest.")
    kept = {(None, "Rest."): approved("Rest.", "Descanse.")}
    assert review(pot, translated({"Rest.": "Descanse."}, fuzzy={"Rest."}), kept)[0].state is State.NEEDS_EDITING


def test_plural_messages_are_approved_form_by_form():
    pot = Catalog()
    pot.add(("%(n)s second", "%(n)s seconds"))
    po = Catalog(locale="es")
    po.add(("%(n)s second", "%(n)s seconds"), ("%(n)s segundo", "%(n)s segundos"))
    source = ("%(n)s second", "%(n)s seconds")
    kept = {(None, source): approved(source, ("%(n)s segundo", "%(n)s segundos"))}
    assert review(pot, po, kept)[0].state is State.APPROVED
    kept = {(None, source): approved(source, ("%(n)s segundo", "%(n)s segundoz"))}
    assert review(pot, po, kept)[0].state is State.WAITING


def test_a_review_file_round_trips_as_sorted_lines(tmp_path):
    path = records.records_path(tmp_path, "leaflet-x", "es")
    assert path == tmp_path / "es" / "LC_MESSAGES" / "leaflet-x.review.json"
    kept = ReviewFile("leaflet-x", "es", records.Provenance("Machine translation by an AI model (X)", "2026-11-26"), {
        (None, "B."): approved("B.", "Be."),
        ("ctx", "A."): Record("ctx", "A.", "A!", CHANGE_REQUESTED, "Ana", TRANSLATOR, "2026-12-07", "Shorter."),
    })
    records.write(path, kept)
    text = path.read_text(encoding="utf-8")
    assert text.index('"B."') < text.index('"A."')  # no context first, then by context
    again = records.read(path, "leaflet-x", "es")
    assert again == kept
    assert records.read(tmp_path / "none.json", "d", "es", lambda: records.Provenance("P")).provenance.translated_by == "P"


@pytest.mark.parametrize("broken", [
    "{", json.dumps({"format": 2}),
    json.dumps({"format": 1, "domain": "d", "language": "es", "records": [{"source": "A"}]}),
    json.dumps({"format": 1, "domain": "d", "language": "es", "records": [
        {"context": None, "source": "A", "text": "B", "verdict": "fine", "by": "X", "role": "clinician", "date": "2026-12-07"}]}),
    json.dumps({"format": 1, "domain": "d", "language": "es", "records": [
        {"context": None, "source": "A", "text": "B", "verdict": "approved", "by": "X", "role": "boss", "date": "2026-12-07"}]}),
    json.dumps({"format": 1, "domain": "d", "language": "es", "records": [
        {"context": None, "source": "A", "text": "B", "verdict": "approved", "by": "X", "role": "clinician", "date": "soon"}]}),
])
def test_a_broken_review_file_is_refused_with_its_path(tmp_path, broken):
    path = tmp_path / "x.review.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(RecordsError, match="x.review.json"):
        records.read(path, "d", "es")


def test_a_sign_off_needs_every_message_approved_and_dates_from_the_oldest():
    pot = template("Rest.", "Sleep.")
    po = translated({"Rest.": "Descanse.", "Sleep.": "Duerma."})
    kept = {(None, "Rest."): approved("Rest.", "Descanse.", day="2026-03-01"),
            (None, "Sleep."): approved("Sleep.", "Duerma.", by="Li Wei", day="2026-05-02")}
    english = {(None, s): approved(s, s, by="Dr Ruiz", role=CLINICIAN, day="2026-04-01") for s in ("Rest.", "Sleep.")}
    messages = review(pot, None, english) + review(pot, po, kept)
    done = sign_off_of(messages, 3)
    assert [(r.name, r.role, r.day) for r in done.reviewers] == [
        ("Dr Ruiz", CLINICIAN, date(2026, 4, 1)), ("Ana Ruiz", TRANSLATOR, date(2026, 3, 1)),
        ("Li Wei", TRANSLATOR, date(2026, 5, 2))]
    assert done.next_due == date(2029, 3, 1)
    assert sign_off_of(review(pot, None, english) + review(pot, translated({"Rest.": "Descanse.", "Sleep.": "Duerma!"}), kept)) is None
    assert sign_off_of([]) is None


def test_years_after_a_leap_day():
    assert years_after(date(2028, 2, 29), 3) == date(2031, 2, 28)
