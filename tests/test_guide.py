"""The audio guide's words: every item a patient can reach carries clips that
say its own text, in the voice of the language the text is in."""

import json

import pytest

from kiosk import create_app
from kiosk.i18n import KNOWN_LOCALES, native_name
from kiosk.jobs.crawl import ensure_registered, failed_pages, page_urls

from helpers import LEAFLET, LOCALES, SECTIONS, expected, job_for, soup
from kiosk.state import app_state

PLAY_HELP = (
    "To hear this section, choose Play. It comes right after the heading: from the heading, "
    "press the Tab key once. Use Previous and Next to move between sections."
)


def says(element):
    return json.loads(element["data-say"])


def guide_items(page):
    return page.select("[data-say]")


PAGES = ["/", "/{tag}/", f"/{{tag}}/{LEAFLET}/", f"/{{tag}}/{LEAFLET}/{SECTIONS[1]}", "/{tag}/no/such/page"]


@pytest.mark.parametrize("tag", LOCALES)
@pytest.mark.parametrize("url", PAGES)
def test_every_clip_says_its_words_in_the_voice_of_its_language(speaking_app, tag, url):
    page = soup(speaking_app.test_client().get(url.format(tag=tag)))
    speech = app_state(speaking_app).speech
    items = guide_items(page)
    assert len(items) > 10
    for item in items:
        for clip, lang, words in says(item):
            job = job_for(speaking_app, clip)
            assert (job.text, job.voice) == (words, speech.voice_for(lang))
            # Never another language's voice: a language without one is said in English.
            assert speech.voice_for(lang) is not None


@pytest.mark.parametrize("tag", [t for t in LOCALES if t not in ("en", "fil")])
def test_interface_items_are_said_in_the_page_language_as_shown(speaking_app, tag):
    page = soup(speaking_app.test_client().get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}"))
    checked = 0
    for item in page.select("#main button[data-say], #main a[data-say], #main h1[data-say], .top-bar > a[data-say]"):
        (clip, lang, words), *_ = says(item)
        assert lang == item.get("lang", tag)
        assert words == item.get_text(" ", strip=True).replace("‹ ", "").replace(" ›", "")
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize("url", ["/", "/es/", f"/ar/{LEAFLET}/{SECTIONS[2]}"])
def test_each_language_button_says_its_own_name_in_its_own_voice(speaking_app, url):
    page = soup(speaking_app.test_client().get(url))
    speech = app_state(speaking_app).speech
    links = page.select("a.language")
    assert len({a["hreflang"] for a in links}) == len(KNOWN_LOCALES)
    for link in links:
        tag = link["hreflang"]
        [(clip, lang, words)] = says(link)
        if speech.voice_for(tag):
            assert (lang, words) == (tag, native_name(KNOWN_LOCALES[tag]))
        else:  # Filipino: named in English by the English voice, never another voice
            assert (lang, words) == ("en", "Filipino")
        assert job_for(speaking_app, clip).voice == speech.voice_for(lang)


def test_a_page_without_a_voice_is_guided_in_english_marked_as_english(speaking_app):
    page = soup(speaking_app.test_client().get(f"/fil/{LEAFLET}/{SECTIONS[0]}"))
    # Everything but the language buttons, each of which names itself.
    parts = [part for item in guide_items(page) if "language" not in item.get("class", []) for part in says(item)]
    assert len(parts) >= 10 and {lang for _, lang, _ in parts} == {"en"}
    notice = page.select_one("#main .notice[data-say]")
    assert says(notice)[0][2] == "Audio is not available in this language."
    heading = page.select_one("h1[data-say]")
    assert says(heading)[0][2] == "What Are Trigger Points?"
    assert page.select_one("#guide-toggle") is not None


def test_help_says_where_you_are_then_what_you_can_do(speaking_app):
    page = soup(speaking_app.test_client().get(f"/es/{LEAFLET}/{SECTIONS[1]}"))
    help_ = json.loads(page.select_one("#page-help")["data-json"])
    where = [words for _, _, words in help_["where"]]
    assert where == ["Está en la sección 2 de 3:", page.select_one("h1").get_text()]
    # Play is one Tab from the heading a section opens on, and the help says so.
    assert [words for _, _, words in help_["what"]] == [expected("es", PLAY_HELP)]
    assert [lang for _, lang, _ in help_["what"]] == ["es"]
    phrases = json.loads(page.select_one("#guide-phrases")["data-json"])
    assert {"on", "off", "keys", "hint-link", "hint-button", "hint-heading", "hint-menu"} <= set(phrases)
    assert all(phrase["say"] and phrase["lang"] == "es" for phrase in phrases.values())


def test_the_language_button_is_named_without_its_arrow(speaking_app):
    summary = soup(speaking_app.test_client().get("/ko/")).select_one("#language-menu summary")
    assert [words for _, _, words in says(summary)] == ["언어", "Language"]
    assert "▾" not in summary.get_text()


def test_the_crawl_knows_every_clip_a_page_can_say(speaking_app, tmp_path):
    app = create_app({"TESTING": True}, instance_path=str(tmp_path))
    try:
        known = ensure_registered(app)
        assert failed_pages(app) == []
        # The guide's words are among them (clip keys are content hashes, so
        # another app rendering the page names the same clips) ...
        page = soup(speaking_app.test_client().get("/es/no/such/page"))
        for item in (page.select_one("#guide-toggle"), page.select_one("#main p[data-say]")):
            job_for(app, says(item)[0][0])
        # ... and rendering every page again, error pages included, adds none.
        client = app.test_client()
        for url in page_urls(app) + ["/es/nothing/here/at/all"]:
            client.get(url)
        client.post("/ar/")
        assert app_state(app).speech.registered() == known > 1000
    finally:
        app_state(app).speech.close()


def test_without_speech_there_is_no_guide(client):
    page = soup(client.get("/es/"))
    assert page.select_one("#guide-toggle") is None
    assert page.select("[data-say]") == []
