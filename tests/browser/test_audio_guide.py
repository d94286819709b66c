"""The audio guide in a real browser: a patient who cannot see the screen
uses the kiosk with the keyboard (or touch) and their ears alone."""

import json
import re

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS, expected
from listening import (
    SAID_SINCE_INPUT, clips_of, focused, hear_out, parts_of, record, saying, skip_to, turn_on_guide, wait_heard,
    wait_saying, wait_started,
)

SECTION = f"/en/{LEAFLET}/{SECTIONS[0]}"


def guide_phrase(page, name):
    return json.loads(page.locator("#guide-phrases").get_attribute("data-json"))[name]


@pytest.mark.parametrize("url", ["/", "/es/", f"/ar/{LEAFLET}/", f"/zh-Hans/{LEAFLET}/{SECTIONS[1]}"])
def test_the_guide_is_first_and_silent_until_asked(page, live_server, url):
    page.goto(live_server + url)
    record(page)
    page.keyboard.press("Tab")
    assert focused(page) == "guide-toggle"
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("voiceLog") == []  # a waiting room stays quiet


@pytest.mark.parametrize("tag", ["en", "es", "ar"])
def test_each_kind_of_item_is_said_in_the_page_language_and_cuts_off_the_last(page, live_server, tag):
    page.goto(live_server + f"/{tag}/{LEAFLET}/{SECTIONS[0]}")
    record(page)
    turn_on_guide(page)
    wait_saying(page, guide_phrase(page, "on")["say"][0][0])
    kinds = {
        "link": page.locator(".top-bar > a.button"),
        "menu": page.locator("#language-menu summary"),
        "heading": page.locator("#page-heading"),
        "button": page.locator('#player [data-action="stop"]'),
        "notice": page.locator("#main .position"),
    }
    previous = None
    for kind, item in kinds.items():
        mark = page.evaluate("keyLog.length")
        # Move there as a patient would: Tab (or an arrow) until it is focused. The notice
        # stands above the player: up, since the arrow keys also stop at each of the
        # leaflet's sentences below (issue 20), and down would go round all of them first.
        for _ in range(40):
            if item.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("ArrowUp" if kind == "notice" else "Tab")
        else:
            pytest.fail(f"the guide never reached the {kind}")
        first = parts_of(item)[0]
        assert first[1] == tag, f"{kind} said in {first[1]}"
        wait_saying(page, first[0])
        if previous:
            # The clip that was playing stopped at the key that moved on, before anything
            # else was said (one <audio> says everything, so dropping its source ends that
            # clip). An order, not a time: on a loaded machine the page's events can lag
            # its keys by more than a tenth of a second, and that is not the kiosk's doing.
            cut = page.evaluate(
                """([mark, previous]) => {
                  const key = keyLog[mark].t;
                  const after = voiceLog.filter(e => e.t >= key);
                  const stop = after.findIndex(e => e.type === "pause" || e.type === "emptied");
                  const next = after.findIndex(e => e.type === "play" || e.type === "playing");
                  const endedAnyway = after.some(e => e.type === "ended" && e.clip === previous);
                  return stop >= 0 && (next < 0 || stop < next) && !endedAnyway;
                }""",
                [mark, previous],
            )
            assert cut, f"{kind}: the last clip was not stopped before the next was said"
        # Let the item play a little, then move on over it.
        page.wait_for_function("kiosk.voice.audio.currentTime > 0.1")
        previous = saying(page)


def test_the_first_of_a_kind_is_hinted_once(page, live_server):
    page.goto(live_server + "/es/")
    record(page)
    turn_on_guide(page)
    link = page.locator(".top-bar > a.button")
    hint = guide_phrase(page, "hint-link")["say"][0][0]
    link.focus()
    hear_out(page, clips_of(link)[0])
    wait_heard(page, clips_of(link)[0])  # to its end: the hint comes after it
    wait_started(page, hint)
    page.locator("#main a.button").first.focus()
    wait_saying(page, clips_of(page.locator("#main a.button").first)[0])
    plays = page.evaluate("clip => voiceLog.filter(e => e.type === 'playing' && e.clip === clip).length", hint)
    assert plays == 1
    assert json.loads(page.evaluate("sessionStorage.getItem('kiosk-listening')"))["hinted"] == ["link"]


def test_a_clip_followed_at_once_by_a_hint_still_counts_as_heard(page, live_server):
    """The tests' own ear (listening.SAID_SINCE_INPUT): a poll on a busy machine may first come when
    the hint after an item's words has begun, or ended; the words were heard all the same.
    With "the last clip started" as the rule, wait_saying waited for them until its deadline."""
    page.goto(live_server + "/es/")
    record(page)
    turn_on_guide(page)
    on = guide_phrase(page, "on")["say"][0][0]
    wait_saying(page, on)
    hint = guide_phrase(page, "hint-link")["say"][0][0]
    page.keyboard.press("Tab")  # from the guide's button to the first link: its words, then the hint
    link = page.locator(":focus")
    assert link.evaluate("el => el.matches('a[href]')"), focused(page)
    words = clips_of(link)[0]
    hear_out(page, hint)
    wait_heard(page, hint)
    assert page.evaluate(SAID_SINCE_INPUT, words)
    # And only since that key: what was said before it is not taken as said again.
    assert not page.evaluate(SAID_SINCE_INPUT, on)


def test_question_mark_speaks_help_in_layers(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[1]}")
    record(page)
    page.keyboard.press("?")  # turns the guide on, says so, then the help
    help_ = json.loads(page.locator("#page-help").get_attribute("data-json"))
    wait_saying(page, guide_phrase(page, "on")["say"][0][0])
    skip_to(page, help_["where"][0][0])
    assert help_["where"][0][2] == "Está en la sección 2 de 3:"
    page.keyboard.press("?")  # skips to the next layer: what you can do here
    wait_saying(page, help_["what"][0][0])
    page.keyboard.press("?")  # and then how the keys work
    wait_saying(page, guide_phrase(page, "keys")["say"][0][0])


def test_touch_to_hear_then_tap_again_to_act(browser, live_server):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(live_server + "/en/")
    record(page)
    page.locator("#guide-toggle").tap()
    leaflet = page.get_by_role("link", name="Trigger Point Injections")
    leaflet.tap()
    wait_saying(page, clips_of(leaflet)[0])
    assert page.url == live_server + "/en/"
    assert focused(page) == "Trigger Point Injections"
    leaflet.tap()
    page.wait_for_url(re.compile(f"/en/{LEAFLET}/$"))
    page.wait_for_function("document.activeElement.id === 'page-heading'")
    context.close()


def test_with_the_guide_off_a_tap_acts_at_once(page, live_server):
    page.goto(live_server + "/en/")
    page.get_by_role("link", name="Trigger Point Injections").click()
    page.wait_for_url(re.compile(f"/en/{LEAFLET}/$"))


def test_escape_goes_back_one_level(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[2]}")
    record(page)
    turn_on_guide(page)
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(f"/en/{LEAFLET}/$"))
    page.wait_for_function("document.activeElement.id === 'page-heading'")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile("/en/$"))
    page.wait_for_function("document.activeElement.id === 'page-heading'")
    wait_saying(page, clips_of(page.locator("#page-heading"))[0])


def test_escape_closes_the_language_menu_first(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/")
    record(page)
    turn_on_guide(page)
    page.locator("#language-menu summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#language-menu")).to_have_attribute("open", "")
    page.keyboard.press("Escape")
    expect(page.locator("#language-menu")).not_to_have_attribute("open", "")
    assert page.url.endswith(f"/en/{LEAFLET}/")
    assert focused(page).startswith("Language")


def walk_to(page, item, limit=60):
    """Tab until `item` has focus, as a patient listening would."""
    for _ in range(limit):
        if item.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"Tab never reached {item}")


@pytest.mark.parametrize("tag", ["en", "es", "ar", "zh-Hans"])
def test_a_keyboard_walk_from_the_start_hears_every_section(page, live_server, tag):
    page.goto(live_server + "/")
    record(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the guide, on
    language = page.locator(f"#main a[hreflang='{tag}']")
    walk_to(page, language)
    wait_saying(page, clips_of(language)[0])
    page.keyboard.press("Enter")  # a full page load in the chosen language
    page.wait_for_url(re.compile(f"/{tag}/$"))
    record(page)
    # The guide stayed on, and says where the patient now is.
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "true")
    wait_saying(page, clips_of(page.locator("#page-heading"))[0])
    leaflet = page.locator("#main a.button").first
    walk_to(page, leaflet)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(f"/{tag}/{LEAFLET}/$"))
    section = page.locator("#main ol a.button").first
    walk_to(page, section)
    page.keyboard.press("Enter")
    for number, slug in enumerate(SECTIONS):
        page.wait_for_url(re.compile(f"/{tag}/{LEAFLET}/{slug}$"))
        page.wait_for_function("document.activeElement.id === 'page-heading'")
        assert page.evaluate("document.documentElement.lang") == tag
        play = page.locator('#player [data-action="toggle"]')
        walk_to(page, play)
        page.keyboard.press("Enter")
        first = page.locator("#main .sentence").first
        wait_saying(page, first.get_attribute("data-clip"))
        assert first.get_attribute("aria-current") == "true"
        if number + 1 < len(SECTIONS):
            walk_to(page, page.locator("#main a[rel=next]"))
            page.keyboard.press("Enter")
    # Help after all those swaps is this page's own, in its language.
    page.keyboard.press("?")
    where = json.loads(page.locator("#page-help").get_attribute("data-json"))["where"]
    assert [lang for _, lang, _ in where] == [tag, tag]
    wait_saying(page, where[0][0])


def test_the_guide_on_a_filipino_page_speaks_english_marked_as_english(page, live_server):
    page.goto(live_server + f"/fil/{LEAFLET}/{SECTIONS[0]}")
    record(page)
    turn_on_guide(page)
    notice = page.locator("#main .notice")
    assert notice.inner_text() == expected("fil", "Audio is not available in this language.")
    notice.click()  # a tap on the notice: heard, in English
    clip, lang, words = parts_of(notice)[0]
    assert (lang, words) == ("en", "Audio is not available in this language.")
    wait_saying(page, clip)
    caption = page.locator("#guide-caption")
    expect(caption).to_have_text(words)
    expect(caption).to_have_attribute("lang", "en")


def test_turning_the_guide_off_says_so_and_stays_off(page, live_server):
    page.goto(live_server + "/es/")
    record(page)
    turn_on_guide(page)
    page.keyboard.press("Enter")
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "false")
    wait_saying(page, guide_phrase(page, "off")["say"][0][0])
    page.goto(live_server + f"/es/{LEAFLET}/")
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "false")


# Found on a walk as a blind Spanish speaker with the keyboard and the guide
# alone (issue 18, "Off the measured path").

WALK = f"/es/{LEAFLET}/{SECTIONS[2]}"


def toggle_of(page):
    return page.locator('#player [data-action="toggle"]')


@pytest.mark.parametrize("guide", [False, True], ids=["keys-only", "guide-on"])
def test_play_is_the_first_stop_after_the_heading(page, live_server, guide):
    page.goto(live_server + WALK)
    record(page)
    if guide:
        turn_on_guide(page)
    # A section opens with focus on its heading (after a swap, or with the guide on).
    page.locator("#page-heading").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "toggle"
    if guide:  # and the guide names it as it arrives
        wait_saying(page, clips_of(toggle_of(page))[0])


def test_the_reading_goes_on_while_the_patient_moves_over_the_player(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[0]}")
    record(page)
    turn_on_guide(page)
    status = page.locator(".player-status")
    toggle_of(page).focus()
    page.keyboard.press("Enter")
    first = page.locator("#main .sentence").first.get_attribute("data-clip")
    wait_saying(page, first)
    page.wait_for_function("kiosk.voice.audio.currentTime > 0.5")
    left_at = page.evaluate("kiosk.voice.audio.currentTime")
    page.keyboard.press("Tab")  # Stop: its name is said over the reading ...
    stop = page.locator('#player [data-action="stop"]')
    wait_saying(page, clips_of(stop)[0])
    # ... and then the reading goes on from where it was, still playing. Waited for by its
    # "playing" event, not by wait_saying: a clip that comes back is set to where it was
    # before it plays, so it looks like it is being heard a moment before that event.
    resumed_at = page.wait_for_function(
        """([first, label]) => {
          const after = voiceLog.findIndex(e => e.type === 'playing' && e.clip === label);
          const back = after >= 0 && voiceLog.slice(after).find(e => e.type === 'playing' && e.clip === first);
          return back && { at: back.at };
        }""",
        arg=[first, clips_of(stop)[0]],
    ).json_value()["at"]
    assert 0 <= resumed_at - left_at < 0.5
    expect(status).to_have_text(expected("es", "Playing"))
    # More controls, then a faster speed, all while it reads.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    faster = page.locator('#player [data-action="speed-up"]')
    walk_to(page, faster)
    page.keyboard.press("Enter")
    wait_saying(page, clips_of(page.locator("#speed-value"))[0])
    page.wait_for_function(
        "() => { const s = document.querySelector('#main .sentence.speaking');"
        " return s && new URL(kiosk.voice.audio.src).pathname === s.dataset.clip"
        " && !kiosk.voice.audio.paused && kiosk.voice.audio.playbackRate > 1; }",
    )
    expect(status).to_have_text(expected("es", "Playing"))
    # Pause still pauses: pressed while its own name is being said, too.
    toggle_of(page).focus()
    wait_saying(page, clips_of(toggle_of(page))[0])
    page.keyboard.press("Enter")
    expect(status).to_have_text(expected("es", "Paused"))
    mark = page.evaluate("voiceLog.length")
    page.keyboard.press("Tab")  # moving on does not start it again
    hear_out(page, clips_of(stop)[0])
    wait_heard(page, clips_of(stop)[0], since=mark)
    assert page.evaluate("kiosk.voice.audio.paused")
    expect(status).to_have_text(expected("es", "Paused"))
    # Play carries on with the sentence it was paused in.
    speaking = page.evaluate("document.querySelector('#main .sentence.speaking').dataset.clip")
    toggle_of(page).focus()
    page.keyboard.press("Enter")
    wait_saying(page, speaking)
    expect(status).to_have_text(expected("es", "Playing"))


def test_the_display_menu_is_not_hinted_as_the_language_menu(page, live_server):
    page.goto(live_server + WALK)
    record(page)
    turn_on_guide(page)
    display = page.locator("#display-menu summary")
    walk_to(page, display)
    hint = guide_phrase(page, "hint-menu")
    wait_started(page, hint["say"][0][0])
    language = json.loads(page.locator("#language-menu summary").get_attribute("data-say"))[0][2]
    assert language.lower() not in hint["text"].lower()  # "Idioma" is not "Menú de idiomas"


@pytest.mark.parametrize("guide", [False, True], ids=["keys-only", "guide-on"])
def test_the_open_language_menu_keeps_focus_and_the_guide_says_so(page, live_server, guide):
    page.goto(live_server + WALK)
    record(page)
    if guide:
        turn_on_guide(page)
    menu = page.locator("#language-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    if guide:
        wait_saying(page, guide_phrase(page, "menu-open")["say"][0][0])
    inside = "() => document.getElementById('language-menu').contains(document.activeElement)"
    stops = 1 + menu.locator("a.language").count()  # its button and the 14 languages
    for _ in range(stops):
        page.keyboard.press("Tab")
        assert page.evaluate(inside), f"Tab left the open menu for {focused(page)!r}"
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"  # round again
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(inside)
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    if guide:
        wait_saying(page, guide_phrase(page, "menu-closed")["say"][0][0])


def test_a_touch_gets_touch_hints(browser, live_server):
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    page = context.new_page()
    page.goto(live_server + WALK)
    record(page)
    page.locator("#guide-toggle").tap()
    stop = page.locator('#player [data-action="stop"]')
    stop.tap()  # first tap: heard, with how to use it by touch
    wait_saying(page, clips_of(stop)[0])
    touch, keys = guide_phrase(page, "touch-hint-button"), guide_phrase(page, "hint-button")
    wait_started(page, touch["say"][0][0])
    assert not page.evaluate("clip => voiceLog.some(e => e.clip === clip)", keys["say"][0][0])
    assert touch["text"] == expected("es", "Button. Tap again to use it.")
    context.close()


def test_the_caption_shows_only_while_something_is_said(page, live_server):
    page.goto(live_server + WALK)
    record(page)
    caption = page.locator("#guide-caption")
    turn_on_guide(page)
    on = guide_phrase(page, "on")
    wait_saying(page, on["say"][0][0])
    expect(caption).to_be_visible()
    expect(caption).to_have_text(on["say"][0][2])
    hear_out(page, on["say"][0][0])
    wait_heard(page, on["say"][0][0])
    expect(caption).to_be_hidden()
    page.locator("#page-heading").focus()
    wait_saying(page, clips_of(page.locator("#page-heading"))[0])
    expect(caption).to_be_visible()
