"""Every script renders in its self-hosted face, and pages fetch only the
font files their text needs."""

import pytest

from helpers import LEAFLET, SECTIONS

# Language -> the face its text must be drawn with, and font packages whose
# files a page in that language has no reason to fetch.
FACES = {
    "en": "Atkinson Hyperlegible",
    "es": "Atkinson Hyperlegible",
    "ru": "Noto Sans",
    "vi": "Noto Sans",
    "zh-Hans": "Noto Sans SC",
    "ko": "Noto Sans KR",
    "hi": "Noto Sans Devanagari",
    "ar": "Noto Sans Arabic",
    "ur": "Noto Nastaliq Urdu",
}
# Urdu falls back to the Arabic face for symbols Nastaliq lacks (the pager arrows).
FALLBACK = {"ur": {"Noto Sans Arabic"}}
WEIGHT_NAMES = {"", "Thin", "Regular", "Bold"}
PACKAGES = {
    "Noto Sans SC": "noto-sans-sc",
    "Noto Sans KR": "noto-sans-kr",
    "Noto Sans Devanagari": "noto-sans-devanagari",
    "Noto Sans Arabic": "noto-sans-arabic",
    "Noto Nastaliq Urdu": "noto-nastaliq-urdu",
}


def fonts_used_for(page, selector):
    """The fonts Chromium really drew the element's text with (via CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return {font["familyName"]: font["glyphCount"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}


@pytest.mark.parametrize("tag", FACES)
def test_text_is_drawn_with_the_self_hosted_face(page, live_server, tag):
    fetched = []
    page.on("request", lambda r: r.url.endswith((".woff2", ".woff")) and fetched.append(r.url))
    page.goto(live_server + f"/{tag}/{LEAFLET}/{SECTIONS[0]}")
    page.evaluate("document.fonts.ready.then(() => true)")
    face = FACES[tag]
    loaded = page.evaluate(
        "face => [...document.fonts].some(f => f.family.replace(/\"/g, '') === face && f.status === 'loaded')",
        face,
    )
    assert loaded
    used = fonts_used_for(page, "article.section > p:not(.context)")
    # Variable CJK fonts report their default instance: "Noto Sans SC Thin".
    main_font = max(used, key=used.get)
    assert main_font.startswith(face) and main_font[len(face):].strip() in WEIGHT_NAMES, used
    # Only the faces this page's text needs were downloaded.
    unneeded = [pkg for name, pkg in PACKAGES.items() if name != face and name not in FALLBACK.get(tag, ())]
    assert [url for url in fetched if any(f"/{pkg}/" in url for pkg in unneeded)] == []
    assert fetched and all(url.endswith(".woff2") for url in fetched)


@pytest.mark.parametrize("tag", ["ur", "zh-Hans", "ru"])
def test_english_inside_another_script_gets_the_latin_face(page, live_server, tag):
    page.goto(live_server + f"/{tag}/{LEAFLET}/{SECTIONS[0]}")
    page.evaluate("document.fonts.ready.then(() => true)")
    used = fonts_used_for(page, "#language-menu summary span[lang=en]")
    assert list(used) == ["Atkinson Hyperlegible"], used


@pytest.mark.parametrize(("tag", "packages"), [
    ("en", {"atkinson-hyperlegible"}),
    ("es", {"atkinson-hyperlegible"}),
    ("zh-Hans", {"atkinson-hyperlegible", "noto-sans-sc"}),
    ("ur", {"atkinson-hyperlegible", "noto-nastaliq-urdu", "noto-sans-arabic"}),
])
def test_a_page_links_only_the_font_stylesheets_of_its_scripts(page, live_server, tag, packages):
    sheets = []
    page.on("request", lambda r: r.url.endswith(".css") and "/@fontsource/" in r.url and sheets.append(r.url))
    page.goto(live_server + f"/{tag}/{LEAFLET}/{SECTIONS[0]}")
    page.wait_for_load_state("networkidle")
    assert {url.split("/@fontsource/")[1].split("/")[0] for url in sheets} == packages


def test_the_language_menu_draws_every_name_in_its_own_face(page, live_server):
    """A page links only its own script's faces; opening the menu brings the others."""
    page.goto(live_server + f"/es/{LEAFLET}/{SECTIONS[0]}")
    page.locator("#language-menu summary").click()
    page.wait_for_function("document.querySelectorAll('link[rel=stylesheet][href*=\"@fontsource\"]').length === 14")
    page.evaluate("document.fonts.ready.then(() => true)")
    for tag, face in (("zh-Hans", "Noto Sans SC"), ("ar", "Noto Sans Arabic"), ("hi", "Noto Sans Devanagari")):
        page.wait_for_function(
            "face => [...document.fonts].some(f => f.family.replace(/\"/g, '') === face && f.status === 'loaded')", arg=face)
        used = fonts_used_for(page, f'#language-menu .language-list [lang="{tag}"] .native')
        main_font = max(used, key=used.get)
        assert main_font.startswith(face), (tag, used)
