"""The body map under "Trigger points commonly occur in:": drawn for the
list it illustrates, labelled with the list's own (translated) items, named
for assistive technology, and each place spoken by the audio guide."""

import json
from collections import Counter

import pytest
from flask import render_template_string

from kiosk import create_app
from kiosk.content import BulletList

from helpers import LEAFLET, SECTIONS, catalog, catalog_with_fuzzy, expected, job_for, soup
from kiosk.state import app_state

URL = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"
TAGS = ["en", "es", "ar", "zh-Hans", "fil"]
# The places the figure marks, top to bottom, by the English item that names them.
BACK = [("neck", "Neck"), ("upper-back", "Upper back"), ("lower-back", "Lower back"), ("buttocks", "Buttocks")]
FRONT = [("neck", "Neck")]
CAPTIONS = {"front": "Seen from the front", "back": "Seen from the back"}


def body_map(page):
    figures = page.select("figure.body-map")
    assert len(figures) == 1, "one body map on the section"
    return figures[0]


def view(figure, name):
    (found,) = figure.select(f"figure.body-map-{name}")
    return found


def places(view_element):
    return view_element.select(".body-map-place")


def shown(tag, msgid):
    """(text, lang mark) a page in `tag` shows for a message that may not be
    translated yet: its translation unmarked, or the English marked "en"."""
    if tag == "en":
        return msgid, None
    message = catalog(tag).get(msgid)
    if message is not None and message.string and not message.fuzzy:
        return message.string, None
    return msgid, "en"


def accessible_name(page, element):
    """The name aria-labelledby gives `element`: its referents' text, joined by spaces."""
    ids = element["aria-labelledby"].split()
    parts = []
    for ref in ids:
        target = page.find(id=ref)
        assert target is not None, f"aria-labelledby names a missing id {ref!r}"
        parts.append(target.get_text(" ", strip=True))
    return " ".join(parts)


@pytest.mark.parametrize("tag", TAGS)
def test_the_figure_is_under_its_list_and_marks_each_place_in_the_page_language(client, tag):
    page = soup(client.get(URL.format(tag=tag)))
    figure = body_map(page)
    # Right after the list it draws, inside the section's article.
    previous = figure.find_previous_sibling()
    assert previous.name == "ul" and "bullets" in previous["class"]
    assert [li.get_text(strip=True) for li in previous.select("li")] == [
        expected(tag, msgid) for msgid in ("Buttocks", "Upper back", "Lower back", "Neck")
    ]
    for name, marked in (("front", FRONT), ("back", BACK)):
        found = places(view(figure, name))
        assert [p["data-place"] for p in found] == [key for key, _ in marked]
        assert [p.select_one(".body-map-name").get_text(strip=True) for p in found] == [
            expected(tag, msgid) for _, msgid in marked
        ]
        for place in found:
            # Translated, so in the page's language: no lang mark of its own.
            assert not place.select_one(".body-map-name").has_attr("lang")
            # Each marked place has its hatched shape in that view's drawing.
            svg = view(figure, name).select_one("svg")
            assert svg.select(f"path.body-map-zone-{place['data-place']}")
        # And nothing is marked that the list does not name.
        assert len(view(figure, name).select("svg .body-map-zone")) == len(marked)


@pytest.mark.parametrize("tag", TAGS)
def test_each_view_is_an_image_named_by_its_caption_and_places(client, tag):
    page = soup(client.get(URL.format(tag=tag)))
    figure = body_map(page)
    for name, marked in (("front", FRONT), ("back", BACK)):
        element = view(figure, name)
        caption = element.select_one("figcaption")
        text, lang = shown(tag, CAPTIONS[name])
        assert caption.get_text(strip=True) == text
        # An English caption on a translated page says it is English.
        span = caption.select_one("span")
        assert span.get("lang") == lang
        if lang:
            assert span["dir"] == "ltr"
        svgs = element.select("svg")
        assert len(svgs) == 1
        svg = svgs[0]
        assert svg["role"] == "img"
        label = accessible_name(page, svg)
        assert label == " ".join([text] + [expected(tag, msgid) for _, msgid in marked])
        # Decoration stays out of the way: the leader lines are hidden.
        for leader in element.select(".body-map-leader"):
            assert leader["aria-hidden"] == "true"


def test_an_english_fallback_label_is_marked_english(tmp_path):
    translations = catalog_with_fuzzy(tmp_path, "es", "Upper back")
    app = create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
        instance_path=str(tmp_path / "instance"),
    )
    page = soup(app.test_client().get(URL.format(tag="es")))
    names = {p["data-place"]: p.select_one(".body-map-name") for p in places(view(body_map(page), "back"))}
    assert names["upper-back"].get_text(strip=True) == "Upper back"
    assert (names["upper-back"]["lang"], names["upper-back"]["dir"]) == ("en", "ltr")
    assert names["neck"].get_text(strip=True) == expected("es", "Neck") and not names["neck"].has_attr("lang")


@pytest.mark.parametrize("tag", TAGS)
def test_each_place_says_its_label(speaking_app, tag):
    page = soup(speaking_app.test_client().get(URL.format(tag=tag)))
    speech = app_state(speaking_app).speech
    figure = body_map(page)
    checked = 0
    for name, marked in (("front", FRONT), ("back", BACK)):
        for place, (_, msgid) in zip(places(view(figure, name)), marked, strict=True):
            label = place.select_one(".body-map-name").get_text(strip=True)
            (clip, lang, words), *rest = json.loads(place["data-say"])
            if speech.voice_for(tag) is not None:
                assert (lang, words) == (tag, label)
            else:
                # No voice for the page's language (Filipino): the English
                # source, in the English voice, never another language's.
                assert (lang, words) == ("en", msgid)
            assert rest == []
            job = job_for(speaking_app, clip)
            assert (job.text, job.voice) == (words, speech.voice_for(lang))
            checked += 1
    assert checked == len(FRONT) + len(BACK)


def test_without_speech_the_places_carry_no_empty_data_say(client):
    figure = body_map(soup(client.get(URL.format(tag="es"))))
    assert figure.select(".body-map-place")
    assert figure.select("[data-say]") == []


@pytest.mark.parametrize("url", [f"/en/{LEAFLET}/", *(f"/{{tag}}/{LEAFLET}/{s}" for s in SECTIONS[1:])])
@pytest.mark.parametrize("tag", ["en", "ar"])
def test_other_pages_have_no_body_map(client, url, tag):
    page = soup(client.get(url.format(tag=tag)))
    assert page.select(".body-map, .body-map-place, figure") == []


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_the_figure_keeps_to_the_page_rules(client, tag):
    page = soup(client.get(URL.format(tag=tag)))
    figure = body_map(page)
    # A strict CSP: no inline styles or scripts; nothing fetched from elsewhere.
    assert figure.select("[style], script, style, image, img, use") == []
    assert "http" not in str(figure).replace('xmlns="http://www.w3.org/2000/svg"', "")
    # Two views, each an SVG with its own pattern: every id on the page is unique.
    ids = Counter(el["id"] for el in page.select("[id]"))
    assert [i for i, n in ids.items() if n > 1] == []
    # The page's direction does the mirroring; the figure sets one only on
    # a text in another language (an English caption not translated yet).
    assert figure.select("[dir]:not([lang])") == []


def render_figure(app, items):
    block = BulletList("Trigger points commonly occur in:", tuple(items), "body-map")
    with app.test_request_context(f"/en/{LEAFLET}/{SECTIONS[0]}"):
        return soup_of(render_template_string('{% include "figures/body-map.html" %}', block=block))


def soup_of(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser")


def test_only_the_list_items_with_a_place_are_drawn(app):
    figure = render_figure(app, ["Lower back", "Elbow", "Neck"])
    back = figure.select_one("figure.body-map-back")
    assert [p["data-place"] for p in back.select(".body-map-place")] == ["neck", "lower-back"]
    assert [z["class"][-1] for z in back.select("svg .body-map-zone")] == [
        "body-map-zone-neck",
        "body-map-zone-lower-back",
    ]
    assert "Elbow" not in figure.get_text()
    front = figure.select_one("figure.body-map-front")
    assert [p["data-place"] for p in front.select(".body-map-place")] == ["neck"]


def test_a_view_with_nothing_to_mark_is_still_named(app):
    figure = render_figure(app, ["Buttocks"])
    front = figure.select_one("figure.body-map-front")
    assert front.select(".body-map-place, .body-map-zone") == []
    assert accessible_name(figure, front.select_one("svg")) == "Seen from the front"
