"""Reading a section aloud in a real browser, from a cold clip cache, and the
player's defects found on a walk as a blind patient (each one a regression test)."""

import json
import math
import re

import pytest
from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS, expected
from listening import clips_of, hear_out, more_controls, record, wait_saying

SECTION = f"/en/{LEAFLET}/{SECTIONS[0]}"

SPEAKING = "[...document.querySelectorAll('#main .sentence')].findIndex(s => s.classList.contains('speaking'))"


def speaking(page):
    return page.evaluate(SPEAKING)


def wait_until_speaking(page, index):
    page.wait_for_function(f"{SPEAKING} === {index}")


def player_phrase(page, name):
    return json.loads(page.locator("#player-phrases").get_attribute("data-json"))[name]


def sentence_count(page):
    return page.evaluate("document.querySelectorAll('#main .sentence').length")


def skip_to_last_sentence(page):
    """Press Next sentence until the last one plays (by keyboard: the page
    scrolls to each sentence, so a pointer would have to chase the button)."""
    more_controls(page)
    last = sentence_count(page) - 1
    page.get_by_role("button", name="Next sentence").focus()
    for _ in range(last - max(speaking(page), 0)):
        page.keyboard.press("Enter")
    wait_until_speaking(page, last)


def finish_the_section(page):
    """Hear the last sentence out (hear_out): the section ends without the test waiting
    seconds of speech."""
    hear_out(page, page.locator("#main .sentence").last.get_attribute("data-clip"))


def test_play_highlights_each_sentence_in_turn(page, live_server):
    page.goto(live_server + SECTION)
    record(page)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    first = page.locator("#main .sentence").first
    wait_saying(page, first.get_attribute("data-clip"))
    # The clip ends (heard out: moved on to its end) and the highlight moves to the next sentence by itself.
    hear_out(page, first.get_attribute("data-clip"))
    wait_until_speaking(page, 1)
    # Counted over all it reads: the section's own sentences and those of its
    # "In short" box (read first, highlighted like any other), 16 + 6 here.
    total = sentence_count(page)
    assert total == 16 + page.locator("#main .in-short .sentence").count()
    expect(page.locator(".player-position")).to_have_text(f"Sentence 2 of {total}")
    assert page.locator(".sentence.speaking").get_attribute("aria-current") == "true"
    assert page.get_by_role("button", name="Pause").is_visible()
    assert first.get_attribute("aria-current") is None
    assert page.console_errors == []


def test_the_live_region_announces_states_not_sentences(page, live_server):
    page.goto(live_server + SECTION)
    record(page)
    page.evaluate(
        """() => { window.announced = [];
          new MutationObserver(() => announced.push(document.querySelector('.player-status').textContent))
            .observe(document.querySelector('.player-status'), {childList: true, characterData: true, subtree: true}); }"""
    )
    page.get_by_role("button", name="Play").click()
    for sentence in page.locator("#main .sentence").all()[:2]:  # heard out, each moved on to its end
        hear_out(page, sentence.get_attribute("data-clip"))
    wait_until_speaking(page, 2)  # two sentences have ended by themselves
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".player-status")).to_have_text("Paused")
    assert page.evaluate("announced") == ["Playing", "Paused"]


def test_sentence_buttons_and_stop(page, live_server):
    page.goto(live_server + SECTION)
    more_controls(page)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    page.get_by_role("button", name="Next sentence").click()
    wait_until_speaking(page, 1)
    page.get_by_role("button", name="Next sentence").click()
    wait_until_speaking(page, 2)
    page.get_by_role("button", name="Previous sentence").click()
    wait_until_speaking(page, 1)
    page.get_by_role("button", name="Repeat sentence").click()
    wait_until_speaking(page, 1)
    page.get_by_role("button", name="Stop").click()
    assert speaking(page) == -1
    expect(page.locator(".player-status")).to_have_text("Stopped")
    assert page.get_by_role("button", name="Play").is_visible()
    assert page.evaluate("kiosk.voice.audio.paused")


def test_volume_and_speed_steps_change_the_voice_and_are_said(page, live_server):
    page.goto(live_server + SECTION)
    record(page)
    audio = "kiosk.voice.audio"
    assert page.evaluate(f"{audio}.preservesPitch") is True
    more_controls(page)
    volumes, rates = [], []
    for _ in range(6):
        page.get_by_role("button", name="Quieter").click()
    for _ in range(6):
        volumes.append(page.evaluate(f"{audio}.volume"))
        page.get_by_role("button", name="Louder").click()
    # Each step is said by name, at the new volume.
    value = page.locator("#volume-value")
    expect(value).to_have_text("Volume 5 of 5")
    wait_saying(page, clips_of(value)[0])
    for _ in range(6):
        page.get_by_role("button", name="Slower").click()
    for _ in range(6):
        rates.append(page.evaluate(f"{audio}.playbackRate"))
        page.get_by_role("button", name="Faster").click()
    expect(page.locator("#speed-value")).to_have_text("Speed: very fast")
    wait_saying(page, clips_of(page.locator("#speed-value"))[0])
    volumes, rates = sorted(set(volumes)), sorted(set(rates))
    assert len(volumes) >= 5 and 20 * math.log10(volumes[-1] / volumes[0]) >= 18
    assert len(rates) >= 5 and rates[0] <= 0.6 and rates[-1] >= 1.5
    # A sentence is read at the chosen speed and volume.
    page.get_by_role("button", name="Play").click()
    wait_saying(page, page.locator("#main .sentence").first.get_attribute("data-clip"))
    assert page.evaluate(f"[{audio}.playbackRate, {audio}.volume]") == [rates[-1], volumes[-1]]


def test_speed_volume_and_guide_survive_a_language_switch(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[1]}")
    more_controls(page)
    page.get_by_role("button", name="Faster").click()
    page.get_by_role("button", name="Quieter").click()
    page.locator("#guide-toggle").click()
    page.locator("#language-menu summary").click()  # with the guide on: heard first ...
    page.locator("#language-menu summary").click()  # ... then opened
    page.locator("#language-menu a[hreflang=es]").click()  # heard first ...
    page.locator("#language-menu a[hreflang=es]").click()  # ... then taken
    page.wait_for_url(re.compile(f"/es/{LEAFLET}/{SECTIONS[1]}$"))
    expect(page.locator("#speed-value")).to_have_text(expected("es", "Speed: fast"))
    expect(page.locator("#volume-value")).to_have_text(expected("es", "Volume %(level)s of %(total)s") % {"level": 3, "total": 5})
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("kiosk.voice.audio.playbackRate") == 1.25
    assert page.evaluate("kiosk.voice.audio.volume === kiosk.voice.steps.volumes[2]")


def test_every_clip_on_the_page_is_audio_of_its_sentence(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[2]}")
    clips = page.evaluate(
        "[...document.querySelectorAll('#main .sentence')].map(s => [s.textContent, s.dataset.clip])"
    )
    assert clips and all(url for _, url in clips)
    assert len({url for _, url in clips}) == len({text for text, _ in clips})
    response = page.request.get(live_server + clips[0][1])
    assert response.status == 200 and response.headers["content-type"] == "audio/ogg"
    assert response.body()[:4] == b"OggS"


def test_more_controls_are_one_tap_away_and_stay_open(page, live_server):
    page.goto(live_server + SECTION)
    more = page.get_by_role("button", name="More controls")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Next sentence")).to_be_hidden()
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Next sentence")).to_be_visible()
    page.get_by_role("link", name=re.compile("Next")).last.click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    expect(page.get_by_role("button", name="Next sentence")).to_be_visible()


def test_navigating_stops_the_speech(page, live_server):
    page.goto(live_server + SECTION)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    # By keyboard: the player is still scrolling smoothly to the first sentence, and a click
    # aimed at the link at the page's foot could land where it was a moment before (a
    # failure seen on a loaded machine).
    page.get_by_role("link", name=re.compile("Next")).last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    assert speaking(page) == -1
    # The one voice is paused, so nothing of the old page can carry on.
    assert page.evaluate("kiosk.voice.audio.paused") is True
    assert page.evaluate("document.querySelector('#main .player-status').textContent") == ""


def test_listen_to_the_whole_leaflet_turns_the_pages(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[1]}")
    more_controls(page)
    page.get_by_role("link", name="Listen to the whole leaflet").click()
    page.wait_for_url(re.compile(SECTIONS[0] + "$"))
    wait_until_speaking(page, 0)
    skip_to_last_sentence(page)
    finish_the_section(page)
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    wait_until_speaking(page, 0)
    assert page.locator("main h1").inner_text() == "What is a Trigger Point Injection?"


def test_listen_to_the_whole_leaflet_on_the_first_section_plays_it_here(page, live_server):
    page.goto(live_server + SECTION)
    page.evaluate("window.kioskMarker = 'same page'")
    more_controls(page)
    page.get_by_role("link", name="Listen to the whole leaflet").click()
    wait_until_speaking(page, 0)  # the first sentence, highlighted
    expect(page.locator('#player [data-action="toggle"]')).to_have_text("Pause")
    assert page.evaluate("window.kioskMarker") == "same page" and page.url.endswith(SECTIONS[0])
    skip_to_last_sentence(page)
    finish_the_section(page)
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))  # and it turns the page
    wait_until_speaking(page, 0)


def test_an_automatic_page_turn_keeps_focus_on_pause(page, live_server):
    page.goto(live_server + SECTION)
    more_controls(page)
    page.get_by_role("link", name="Listen to the whole leaflet").click()
    wait_until_speaking(page, 0)
    skip_to_last_sentence(page)
    toggle = page.locator('#player [data-action="toggle"]')
    toggle.focus()
    finish_the_section(page)
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    wait_until_speaking(page, 0)
    assert page.evaluate("document.activeElement.dataset.action") == "toggle"
    assert toggle.inner_text() == "Pause"
    page.keyboard.press("Space")  # the key works on the control the patient used
    expect(page.locator(".player-status")).to_have_text("Paused")
    assert page.evaluate("kiosk.voice.audio.paused")


@pytest.mark.parametrize(
    "start, link, arrives",
    [
        ("/en/", "Trigger Point Injections", f"/en/{LEAFLET}/"),
        (f"/en/{LEAFLET}/", "What is a Trigger Point Injection?", f"/en/{LEAFLET}/{SECTIONS[1]}"),
        (f"/en/{LEAFLET}/{SECTIONS[2]}", "All sections", f"/en/{LEAFLET}/"),
    ],
)
def test_a_boosted_link_moves_focus_to_the_new_heading(page, live_server, start, link, arrives):
    page.goto(live_server + start)
    page.get_by_role("link", name=link).click()
    page.wait_for_url(live_server + arrives)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")


def test_next_sentence_at_the_end_says_so_and_offers_the_next_section(page, live_server):
    page.goto(live_server + SECTION)
    record(page)
    page.get_by_role("button", name="Play").click()
    skip_to_last_sentence(page)
    page.get_by_role("button", name="Next sentence").click()
    expect(page.locator(".player-status")).to_have_text("End of this section.")
    wait_saying(page, player_phrase(page, "end")["say"][0][0])
    assert speaking(page) == -1
    # The patient was using the player: the next section is the next thing offered.
    offer = page.get_by_role("link", name="Next section")
    expect(offer).to_be_visible()
    page.wait_for_function("document.activeElement.textContent.trim() === 'Next section'")
    offer.click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))


def test_the_last_section_ends_the_leaflet(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[2]}")
    page.get_by_role("button", name="Play").click()
    skip_to_last_sentence(page)
    page.get_by_role("button", name="Next sentence").click()
    expect(page.locator(".player-status")).to_have_text("End of the leaflet.")
    expect(page.locator(".player-end a")).to_have_text("All sections")


@pytest.mark.parametrize("motion, behaviour", [("reduce", "auto"), ("no-preference", "smooth")])
def test_scrolling_to_each_sentence_respects_reduced_motion(browser, live_server, motion, behaviour):
    context = browser.new_context(viewport={"width": 540, "height": 960}, reduced_motion=motion)
    page = context.new_page()
    page.add_init_script(
        """const scroll = Element.prototype.scrollIntoView;
        window.scrolls = [];
        Element.prototype.scrollIntoView = function (options) { scrolls.push(options); return scroll.call(this, options); };"""
    )
    page.goto(live_server + SECTION)
    more_controls(page)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    page.get_by_role("button", name="Next sentence").click()
    wait_until_speaking(page, 1)
    assert {s["behavior"] for s in page.evaluate("scrolls")} == {behaviour}
    context.close()


def test_at_200_percent_zoom_pause_and_stop_stay_on_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 540, "height": 960})
    page = context.new_page()
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[2]}")
    page.get_by_role("button", name="Play").click()
    skip_to_last_sentence(page)  # the last sentence is far below the player
    on_screen = "el => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    page.wait_for_function(on_screen, arg=page.locator(".sentence.speaking").element_handle())
    assert page.locator("#player-heading").evaluate(on_screen) is False  # the player scrolled away
    for name in ("Pause", "Stop"):
        page.wait_for_function(on_screen, arg=page.get_by_role("button", name=name, exact=True).element_handle())
    # ... and, once the page has scrolled to it, they do not hide the sentence being read.
    page.wait_for_function(
        """() => document.querySelector('.sentence.speaking').getBoundingClientRect().bottom
                 <= document.querySelector('.player-dock').getBoundingClientRect().top"""
    )
    page.get_by_role("button", name="Pause").click()
    expect(page.locator(".player-status")).to_have_text("Paused")
    context.close()


def test_the_language_button_is_named_without_its_arrow(page, live_server):
    page.goto(live_server + SECTION)
    expect(page.locator("#language-menu summary")).to_have_accessible_name("Language")
    page.goto(live_server + f"/es/{LEAFLET}/")
    expect(page.locator("#language-menu summary")).to_have_accessible_name("Idioma · Language")


def test_a_clip_that_fails_is_heard_as_an_apology(page, live_server):
    page.goto(live_server + SECTION)
    first = page.locator("#main .sentence").first.get_attribute("data-clip")
    # Failing from the page's load on: the player readies the first clip before any tap.
    page.route(f"**{first}", lambda route: route.fulfill(status=503, body="busy"))
    page.goto(live_server + SECTION)
    record(page)
    page.get_by_role("button", name="Play").click()
    # It is asked for again a few times first (a busy kiosk answers 503 for a few seconds).
    expect(page.locator(".player-status")).to_have_text(
        "The audio could not be played. Please ask a member of staff for help."
    )
    wait_saying(page, player_phrase(page, "error")["say"][0][0])
    assert speaking(page) == -1


def test_a_clip_the_kiosk_is_too_busy_for_is_asked_for_again(page, live_server):
    page.goto(live_server + SECTION)
    first = page.locator("#main .sentence").first.get_attribute("data-clip")
    asked = []

    def busy_once(route):
        asked.append(route.request.url)
        # Busy for the page's own readying of the clip and again for Play's
        # ask: a clip that comes back 503 while it is being played is asked
        # for again too (play() rejects as well as the element's error event).
        if len(asked) <= 2:
            route.fulfill(status=503, headers={"Retry-After": "5"}, body="busy")
        else:
            route.continue_()

    page.route(f"**{first}", busy_once)
    page.goto(live_server + SECTION)  # the player readies the first clip: that is the first ask
    record(page)
    page.get_by_role("button", name="Play").click()
    wait_saying(page, first)
    assert len(asked) >= 3
    expect(page.locator(".player-status")).not_to_have_text(
        "The audio could not be played. Please ask a member of staff for help."
    )


def test_a_language_without_a_voice_says_so_and_offers_no_controls(page, live_server):
    page.goto(live_server + f"/fil/{LEAFLET}/{SECTIONS[0]}")
    assert page.locator("#player").count() == 0
    assert page.locator("#main [data-clip]").count() == 0
    assert page.get_by_text(expected("fil", "Audio is not available in this language.")).is_visible()


def test_the_first_sentence_is_loaded_before_play_is_tapped(page, live_server):
    """Sound on the tap: Play finds the first clip in the element already, and fetches nothing."""
    page.goto(live_server + SECTION)
    first = page.locator("#main .sentence").first.get_attribute("data-clip")
    page.wait_for_function(
        "([url]) => kiosk.voice.audio.getAttribute('src') === url && kiosk.voice.audio.readyState >= 3", arg=[first]
    )
    assert page.evaluate("kiosk.voice.audio.paused")  # loaded, not playing: nothing is said unasked
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if request.url.endswith(first) else None)
    record(page)
    page.get_by_role("button", name="Play").click()
    wait_saying(page, first)
    assert fetched == []  # (the next sentence is fetched meanwhile, as ever)
