"""The review screen (/staff/review), the patient's sign-off mark and the "Show only reviewed
translations" setting (issue 32). Each test reviews a copy of the shipped catalogs, since the
screen writes its records beside them."""

import json
import shutil
from datetime import date, timedelta

import pytest

from kiosk import create_app
from kiosk.i18n import KNOWN_LOCALES
from kiosk.i18n.catalogs import INTERFACE, TRANSLATIONS, leaflet_domain
from kiosk.review import records
from kiosk.review.records import APPROVED, CLINICIAN, TRANSLATOR, Record
from kiosk.review.signoff import years_after
from kiosk.review.states import State, fingerprint
from kiosk.staff import pin, settings
from kiosk.state import app_state

from helpers import LEAFLET, soup

PIN = "482913"
DOMAIN = leaflet_domain(LEAFLET)
LAST = "/es/trigger-point-injections/what-to-expect"  # its last section
PRINT = "/es/trigger-point-injections/print"


@pytest.fixture
def translations(tmp_path):
    """A copy of the shipped catalogs, compiled (the session's compiled_catalogs made the .mo)."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy)
    return copy


def kiosk(translations, instance):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False,
                      "BABEL_TRANSLATION_DIRECTORIES": str(translations)}, instance_path=str(instance))
    pin.save(app.instance_path, PIN)
    return app


@pytest.fixture
def app(translations, tmp_path):
    return kiosk(translations, tmp_path / "instance")


def token(client, url):
    field = soup(client.get(url)).select_one('input[name="csrf_token"]')
    assert field is not None, f"no form on {url}"
    return field["value"]


def reviewer(client, name="Dr Ana Ruiz", role=CLINICIAN):
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client, "/staff/")}).status_code == 303
    answer = client.post("/staff/review/reviewer",
                         data={"name": name, "role": role, "csrf_token": token(client, "/staff/review/")})
    assert answer.status_code == 303


def verdict(client, lang, number, verdict="approve", comment="", seen=None):
    url = f"/staff/review/{lang}/{DOMAIN}/{number}"
    page = soup(client.get(url))
    seen = seen if seen is not None else page.select_one('input[name="seen"]')["value"]
    return client.post(url, data={"verdict": verdict, "comment": comment, "seen": seen,
                                  "csrf_token": page.select_one('input[name="csrf_token"]')["value"]})


def text(response):
    return " ".join(soup(response).get_text().split())


def approve_all(app, tag, day: date, but: int | None = None):
    """Approve every message of the leaflet in `tag` in its review file, as the screen would
    (all but the message numbered `but`); read by the next app built on these catalogs."""
    reviews = app_state(app).reviews
    role = CLINICIAN if tag == "en" else TRANSLATOR
    kept = reviews.file(DOMAIN, tag)
    for number, message in enumerate(reviews.messages(DOMAIN, tag), 1):
        if number != but:
            record = Record(message.context, message.source, message.text, APPROVED,
                            "Dr Ana Ruiz" if tag == "en" else "Luis Pérez", role, day.isoformat())
            kept.records[record.key] = record
    records.write(reviews.path(DOMAIN, tag), kept)


def test_the_screen_approves_and_the_approval_survives_a_new_app(app, translations, tmp_path):
    client = app.test_client()
    reviewer(client)
    answer = verdict(client, "en", 1)
    assert answer.status_code == 303 and answer.location.endswith(f"/staff/review/en/{DOMAIN}/2#review-notice")
    assert "Approved: message 1." in text(client.get(answer.location))
    written = (translations / f"{DOMAIN}.review.json").read_text(encoding="utf-8")
    assert '"by": "Dr Ana Ruiz"' in written and '"role": "clinician"' in written
    again = kiosk(translations, tmp_path / "another-instance")
    first = app_state(again).reviews.messages(DOMAIN, "en")[0]
    assert first.state is State.APPROVED and first.record.by == "Dr Ana Ruiz"
    assert app_state(again).reviews.progress(DOMAIN, "en")[State.APPROVED] == 1


def test_a_change_asked_for_is_an_open_comment_until_the_text_changes(app):
    client = app.test_client()
    reviewer(client, "Luis Pérez", TRANSLATOR)
    assert verdict(client, "es", 2, "change", "").status_code == 400
    assert verdict(client, "es", 2, "change", "Use “punto gatillo”.").status_code == 303
    page = text(client.get("/staff/review/"))
    assert "Use “punto gatillo”." in page and "Luis Pérez (medical translator)" in page
    assert app_state(app).reviews.messages(DOMAIN, "es")[1].state is State.NEEDS_EDITING


def test_the_finding_of_the_independent_read_is_the_first_open_comment(app):
    client = app.test_client()
    reviewer(client)
    comments = soup(client.get("/staff/review/")).select(".review-comments li")
    found = " ".join(comments[0].get_text().split())
    assert "Call your doctor if they last or get worse." in found
    assert "Wording 1" in found and "Wording 2" in found
    # The teach-back's answer that echoed the leaflet is replaced (part 6), and the comment says so.
    assert "Wait a few more weeks" in found and "Nothing, it is normal" in found


def test_each_section_shows_what_patients_did_not_understand_in_its_language(app):
    """Part 5's counts, where a clinic decides what to rewrite: "Spanish, section 1: 9 of 20
    needed the replay", and the sentence most asked about, marked with its language."""
    from kiosk.counts.tally import Event

    tally = app_state(app).tally
    section = app_state(app).leaflets[LEAFLET].sections[0]
    for event, n in ((Event.RIGHT_FIRST, 11), (Event.RIGHT_AFTER_REPLAY, 9)):
        for _ in range(n):
            tally.add(LEAFLET, section.slug, "es", event)
    client = app.test_client()
    reviewer(client, "Ana Ruiz", TRANSLATOR)
    page = soup(client.get(f"/staff/review/es/{DOMAIN}/"))
    counted = page.select_one(f"#part-{section.slug}").parent.select_one(".section-counts")
    assert counted is not None and "Spanish, section 1: 9 of 20 needed the replay" in counted.get_text()
    assert page.select(".section-counts") == [counted]  # the other sections counted nothing
    french = soup(client.get(f"/staff/review/fr/{DOMAIN}/"))
    assert french.select(".section-counts") == []  # nor did French


@pytest.mark.parametrize("role, lang, code", [
    (TRANSLATOR, "en", 403),  # a translator approves translations, not the English
    (CLINICIAN, "es", 403),  # and a clinician the English, not a translation
    (records.COMMENTER, "es", 403),
])
def test_only_the_right_role_approves(app, role, lang, code):
    client = app.test_client()
    reviewer(client, "Someone", role)
    answer = verdict(client, lang, 1, seen=fingerprint(app_state(app).reviews.messages(DOMAIN, lang)[0].text))
    assert answer.status_code == code
    assert app_state(app).reviews.progress(DOMAIN, lang)[State.APPROVED] == 0


def test_a_verdict_on_a_text_that_changed_since_it_was_shown_is_refused(app):
    client = app.test_client()
    reviewer(client)
    answer = verdict(client, "en", 1, seen=fingerprint("Another text"))
    assert answer.status_code == 409 and "The text changed" in text(answer)


@pytest.mark.parametrize("url", [f"/staff/review/xx/{DOMAIN}/1", "/staff/review/es/leaflet-nothing/1",
                                 f"/staff/review/es/{DOMAIN}/0", f"/staff/review/es/{DOMAIN}/999",
                                 f"/staff/review/es/{DOMAIN}/abc"])
def test_an_unknown_message_is_404(app, url):
    client = app.test_client()
    reviewer(client)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name, role", [("", CLINICIAN), ("x" * 81, CLINICIAN), ("Ana", "boss"), ("A\x07na", CLINICIAN)])
def test_a_bad_reviewer_is_400(app, name, role):
    client = app.test_client()
    reviewer_page = "/staff/review/"
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client, "/staff/")}).status_code == 303
    answer = client.post("/staff/review/reviewer", data={"name": name, "role": role,
                                                          "csrf_token": token(client, reviewer_page)})
    assert answer.status_code == 400


def test_no_verdict_without_a_reviewer_or_a_staff_session(app):
    client = app.test_client()
    assert client.get("/staff/review/").status_code == 303  # to the PIN form
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client, "/staff/")}).status_code == 303
    answer = verdict(client, "en", 1, seen=fingerprint(app_state(app).reviews.messages(DOMAIN, "en")[0].text))
    assert answer.status_code == 303 and answer.location.endswith("/staff/review/#review-notice")
    assert app_state(app).reviews.progress(DOMAIN, "en")[State.APPROVED] == 0


def test_patients_see_the_sign_off_once_every_message_is_approved_and_not_a_stale_page(app, translations):
    reviews = app_state(app).reviews
    day = date(2026, 12, 7)
    approve_all(app, "en", day)
    approve_all(app, "es", day, but=1)
    client = kiosk(translations, app.instance_path + "-2").test_client()
    served = client.application
    for url in (LAST, PRINT):
        page = text(client.get(url))
        assert "Revisado por" not in page and "Próxima revisión" not in page
    assert LAST in app_state(served).page_cache.pages()  # kept: an approval must not leave it stale
    # The last message, approved on the screen, completes the leaflet in Spanish.
    staff = client  # the same browser: the kiosk's staff screen
    reviewer(staff, "Luis Pérez", TRANSLATOR)
    assert verdict(staff, "es", 1).status_code == 303
    for url in (LAST, PRINT):
        page = text(client.get(url))
        assert "Revisado por Dr Ana Ruiz (profesional de la salud) el 7 de diciembre de 2026." in page
        assert f"Revisado por Luis Pérez (traductor médico) el {date.today().day} de" in page
        assert "Próxima revisión: 7 de diciembre de 2029." in page
    # Only on the last section.
    assert "Revisado por" not in text(client.get("/es/trigger-point-injections/what-are-trigger-points"))
    assert reviews is not app_state(served).reviews


def test_the_english_leaflet_is_signed_off_by_its_clinician(app, translations):
    approve_all(app, "en", date(2026, 12, 7))
    client = kiosk(translations, app.instance_path + "-2").test_client()
    page = text(client.get("/en/trigger-point-injections/print"))
    assert "Reviewed by Dr Ana Ruiz (clinician) on December 7, 2026. Next review due December 7, 2029." in page
    assert "Reviewed by" not in text(client.get(PRINT))  # Spanish: its translation is not approved


def test_the_clinic_sets_the_years_between_reviews(app, translations):
    approve_all(app, "en", date(2026, 12, 7))
    served = kiosk(translations, app.instance_path + "-2")
    settings.save(served, settings.Settings(review_years=2))
    settings.apply(served, settings.Settings(review_years=2))
    assert "Next review due December 7, 2028." in text(served.test_client().get("/en/trigger-point-injections/print"))


def test_only_reviewed_translations_fall_back_to_english_marked_as_english(app, translations):
    served = kiosk(translations, app.instance_path + "-2")
    client = served.test_client()
    title = soup(client.get(LAST)).select_one(".leaflet-title")
    assert title.get_text() == "Inyecciones en puntos gatillo" and not title.get("lang")
    settings.apply(served, settings.Settings(show_only_reviewed=True))
    page = soup(client.get(LAST))
    title = page.select_one(".leaflet-title")
    assert title.get_text() == "Trigger Point Injections" and title["lang"] == "en"
    assert page.select_one(".fallback-notice") is not None  # "Some parts of this page are not translated yet."
    # Approved on the screen: shown in Spanish again, at once.
    reviewer(client, "Luis Pérez", TRANSLATOR)
    number = next(n for n, m in enumerate(app_state(served).reviews.messages(DOMAIN, "es"), 1)
                  if m.source == "Trigger Point Injections")
    assert verdict(client, "es", number).status_code == 303
    title = soup(client.get(LAST)).select_one(".leaflet-title")
    assert title.get_text() == "Inyecciones en puntos gatillo" and not title.get("lang")


def test_the_setting_is_saved_from_the_staff_screen_and_kept(app, translations):
    client = app.test_client()
    reviewer(client)
    form = {"default_language": "en", "idle_seconds": "120", "show_only_reviewed": "on", "review_years": "2",
            "csrf_token": token(client, "/staff/")}
    assert client.post("/staff/settings", data=form).status_code == 303
    assert settings.load(app) == settings.Settings("en", 120, True, 2)
    assert client.post("/staff/settings", data={**form, "review_years": "7"}).status_code == 400


@pytest.mark.parametrize("days_left, shown", [(40, None), (20, "is due on"), (-1, "overdue")])
def test_the_staff_screen_warns_of_a_review_due_within_30_days_or_overdue(app, translations, days_left, shown):
    due = date.today() + timedelta(days=days_left)
    approve_all(app, "en", years_after(due, -3))  # approved 3 years before it is due
    served = kiosk(translations, app.instance_path + "-2")
    client = served.test_client()
    assert client.post("/staff/login", data={"pin": PIN, "csrf_token": token(client, "/staff/")}).status_code == 303
    warning = soup(client.get("/staff/")).select_one(f"#review-due-{LEAFLET}-en")
    if shown is None:
        assert warning is None
    else:
        assert shown in warning.get_text()


def test_an_unreviewed_translation_is_spoken_as_english(translations, tmp_path):
    """With the setting on, the fallback is said by the English voice, as an untranslated text is."""
    from kiosk.speech import ThreadExecutor
    from speech.fakes import FakeEngine

    served = create_app({"TESTING": True, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                        instance_path=str(tmp_path / "speaking"), speech_executor=ThreadExecutor(FakeEngine))
    try:
        client = served.test_client()
        said = json.loads(soup(client.get(LAST)).select_one(".leaflet-title")["data-say"])
        assert [(lang, words) for _, lang, words in said] == [("es", "Inyecciones en puntos gatillo")]
        settings.apply(served, settings.Settings(show_only_reviewed=True))
        said = json.loads(soup(client.get(LAST)).select_one(".leaflet-title")["data-say"])
        assert [(lang, words) for _, lang, words in said] == [("en", "Trigger Point Injections")]
    finally:
        app_state(served).speech.close()


def test_only_reviewed_interface_texts_fall_back_and_the_page_says_so(app, translations):
    """The leaflet all approved in Spanish but not the kiosk's own words: with the setting on, the
    page tells the patient part of it is in English (what it knew of the interface is not kept)."""
    approve_all(app, "es", date(2026, 12, 7))
    served = kiosk(translations, app.instance_path + "-2")
    client = served.test_client()
    assert soup(client.get("/es/trigger-point-injections/")).select_one(".fallback-notice") is None
    settings.apply(served, settings.Settings(show_only_reviewed=True))
    page = soup(client.get("/es/trigger-point-injections/"))
    assert page.select_one(".fallback-notice") is not None
    assert page.select_one("h1").get_text(strip=True) == "Inyecciones en puntos gatillo"  # approved: Spanish


def test_a_broken_review_file_counts_for_nothing_and_is_named(app, translations):
    path = translations / "es" / "LC_MESSAGES" / f"{DOMAIN}.review.json"
    approve_all(app, "es", date(2026, 12, 7))
    path.write_text(path.read_text(encoding="utf-8").replace('"approved"', '"aproved"', 1), encoding="utf-8")
    served = kiosk(translations, app.instance_path + "-2")
    assert app_state(served).reviews.progress(DOMAIN, "es")[State.APPROVED] == 0
    client = served.test_client()
    problems = client.get("/healthz").get_json()["warnings"]
    assert any(str(path) in problem and "nothing in it counts as reviewed" in problem for problem in problems)
    # The screen does not write over it.
    reviewer(client, "Luis Pérez", TRANSLATOR)
    assert verdict(client, "es", 1).status_code == 400
    assert '"aproved"' in path.read_text(encoding="utf-8")


def test_the_help_says_a_clinician_checked_it_only_once_the_leaflet_is_signed_off(app, translations):
    checked = "Ayuda del quiosco en lenguaje sencillo, revisada por un profesional de la salud."
    unchecked = "Ayuda del quiosco en lenguaje sencillo, que todavía no ha revisado un profesional de la salud."
    words_checked = "Las ha revisado un profesional de la salud."
    first = "/es/trigger-point-injections/what-are-trigger-points"
    client = app.test_client()
    assert {p.get_text() for p in soup(client.get(first)).select(".in-short .help-note, #word-dialog .help-note")} == {unchecked}
    assert words_checked not in text(client.get("/es/trigger-point-injections/words"))
    approve_all(app, "en", date(2026, 12, 7))
    approve_all(app, "es", date(2026, 12, 7))
    client = kiosk(translations, app.instance_path + "-2").test_client()
    assert {p.get_text() for p in soup(client.get(first)).select(".in-short .help-note, #word-dialog .help-note")} == {checked}
    assert words_checked in text(client.get("/es/trigger-point-injections/words"))
    printed = text(client.get(PRINT))
    assert checked in printed and words_checked in printed and unchecked not in printed
