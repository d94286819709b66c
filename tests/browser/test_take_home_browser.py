"""Take it home, as a phone and a printer see it: the QR code on the screen
decodes to the leaflet's public address, and the printed leaflet holds the
leaflet's text in the patient's language and none of the kiosk's controls."""

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from kiosk import ROOT, create_app
from kiosk.content import load_leaflet

from helpers import LEAFLET, expected, serving

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
