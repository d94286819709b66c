"""Chinese and Korean pages link faces cut to the kiosk's characters (kiosk/fonts/__init__.py,
kiosk/fonts/subsets.py), hold every character they show, and link the whole Fontsource
face whenever such a face is not current."""

import gzip
import json
import re
import shutil
import stat
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from kiosk.i18n import catalogs
from kiosk import create_app
from kiosk.fonts.subsets import build, build_leaflet_faces
from kiosk.fonts import SUBSET_SOURCES

from helpers import LEAFLET, ROOT, SECTIONS, soup

SUBSET_LANGUAGES = {"zh-Hans": "noto-sans-sc", "ko": "noto-sans-kr"}
LATIN = ["/vendor/@fontsource/atkinson-hyperlegible/400.css", "/vendor/@fontsource/atkinson-hyperlegible/700.css"]
# A character the Chinese catalog does not use today (猫, cat) but its source font has.
NEW_CHARACTER = "猫"
# One that Fontsource's whole face has, in a file of its own, but its chinese-simplified file lacks.
RARE_CHARACTER = "丂"


def font_links(response) -> list[str]:
    """The faces' stylesheets a page links (not /fonts/languages.css, which holds no face)."""
    return [link["href"] for link in soup(response).select('link[rel="stylesheet"]')
            if link["href"].startswith(("/vendor/@fontsource/", "/fonts/")) and link["href"] != "/fonts/languages.css"]


@cache
def characters_of(path: Path) -> frozenset[str]:
    with TTFont(path) as font:
        return frozenset(chr(code) for code in font.getBestCmap())


def shown_in(response, tag: str) -> set[str]:
    """The characters of every text on the page whose language is `tag`."""
    shown = set()
    for text in soup(response).find_all(string=True):
        if text.parent.name in ("script", "style", "title"):
            continue
        owner = text.find_parent(attrs={"lang": True})
        if owner is not None and owner["lang"] == tag:
            shown.update(text)
    return shown - set("\n\t")


@pytest.mark.parametrize(("tag", "sheets"), [
    ("en", LATIN),
    ("es", LATIN),
    ("zh-Hans", [*LATIN, "/fonts/noto-sans-sc.css"]),
    ("ko", [*LATIN, "/fonts/noto-sans-kr.css"]),
    ("ar", [*LATIN, "/vendor/@fontsource/noto-sans-arabic/400.css", "/vendor/@fontsource/noto-sans-arabic/700.css"]),
])
def test_a_page_links_only_the_font_stylesheets_of_its_scripts(client, tag, sheets):
    assert font_links(client.get(f"/{tag}/{LEAFLET}/{SECTIONS[0]}")) == sheets


@pytest.mark.parametrize("tag", SUBSET_LANGUAGES)
@pytest.mark.parametrize("path", ["/", f"/{LEAFLET}/", *(f"/{LEAFLET}/{s}" for s in SECTIONS), f"/{LEAFLET}/print"])
def test_every_character_a_page_shows_is_in_the_face_it_loads(app, client, tag, path):
    response = client.get(f"/{tag}{path}")
    assert response.status_code == 200
    shown = shown_in(response, tag)
    assert len(shown) > 20
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    for face in sorted(folder.glob(f"{SUBSET_LANGUAGES[tag]}-*.woff2")):
        assert sorted(shown - characters_of(face)) == [], face.name


def test_the_language_menu_takes_every_face(client):
    every = json.loads(soup(client.get(f"/es/{LEAFLET}/")).select_one("#language-menu")["data-fonts"])
    assert {"/fonts/noto-sans-sc.css", "/fonts/noto-sans-kr.css"} <= set(every)
    assert not [url for url in every if "/noto-sans-sc/" in url or "/noto-sans-kr/" in url]


def test_the_start_screen_takes_its_own_faces_and_the_start_screen_cut(client):
    """Its own language's faces, and every other script cut to its name and "Choose your language"."""
    assert font_links(client.get("/")) == [*LATIN, "/fonts/start-screen.css"]


def test_the_start_screen_cut_holds_every_character_it_is_used_for(app):
    """Each rule's file holds every character its unicode-range names, in its weight."""
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    sheet = (folder / "start-screen.css").read_text(encoding="utf-8")
    rules = re.findall(r"src: url\(\./([^)]+)\).*?unicode-range: ([^;]+);", sheet, re.S)
    assert len(rules) >= 12  # six script faces, two weights
    for name, ranges in rules:
        named = {chr(int(code.strip()[2:], 16)) for code in ranges.split(",")}
        assert named <= characters_of(folder / name), name


def test_a_face_is_served_with_its_stylesheet(client):
    sheet = client.get("/fonts/noto-sans-sc.css", headers={"Accept-Encoding": "gzip"})
    assert sheet.status_code == 200 and sheet.headers["Content-Encoding"] == "gzip"
    text = gzip.decompress(sheet.get_data()).decode()
    assert "font-family: 'Noto Sans SC'" in text and "url(./noto-sans-sc-700.woff2)" in text
    face = client.get("/fonts/noto-sans-sc-400.woff2")
    assert face.status_code == 200 and face.mimetype == "font/woff2"
    # Remade under the same name when a translation brings a new character: never kept stale.
    assert face.headers["Cache-Control"] == "no-cache"
    face.close()
    again = client.get("/fonts/noto-sans-sc-400.woff2", headers={"If-None-Match": face.headers["ETag"]})
    assert again.status_code == 304
    again.close()


@pytest.mark.parametrize("url", ["/fonts/noto-sans-sc.json", "/fonts/../kiosk/fonts/__init__.py",
                                 "/fonts/%2e%2e%2fpyproject.css", "/fonts/no-such.css"])
def test_nothing_else_is_served_from_the_fonts_folder(client, url):
    assert client.get(url).status_code == 404


def warnings_of(app) -> list[str]:
    return [w for w in app.test_client().get("/healthz").get_json()["warnings"] if w.startswith("Fonts:")]


def test_without_its_subset_a_page_links_the_whole_face(tmp_path):
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "FONT_SUBSETS_DIR": str(tmp_path / "none")},
                     instance_path=str(tmp_path))
    assert font_links(app.test_client().get(f"/zh-Hans/{LEAFLET}/{SECTIONS[0]}")) == [
        *LATIN, "/vendor/@fontsource/noto-sans-sc/400.css", "/vendor/@fontsource/noto-sans-sc/700.css"]
    assert warnings_of(app) == [
        *(f"Fonts: pages in {tag} load the whole {package} face (several times the bytes): its subset is "
          "not made yet. Run `kiosk catalog compile`." for package, tag in zip(SUBSET_SOURCES, SUBSET_LANGUAGES)),
        "Fonts: the start screen loads every face (several times the bytes): its own faces are not made yet. "
        "Run `kiosk catalog compile`."]
    # ... and then the start screen links every face whole, so no name lacks a glyph.
    links = font_links(app.test_client().get("/"))
    assert "/vendor/@fontsource/noto-nastaliq-urdu/400.css" in links and "/fonts/start-screen.css" not in links


@pytest.mark.parametrize(("change", "problem"), [
    (lambda m: m.update(version="5.2.0"), "was made from version 5.2.0, but 5.3.0 is installed"),
    (lambda m: m.update(characters=m["characters"].replace("注", "")),
     "lacks 1 of the characters the catalogs show (注)"),
])
def test_a_subset_not_made_from_what_is_installed_is_not_used(app, tmp_path, change, problem):
    folder = shutil.copytree(app.config["FONT_SUBSETS_DIR"], tmp_path / "fonts")
    manifest = json.loads((folder / "noto-sans-sc.json").read_text())
    change(manifest)
    (folder / "noto-sans-sc.json").write_text(json.dumps(manifest))
    stale = create_app({"TESTING": True, "SPEECH_ENABLED": False, "FONT_SUBSETS_DIR": str(folder)},
                       instance_path=str(tmp_path))
    assert "/vendor/@fontsource/noto-sans-sc/400.css" in font_links(stale.test_client().get("/zh-Hans/"))
    assert "/fonts/noto-sans-kr.css" in font_links(stale.test_client().get("/ko/"))
    (warning,) = warnings_of(stale)
    assert f"noto-sans-sc face (several times the bytes): its subset {problem}." in warning


def compiled_with(tmp_path, character: str) -> Path:
    """A compiled copy of the catalogs whose Chinese title (in the leaflet's catalog) gained `character`;
    returns its folder."""
    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations)
    po = catalogs.catalog_path("zh_Hans", translations, catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0]))
    text = po.read_text(encoding="utf-8")
    assert character not in text
    po.write_text(text.replace('msgstr "触发点注射"', f'msgstr "触发点注射{character}"', 1), encoding="utf-8")
    catalogs.run(catalogs.compile_args(translations))
    return translations


@pytest.mark.slow
def test_a_new_translation_is_in_the_face_once_the_catalogs_are_compiled_again(app, tmp_path):
    """A translator's new character: the old face is set aside, and compiling makes a new one."""
    shutil.copytree(app.config["FONT_SUBSETS_DIR"], tmp_path / "fonts")
    config = {"TESTING": True, "SPEECH_ENABLED": False, "FONT_SUBSETS_DIR": str(tmp_path / "fonts"),
              "BABEL_TRANSLATION_DIRECTORIES": str(compiled_with(tmp_path, NEW_CHARACTER))}

    before = create_app(config, instance_path=str(tmp_path))
    assert "/vendor/@fontsource/noto-sans-sc/400.css" in font_links(before.test_client().get("/zh-Hans/"))
    assert f"lacks 1 of the characters the catalogs show ({NEW_CHARACTER})" in warnings_of(before)[0]

    # The start screen shows no leaflet text: only the leaflet's faces are cut again.
    assert not [line for line in build_leaflet_faces(before) if line.startswith("Warning")]
    after = create_app(config, instance_path=str(tmp_path))
    assert "/fonts/noto-sans-sc.css" in font_links(after.test_client().get("/zh-Hans/"))
    assert warnings_of(after) == []
    assert NEW_CHARACTER in characters_of(tmp_path / "fonts" / "noto-sans-sc-400.woff2")


@pytest.mark.slow
def test_the_made_files_are_readable_by_the_kiosk_user_and_leave_no_temporary(app, tmp_path):
    """The set-up writes them as root; the kiosk, running as its own user, must still read them."""
    config = {"TESTING": True, "SPEECH_ENABLED": False, "FONT_SUBSETS_DIR": str(tmp_path / "fonts"),
              "BABEL_TRANSLATION_DIRECTORIES": app.config["BABEL_TRANSLATION_DIRECTORIES"]}
    build(create_app(config, instance_path=str(tmp_path)))
    made = sorted((tmp_path / "fonts").iterdir())
    assert {path.name for path in made} >= {"noto-sans-sc.css", "noto-sans-sc-400.woff2", "noto-sans-kr-700.woff2"}
    assert not [path.name for path in made if path.name.startswith(".")]
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in made} == {path.name: 0o644 for path in made}


def test_a_character_the_source_lacks_keeps_the_whole_face(tmp_path):
    """丂 is in Fontsource's Noto Sans SC, but not in the file the cut face is made from."""
    config = {"TESTING": True, "SPEECH_ENABLED": False, "FONT_SUBSETS_DIR": str(tmp_path / "fonts"),
              "BABEL_TRANSLATION_DIRECTORIES": str(compiled_with(tmp_path, RARE_CHARACTER))}
    app = create_app(config, instance_path=str(tmp_path))
    lines = build_leaflet_faces(app)
    assert lines[1].startswith(
        f"Warning: @fontsource/noto-sans-sc's noto-sans-sc-chinese-simplified files lack {RARE_CHARACTER}:")
    again = create_app(config, instance_path=str(tmp_path))
    assert "/vendor/@fontsource/noto-sans-sc/400.css" in font_links(again.test_client().get("/zh-Hans/"))
    assert "/fonts/noto-sans-kr.css" in font_links(again.test_client().get("/ko/"))


@pytest.mark.parametrize("path", ["/", f"/ar/{LEAFLET}/{SECTIONS[0]}", "/staff/"])
def test_patient_and_staff_pages_take_each_languages_face_from_the_one_table(app, path):
    """/fonts/languages.css is the only place a language's face is named (kiosk/web/vendor.py's
    SCRIPT_FACES): linked by every page before its own styles, which may not name one again."""
    client = app.test_client()
    sheets = [link["href"] for link in soup(client.get(path, follow_redirects=True)).select('link[rel="stylesheet"]')]
    assert "/fonts/languages.css" in sheets
    assert sheets.index("/fonts/languages.css") < next(i for i, s in enumerate(sheets) if s.startswith("/static/"))
    rules = client.get("/fonts/languages.css").get_data(as_text=True)
    assert ':lang(ar) { font-family: "Noto Sans Arabic", "Atkinson Hyperlegible", sans-serif; }' in rules
    assert ':lang(en) { font-family: "Atkinson Hyperlegible", sans-serif; }' in rules
    for css in ("kiosk.css", "staff.css"):
        assert "font-family" not in re.sub(r"/\*.*?\*/", "", (ROOT / "static" / css).read_text(), flags=re.S).replace(
            "font-family: ui-monospace", "")
