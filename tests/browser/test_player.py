"""Reading a section aloud in a real browser, from a cold clip cache."""

import re

from playwright.sync_api import expect

from helpers import LEAFLET, SECTIONS, expected

SECTION = f"/en/{LEAFLET}/{SECTIONS[0]}"

SPEAKING = "[...document.querySelectorAll('#main .sentence')].findIndex(s => s.classList.contains('speaking'))"


def speaking(page):
    return page.evaluate(SPEAKING)


def wait_until_speaking(page, index, timeout=20000):
    page.wait_for_function(f"{SPEAKING} === {index}", timeout=timeout)


def test_play_highlights_each_sentence_in_turn(page, live_server):
    page.goto(live_server + SECTION)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    assert page.locator(".player-status").inner_text() in ("Loading audio…", "Playing sentence 1 of 16")
    # The clip ends and the highlight moves to the next sentence by itself.
    wait_until_speaking(page, 1)
    expect(page.locator(".player-status")).to_have_text("Playing sentence 2 of 16")
    assert page.locator(".sentence.speaking").get_attribute("aria-current") == "true"
    assert page.get_by_role("button", name="Pause").is_visible()
    assert page.evaluate("document.querySelector('#main .sentence').classList.contains('speaking')") is False
    assert page.console_errors == []


def test_sentence_buttons_speed_and_stop(page, live_server):
    page.goto(live_server + SECTION)
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
    page.get_by_text("Slower").click()
    assert page.evaluate("document.querySelector('#player input[value=\"0.75\"]').checked")
    page.get_by_role("button", name="Stop").click()
    assert speaking(page) == -1
    expect(page.locator(".player-status")).to_have_text("Stopped")
    assert page.get_by_role("button", name="Play").is_visible()


def test_every_clip_on_the_page_is_audio_of_its_sentence(page, live_server):
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[2]}")
    clips = page.evaluate(
        "[...document.querySelectorAll('#main .sentence')].map(s => [s.textContent, s.dataset.clip])"
    )
    assert clips and all(url for _, url in clips)
    assert len({url for _, url in clips}) == len({text for text, _ in clips})
    response = page.request.get(live_server + clips[0][1])
    assert response.status == 200 and response.headers["content-type"] == "audio/wav"
    assert response.body()[:4] == b"RIFF"


def test_navigating_stops_the_speech(page, live_server):
    page.goto(live_server + SECTION)
    page.get_by_role("button", name="Play").click()
    wait_until_speaking(page, 0)
    page.get_by_role("link", name=re.compile("Next")).click()
    page.wait_for_url(re.compile(SECTIONS[1] + "$"))
    page.wait_for_function("document.activeElement && document.activeElement.id === 'page-heading'")
    assert speaking(page) == -1
    page.wait_for_timeout(500)  # the old clip must not carry on under the new page
    assert speaking(page) == -1
    assert page.evaluate("document.querySelector('#main .player-status').textContent") == ""


def test_listen_to_the_whole_leaflet_turns_the_pages(page, live_server):
    page.goto(live_server + f"/en/{LEAFLET}/{SECTIONS[1]}")
    page.get_by_role("link", name="Listen to the whole leaflet").click()
    page.wait_for_url(re.compile(SECTIONS[0] + "$"))
    wait_until_speaking(page, 0)
    # Jump to the last sentence of the section; when it ends, the next section plays.
    last = page.evaluate("document.querySelectorAll('#main .sentence').length") - 1
    for _ in range(last):
        page.get_by_role("button", name="Next sentence").click()
    wait_until_speaking(page, last)
    page.wait_for_url(re.compile(SECTIONS[1] + "$"), timeout=30000)
    wait_until_speaking(page, 0)
    assert page.locator("main h1").inner_text() == "What is a Trigger Point Injection?"


def test_a_language_without_a_voice_says_so_and_offers_no_controls(page, live_server):
    page.goto(live_server + f"/fil/{LEAFLET}/{SECTIONS[0]}")
    assert page.locator("#player").count() == 0
    assert page.locator("#main [data-clip]").count() == 0
    assert page.get_by_text(expected("fil", "Audio is not available in this language.")).is_visible()
