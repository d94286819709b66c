"""The data a page renders for its scripts (static/page.js, readJSON) fails loudly: a part
that is not JSON, or a phrase asked for by a name the page does not carry (renamed on one
side only), is an error on the console, never a feature silently turned off."""

from layout import FIRST_SECTION
from listening import turn_on_guide


def rename(page, part, old, new):
    """Rename one name in a data-json part, as a template renamed on its own would."""
    page.evaluate(
        """([part, old, renamed]) => {
          const el = document.getElementById(part);
          const data = JSON.parse(el.dataset.json);
          data[renamed] = data[old];
          delete data[old];
          el.dataset.json = JSON.stringify(data);
        }""",
        [part, old, new],
    )


def test_a_phrase_renamed_on_one_side_is_an_error_not_silence(page, live_server):
    page.goto(live_server + FIRST_SECTION.format(tag="en"))
    rename(page, "guide-phrases", "menu-closed", "menu-shut")
    turn_on_guide(page)
    page.locator("#display-menu summary").focus()
    page.keyboard.press("Enter")
    with page.expect_console_message(lambda m: m.type == "error" and '"menu-closed"' in m.text) as message:
        page.keyboard.press("Escape")  # the guide says the menu closed, from #guide-phrases
    assert message.value.text.startswith("readJSON: #guide-phrases has no")
    # Seen by every browser test (conftest.report_script_errors); expected here.
    assert page.script_errors == [message.value.text]
    page.script_errors.clear()


def test_a_part_that_is_not_json_is_an_error_that_stops_the_script(page, live_server):
    page.goto(live_server + FIRST_SECTION.format(tag="en"))
    page.evaluate("document.getElementById('player-phrases').dataset.json = '{\"play\": '")
    with page.expect_event("pageerror") as thrown:
        with page.expect_console_message(lambda m: m.type == "error" and "#player-phrases" in m.text) as message:
            page.locator('#player [data-action="toggle"]').click()
    assert "JSON" in str(thrown.value)
    assert "does not hold valid JSON" in message.value.text
    page.script_errors.clear()
