"""Pronunciation on the staff screen in a real browser: a preview plays, and saving re-renders."""

import os

import pytest
from playwright.sync_api import expect

from kiosk import create_app
from kiosk.speech import ThreadExecutor
from kiosk.staff import pin
from speech.test_lexicon import RespellingFake

from axe import run_axe
from live import serving
from test_staff_browser import PIN, log_in, small_targets
from kiosk.state import app_state


@pytest.fixture(scope="module")
def lexicon_server(tmp_path_factory, fake_clips):
    """A kiosk with a PIN and a fake engine that applies the lexicon, with every clip rendered
    already, so a save has only the clips it changed to render."""
    instance = tmp_path_factory.mktemp("lexicon")
    fake_clips(instance / "audio", RespellingFake)  # what the prerender below would make
    engine = RespellingFake()
    app = create_app({"TESTING": True}, instance_path=str(instance), speech_executor=ThreadExecutor(lambda: engine))
    speech = app_state(app).speech
    pin.save(app.instance_path, PIN)
    with app.app_context():
        from kiosk.jobs.crawl import ensure_registered

        ensure_registered(app)
    speech.prerender()
    try:
        with serving(app) as url:
            yield url, app
    finally:
        speech.close()


def test_a_preview_plays_before_and_after_and_saving_re_renders(context, lexicon_server):
    url, app = lexicon_server
    page = context.new_page()
    log_in(page, url)
    page.get_by_role("link", name="English: 7 entries").click()
    expect(page.locator("h1")).to_have_text("Pronunciation in English")
    page.get_by_label("The word as it is written").fill("trigger")
    page.get_by_label("Say it as").fill("trig gur")
    page.get_by_role("button", name="Hear it before and after").click()

    heading = page.locator("#preview-heading")
    expect(heading).to_contain_text("“trigger” said as “trig gur”")
    expect(heading).to_be_focused()
    rows = page.locator(".lexicon-preview tbody tr")
    expect(rows.first.locator("th")).to_have_text("trigger")
    assert rows.count() > 1
    # Nothing saved yet: the form keeps what was typed.
    expect(page.get_by_label("Say it as")).to_have_value("trig gur")
    for which in ("before", "after"):
        audio = rows.nth(1).locator(f"audio.{which}")
        audio.evaluate("a => a.play()")
        page.wait_for_function("a => a.currentTime > 0 || a.ended", arg=audio.element_handle())
    assert run_axe(page) == []
    assert small_targets(page) == []

    render = app_state(app).background_render
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#pronunciation-notice")).to_contain_text("Saved: “trigger” is said as “trig gur”.")
    expect(page.locator("#render-progress .done")).to_have_text("Finished: patients hear the new audio.")
    progress = render.progress
    assert progress.error is None and progress.total > 0 and progress.done == progress.total
    expect(page.locator(".lexicon-entries tbody th", has_text="trigger")).to_have_count(1)
    # The kiosk now says it: the section's clips are the new ones, already rendered.
    speech = app_state(app).speech
    changed = [key for key in speech.keys() if any(e.grapheme == "trigger" for e in speech.job(key).lexicon)]
    # (Preview and Save made some already, to check the entry: the very same clips.)
    assert 0 < progress.total < len(changed) and speech.missing() == []

    # Remove it: the old clips come back from the cache, with nothing to render.
    page.locator(".lexicon-entries tr", has_text="trigger").get_by_role("button", name="Remove").click()
    expect(page.locator("#pronunciation-notice")).to_contain_text("Removed “trigger”.")
    expect(page.locator("#render-progress .done")).to_be_visible()
    page.wait_for_function("() => !document.querySelector('#render-progress[hx-trigger]')")
    assert not any(e.grapheme == "trigger" for key in speech.keys() for e in speech.job(key).lexicon)
    assert speech.missing() == []
    page.close()


@pytest.mark.parametrize("width, height", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
def test_add_for_a_word_with_an_entry_shows_it_and_asks(context, lexicon_server, width, height):
    """Issue 28: "Add an entry" for "TPI" replaced the shipped entry silently, under "Add"."""
    url, app = lexicon_server
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    log_in(page, url)
    page.goto(url + "/staff/lexicon/en/")
    page.get_by_label("The word as it is written").fill("TPI")
    page.get_by_label("Say it as").fill("tippy")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#entry-heading")).to_have_text("“TPI” has an entry already")
    expect(page.locator("#entry-error")).to_be_focused()
    expect(page.locator("#existing-entry")).to_contain_text("“T. P. I.”")
    expect(page.get_by_role("button", name="Replace it")).to_be_visible()
    assert app_state(app).speech.lexicons["en"].get("TPI").say == "T. P. I."
    page.locator("#say").locator("xpath=..").get_by_text("Details").click()
    assert run_axe(page) == []
    assert small_targets(page) == []
    if shots := os.environ.get("KIOSK_SCREENSHOTS"):
        page.screenshot(path=f"{shots}/lexicon-{width}x{height}.png", full_page=True)
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator("#entry-heading")).to_have_text("Add an entry")
    page.close()
