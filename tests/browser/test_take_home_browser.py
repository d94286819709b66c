"""Take it home, as a phone and a printer see it: the QR code on the screen
decodes to the leaflet's public address, and the printed leaflet holds the
leaflet's text in the patient's language and none of the kiosk's controls."""

import io
import json
import re

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from kiosk import ROOT, create_app
from kiosk.content import load_leaflet

from helpers import LEAFLET, expected, serving
from listening import clips_of, record, turn_on_guide, wait_saying

CONTENT = load_leaflet(ROOT / "leaflets" / f"{LEAFLET}.toml")
PUBLIC_URL = "https://clinic.example"


@pytest.fixture(scope="module")
def public_server(tmp_path_factory):
    """A kiosk with a public address (the session's live_server has none),
    served by waitress on a free loopback port for this module."""
    app = create_app(
        {"TESTING": True, "SPEECH_ENABLED": False, "PUBLIC_URL": PUBLIC_URL},
        instance_path=str(tmp_path_factory.mktemp("instance")),
    )
    with serving(app, threads=4) as url:
        yield url


@pytest.fixture
def tab(context):
    page = context.new_page()
    yield page
    page.close()


def words(text: str) -> str:
    """Text without its whitespace: pypdf puts a space before some
    punctuation and at line ends, so compare the letters alone."""
    return "".join(text.split())


@pytest.mark.parametrize("tag", ["es", "ar"])
def test_the_code_on_the_overview_opens_this_leaflet_in_this_language(tab, public_server, tag):
    tab.goto(f"{public_server}/{tag}/{LEAFLET}/")
    code = tab.locator(".take-home svg")
    box = code.bounding_box()
    assert box["width"] >= 160 and box["height"] >= 160
    image = Image.open(io.BytesIO(code.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert [(result.format, result.text) for result in found] == [
        (zxingcpp.BarcodeFormat.QRCode, f"{PUBLIC_URL}/{tag}/{LEAFLET}/")
    ]
    assert_quiet_zone(image)


def assert_quiet_zone(image):
    """Dark modules on white, with the four-module white margin the QR
    standard asks for (a phone misses a code that text crowds)."""
    grey = image.convert("L").point(lambda v: 255 if v < 128 else 0)  # dark -> white, for getbbox
    left, top, right, bottom = grey.getbbox()
    # The top-left finder pattern is 7 modules wide: its first row is one dark run.
    row = [grey.getpixel((x, top)) for x in range(left, right)]
    module = (row.index(0) if 0 in row else len(row)) / 7
    margins = (left, top, image.width - right, image.height - bottom)
    assert min(margins) >= 4 * module - 1, (margins, module)
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 16)}
    assert (255, 255, 255) in colours and (0, 0, 0) in colours


def printed_text(tab, url: str) -> str:
    tab.goto(url)
    tab.emulate_media(media="print")
    # Print only once the web fonts are in, as a person would see the page.
    tab.wait_for_function("document.fonts.status === 'loaded'")
    reader = PdfReader(io.BytesIO(tab.pdf(format="A4", print_background=True)))
    assert len(reader.pages) >= 2
    return words("\n".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("tag", ["es", "ru"])
def test_the_printed_leaflet_holds_its_text_in_the_language(tab, public_server, tag):
    text = printed_text(tab, f"{public_server}/{tag}/{LEAFLET}/print")
    assert words(expected(tag, CONTENT.title)) in text
    for section in CONTENT.sections:
        assert words(expected(tag, section.heading)) in text
    first_paragraph = next(b.text for b in CONTENT.sections[0].blocks if b.kind == "paragraph")
    assert words(" ".join(expected(tag, first_paragraph).split()[:6])) in text
    assert words(expected(tag, "Bleeding")) in text  # the last list
    # None of the kiosk's controls, in either language.
    for control in ("Play", "Language"):
        assert words(control) not in text
        assert words(expected(tag, control)) not in text
    assert words(f"{PUBLIC_URL}/{tag}/{LEAFLET}/") in text


# The print view on the kiosk's screen: a kiosk page like every other ---------

PRINT = f"/es/{LEAFLET}/print"
CONTENTS = f"/es/{LEAFLET}/"


def test_the_guide_goes_on_speaking_on_the_print_view(page, live_server):
    # A blind patient opens the printable version with the guide on: it must
    # not be a dead end where no key says anything.
    page.goto(live_server + CONTENTS)
    turn_on_guide(page)
    link = page.get_by_role("link", name=expected("es", "Printable version"))
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + PRINT)
    record(page)
    expect(page.locator("#guide-toggle")).to_have_attribute("aria-pressed", "true")
    # It arrives at the leaflet's title, and says it.
    wait_saying(page, clips_of(page.locator("#page-heading"))[0])
    # Tab moves on and says where it is.
    page.keyboard.press("Tab")
    item = page.locator(":focus")
    wait_saying(page, clips_of(item)[0])
    # "?" says where the patient is, in Spanish.
    page.keyboard.press("?")
    where = json.loads(page.locator("#page-help").get_attribute("data-json"))["where"]
    assert where[0][1] == "es"
    wait_saying(page, where[0][0])
    # Escape goes up one level, as Back does: to the contents.
    page.keyboard.press("Escape")
    page.wait_for_url(live_server + CONTENTS)
    page.wait_for_function("document.activeElement.id === 'page-heading'")


def test_back_returns_to_the_contents(page, live_server):
    page.goto(live_server + PRINT)
    back = page.locator("#back-link")
    expect(back).to_have_text(re.compile(expected("es", "Back")))
    back.click()
    page.wait_for_url(live_server + CONTENTS)
    expect(page.locator("#page-heading")).to_have_text(expected("es", CONTENT.title))


def test_an_idle_print_view_starts_again_with_nothing_kept(page, live_server):
    # The kiosk's own idle times (120 s, then 30 s), on Playwright's clock.
    page.clock.install()
    # A patient chooses large text, opens the printable version, and leaves.
    page.goto(live_server + CONTENTS)
    page.locator("#display-menu summary").click()
    page.locator('[data-set-size="200"]').click()
    page.locator("#display-menu summary").click()
    page.get_by_role("link", name=expected("es", "Printable version")).click()
    page.wait_for_url(live_server + PRINT)
    assert '"200"' in page.evaluate("sessionStorage.getItem('kiosk-display')")
    page.clock.run_for("02:05")
    expect(page.locator("#idle-warning")).to_be_visible()
    expect(page.locator("#idle-title")).to_have_text(expected("es", "Are you still there?"))
    starts = []
    page.on("request", lambda r: r.is_navigation_request() and starts.append(r.url))
    page.clock.run_for("00:35")
    page.wait_for_url(live_server + "/")
    expect(page.locator("#page-heading")).to_have_text("Choose your language")
    # One reset: a second one, while the first page load was under way, aborted it.
    assert starts == [live_server + "/"]
    assert page.evaluate("[sessionStorage.length, localStorage.length]") == [0, 0]
    assert page.evaluate("document.documentElement.dataset.textSize") == "100"


def test_on_paper_no_kiosk_control_is_left_and_it_is_black_on_white(page, live_server):
    page.goto(live_server + PRINT)
    # On the screen, the kiosk's controls, with a patient's display settings
    # and the guide on ...
    page.locator("#display-menu summary").click()
    page.locator('[data-set-size="200"]').click()
    page.locator('[data-set-theme="contrast"]').click()
    turn_on_guide(page)
    for control in ("#guide-toggle", "#guide-caption", "#back-link", "#display-menu", "#language-menu"):
        expect(page.locator(control)).to_be_visible()
    # ... and on paper none of them: only the leaflet, in black on white.
    page.emulate_media(media="print")
    shown = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter(el => el.checkVisibility() && !el.closest("main"))
            .map(el => el.id || el.className || el.tagName)"""
    )
    assert shown == []
    assert page.locator("main a, main button, main summary").evaluate_all(
        "els => els.filter(el => el.checkVisibility())") == []
    colours = page.evaluate(
        """() => [document.body, document.querySelector("main"), document.querySelector("h1"),
                  document.querySelector("h2"), document.querySelector("footer.provenance")]
            .map(el => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor])"""
    )
    assert all(colour == "rgb(0, 0, 0)" for colour, _ in colours), colours
    assert all(bg in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)") for _, bg in colours), colours
    # The body map's hatching stays visible (the contrast theme draws it in
    # its paper colour, which on paper would be white on white).
    line, ground = page.evaluate(
        """() => [getComputedStyle(document.querySelector(".body-map-hatch-line")).stroke,
                  getComputedStyle(document.querySelector(".body-map-hatch-ground")).fill]"""
    )
    assert line not in (ground, "rgb(255, 255, 255)"), (line, ground)
    # 13 pt on paper, whatever text size the patient chose on the screen.
    size = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert size == pytest.approx(13 * 4 / 3, abs=0.01)
    text = words(page.locator("body").inner_text())
    for control in ("Audio guide", "Back", "Display", "Language"):
        assert words(expected("es", control)) not in text
