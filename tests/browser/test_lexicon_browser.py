"""Pronunciation on the staff screen in a real browser: a preview plays, and saving re-renders."""

import pytest
from playwright.sync_api import expect

from kiosk import create_app
from kiosk.speech import Speech, ThreadExecutor
from kiosk.staff import pin
from speech.test_lexicon import RespellingFake

from axe import run_axe
from live import serving
from test_staff_browser import PIN, log_in, small_targets


@pytest.fixture(scope="module")
def lexicon_server(tmp_path_factory):
    """A kiosk with a PIN and a fake engine that applies the lexicon, with every clip rendered
    already, so a save has only the clips it changed to render."""
    instance = tmp_path_factory.mktemp("lexicon")
    app = create_app({"TESTING": True}, instance_path=str(instance))
    app.extensions["speech"].close()
    engine = RespellingFake()
    speech = Speech(instance / "audio", executor=ThreadExecutor(lambda: engine))
    speech.use_lexicons(app.extensions["speech"].lexicons)  # the shipped entries, as create_app loaded them
    app.extensions["speech"] = speech
    pin.save(app.instance_path, PIN)
    with app.app_context():
        from kiosk.crawl import ensure_registered

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

    render = app.extensions["render"]
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#pronunciation-notice")).to_contain_text("Saved: “trigger” is said as “trig gur”.")
    expect(page.locator("#render-progress .done")).to_have_text("Finished: every missing clip was rendered.")
    progress = render.progress
    assert progress.error is None and progress.total > 0 and progress.done == progress.total
    expect(page.locator(".lexicon-entries tbody th", has_text="trigger")).to_have_count(1)
    # The kiosk now says it: the section's clips are the new ones, already rendered.
    speech = app.extensions["speech"]
    changed = [key for key in speech.keys() if any(e.grapheme == "trigger" for e in speech.job(key).lexicon)]
    # (A sentence previewed "after" is already in the cache: the preview made the very same clip.)
    assert len(changed) - 1 <= progress.total <= len(changed) and speech.missing() == []

    # Remove it: the old clips come back from the cache, with nothing to render.
    page.locator(".lexicon-entries tr", has_text="trigger").get_by_role("button", name="Remove").click()
    expect(page.locator("#pronunciation-notice")).to_contain_text("Removed “trigger”.")
    expect(page.locator("#render-progress .done")).to_be_visible()
    page.wait_for_function("() => !document.querySelector('#render-progress[hx-trigger]')")
    assert not any(e.grapheme == "trigger" for key in speech.keys() for e in speech.job(key).lexicon)
    assert speech.missing() == []
    page.close()
