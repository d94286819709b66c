"""The body map in a real browser: labels a patient can read in their
language, beside the place they name, mirrored in Arabic and Urdu; a place
spoken when touched with the audio guide on; compact on a kiosk screen and
no sideways scrolling on a narrow one."""

import json
from pathlib import Path

import pytest

from helpers import LEAFLET, SECTIONS, expected
from listening import clips_of, record, turn_on_guide, wait_saying

URL = f"/{{tag}}/{LEAFLET}/{SECTIONS[0]}"
BACK = [("neck", "Neck"), ("upper-back", "Upper back"), ("lower-back", "Lower back"), ("buttocks", "Buttocks")]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Where each label, its leader line, its touch target and its marked shape are on screen.
GEOMETRY = """() => [...document.querySelectorAll('.body-map-place')].map(place => {
  const view = place.closest('.body-map-view');
  const box = el => { const r = el.getBoundingClientRect();
                      return {x: r.x, y: r.y, w: r.width, h: r.height, right: r.right, bottom: r.bottom}; };
  const leader = place.querySelector('.body-map-leader');
  const rtl = getComputedStyle(place).direction === 'rtl';
  const line = leader.getBoundingClientRect();
  return {
    view: view.classList.contains('body-map-front') ? 'front' : 'back',
    key: place.dataset.place,
    text: place.querySelector('.body-map-name').textContent.trim(),
    lang: place.querySelector('.body-map-name').closest('[lang]').lang,
    visible: place.querySelector('.body-map-name').checkVisibility({opacityProperty: true, visibilityProperty: true}),
    place: box(place),
    name: box(place.querySelector('.body-map-name')),
    drawing: box(view.querySelector('svg')),
    zone: box(view.querySelector('.body-map-zone-' + place.dataset.place)),
    // The leader's far end: where it points.
    end: {x: rtl ? line.left : line.right, y: line.top + line.height / 2},
  };
})"""


def geometry(page):
    return page.evaluate(GEOMETRY)


def open_section(page, live_server, tag, width=1080, height=1920):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server + URL.format(tag=tag))
    page.wait_for_function("document.fonts.status === 'loaded'")
    return page


@pytest.mark.parametrize("tag", ["es", "ar"])
def test_labels_are_shown_in_the_page_language_beside_their_place(page, live_server, tag):
    open_section(page, live_server, tag)
    places = geometry(page)
    assert [(p["view"], p["key"]) for p in places] == [("front", "neck")] + [("back", k) for k, _ in BACK]
    for place, msgid in zip(places, ["Neck"] + [m for _, m in BACK], strict=True):
        assert place["visible"]
        assert place["text"] == expected(tag, msgid)
        assert place["lang"] == tag
    check_labels_point_at_their_places(places, rtl=(tag == "ar"))


def check_labels_point_at_their_places(places, rtl):
    for p in places:
        name, drawing, zone, end = p["name"], p["drawing"], p["zone"], p["end"]
        # The label is on the reading-start side of the drawing, never over it.
        if rtl:
            assert name["x"] >= drawing["right"] - 0.5, p
        else:
            assert name["right"] <= drawing["x"] + 0.5, p
        # Its leader line ends inside the shape it names.
        assert zone["x"] < end["x"] < zone["right"], p
        assert zone["y"] < end["y"] < zone["bottom"], p
        # The label is whole within its band, so it cannot run into the next one.
        assert p["place"]["y"] - 0.5 <= name["y"] and name["bottom"] <= p["place"]["bottom"] + 0.5, p
    for view in ("front", "back"):
        bands = [p["place"] for p in places if p["view"] == view]
        for upper, lower in zip(bands, bands[1:]):
            assert upper["bottom"] <= lower["y"] + 0.5


def test_arabic_mirrors_the_views_and_the_labels(page, live_server):
    xs = {}
    for tag in ("en", "ar"):
        open_section(page, live_server, tag)
        xs[tag] = page.evaluate(
            """() => Object.fromEntries(['front', 'back'].map(v => {
                 const view = document.querySelector('.body-map-' + v);
                 const mid = el => { const r = el.getBoundingClientRect(); return r.x + r.width / 2; };
                 return [v, {view: mid(view), drawing: mid(view.querySelector('svg')),
                             label: mid(view.querySelector('.body-map-name'))}];
               }))"""
        )
    # English reads left to right: the front first, on the left, each label left of its drawing.
    assert xs["en"]["front"]["view"] < xs["en"]["back"]["view"]
    assert all(v["label"] < v["drawing"] for v in xs["en"].values())
    # Arabic reads right to left: the front first, on the right, each label right of its drawing.
    assert xs["ar"]["front"]["view"] > xs["ar"]["back"]["view"]
    assert all(v["label"] > v["drawing"] for v in xs["ar"].values())


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_touching_a_place_with_the_guide_on_says_it_and_goes_nowhere(page, live_server, tag):
    open_section(page, live_server, tag)
    record(page)
    turn_on_guide(page)
    guide_on = json.loads(page.locator("#guide-phrases").get_attribute("data-json"))["on"]["say"][0][0]
    wait_saying(page, guide_on)
    url = page.url
    back = page.locator(".body-map-back")
    # A touch on the drawing, in the middle of the lower back's hatched shape,
    # on the screen: with "In short" above the leaflet and the guide's caption
    # shown, the drawing starts at the first screen's foot (a mouse click off
    # the screen touches nothing).
    back.locator(".body-map-zone-lower-back").scroll_into_view_if_needed()
    zone = back.locator(".body-map-zone-lower-back").bounding_box()
    page.mouse.click(zone["x"] + zone["width"] / 2, zone["y"] + zone["height"] / 2)
    lower_back = back.locator('[data-place="lower-back"]')
    wait_saying(page, clips_of(lower_back)[0])
    assert lower_back.evaluate("el => el === document.activeElement")
    # A touch on a label says its place too.
    buttocks = back.locator('[data-place="buttocks"]')
    buttocks.locator(".body-map-name").click()
    wait_saying(page, clips_of(buttocks)[0])
    # And the neck in the view from the front.
    neck = page.locator('.body-map-front [data-place="neck"]')
    neck.click()
    wait_saying(page, clips_of(neck)[0])
    assert page.url == url
    assert page.console_errors == []


@pytest.mark.parametrize("tag", ["en", "ur"])
def test_places_are_touch_targets_and_the_figure_is_compact(page, live_server, tag):
    for width, height in ((1080, 1920), (1920, 1080)):
        open_section(page, live_server, tag, width, height)
        for p in geometry(page):
            assert p["place"]["w"] >= 44 and p["place"]["h"] >= 44, p
        figure = page.locator("figure.body-map").bounding_box()
        assert figure["height"] <= 400, (width, height, figure)


@pytest.mark.parametrize("tag", ["en", "ur", "es", "fil", "pt-BR", "ru"])
def test_no_sideways_scrolling_at_320px(page, live_server, tag):
    open_section(page, live_server, tag, 320, 640)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    figure = page.locator("figure.body-map").bounding_box()
    assert figure["x"] >= 0 and figure["x"] + figure["width"] <= 320
    # The longest labels wrap within their bands and still point at their places.
    check_labels_point_at_their_places(geometry(page), rtl=(tag == "ur"))


def test_forced_colors_keep_the_places_visible(browser, live_server):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, forced_colors="active")
    page = context.new_page()
    page.goto(live_server + URL.format(tag="en"))
    colours = page.evaluate(
        """() => {
          const style = s => getComputedStyle(document.querySelector(s));
          return {text: style('.body-map-name').color, paper: style('body').backgroundColor,
                  zone: style('.body-map-zone').stroke, hatch: style('.body-map-hatch-line').stroke,
                  ground: style('.body-map-hatch-ground').fill, skin: style('.body-map-skin').stroke,
                  leader: style('.body-map-leader').borderTopColor};
        }"""
    )
    context.close()
    # Outlines, hatching and leader lines in the system's text colour, on its background.
    for part in ("zone", "hatch", "skin", "leader"):
        assert colours[part] == colours["text"], colours
    assert colours["ground"] != colours["hatch"]


def test_nothing_moves(page, live_server):
    page.emulate_media(reduced_motion="reduce")
    open_section(page, live_server, "en")
    moving = page.evaluate(
        """() => [...document.querySelectorAll('.body-map, .body-map *')].filter(el => {
             const s = getComputedStyle(el);
             return s.animationName !== 'none' || parseFloat(s.transitionDuration) > 0;
           }).length"""
    )
    assert moving == 0


@pytest.mark.parametrize("tag", ["en", "ar", "ur"])
def test_axe_finds_nothing_wrong_in_the_figure(page, live_server, tag):
    open_section(page, live_server, tag)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run('figure.body-map', {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'wcag2aaa']}})"""
    )
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
    # And the drawings are named for a screen reader: caption and places.
    names = page.evaluate(
        """() => [...document.querySelectorAll('figure.body-map svg')].map(svg =>
             svg.getAttribute('aria-labelledby').split(' ')
               .map(id => document.getElementById(id).textContent.trim()).join(' '))"""
    )
    assert len(names) == 2 and all(names)
