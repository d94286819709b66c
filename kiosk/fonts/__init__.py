"""The font stylesheets a page links: Fontsource's, or for Chinese and Korean a small face
made at set-up with only the characters the kiosk shows.

Fontsource splits Noto Sans SC and KR into about a hundred unicode-range files per weight,
grouped by how common a character is in general text, so one page of a leaflet touched some
twenty of them in each weight (855 KB for one Chinese page) and linked 60 KB of @font-face
rules to find them. `kiosk catalog compile` (kiosk/fonts/subsets.py) makes instead one file
per weight holding the few hundred characters the catalogs, language names and templates
use: about 60 KB a weight for Chinese, 28 KB for Korean. A page uses it only while it holds
every character its languages' compiled catalogs show; otherwise (not made yet, made from
other catalogs or another Fontsource version) pages link the whole Fontsource face, as
before, so no page ever shows a missing glyph, and `kiosk serve` and /healthz say why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations
from flask import Blueprint, Flask, Response, abort, current_app, request, url_for
from flask_babel import get_babel

from ..web.vendor import FONT_PACKAGES, LATIN_FACE, SCRIPT_FACES, WEIGHTS
from ..web.compressed import send_asset
from ..i18n import KNOWN_LOCALES, catalog_domains, compiled_messages, load_translations, native_name
from ..state import app_state

bp = Blueprint("fonts", __name__, url_prefix="/fonts")

# The faces made smaller at set-up, and the Fontsource file each is cut from: the one
# file per weight holding the script's common repertoire (all of modern Hangul; for
# Chinese, Google Fonts' simplified-Chinese subset of 7,300 ideographs: a rarer one in a
# translation makes pages fall back to the whole face, and compiling says so). WOFF,
# not WOFF2: fontTools reads its glyphs in a fraction of a second, WOFF2's transformed
# ones in half a minute.
SUBSET_SOURCES = {
    "@fontsource/noto-sans-sc": "noto-sans-sc-chinese-simplified",
    "@fontsource/noto-sans-kr": "noto-sans-kr-korean",
}


# The start screen's own faces (`kiosk catalog compile`): for every script but Latin, only the
# characters the start screen shows in it besides its own language's text: each language's
# name and "Choose your language" (issue 18: linking every face whole made it 890 KB).
START_SCREEN = "start-screen"
START_SCREEN_SHEET = f"{START_SCREEN}.css"
START_SCREEN_MESSAGE = "Choose your language"


def start_screen_texts(app: Flask) -> dict[str, dict[int, str]]:
    """Per language drawn in a face of its own (SCRIPT_FACES), what the start screen shows in
    it whatever its own language, by font weight: the language's name on its button (bold)
    and its "Choose your language" (regular; from the compiled catalogs, as pages show it;
    left out while untranslated, as the page leaves it out)."""
    with app.app_context():
        directories = list(get_babel(app).translation_directories)
    texts = {}
    for tag in SCRIPT_FACES:
        locale = KNOWN_LOCALES[tag]
        asks = [Translations.load(directory, [locale]).gettext(START_SCREEN_MESSAGE) for directory in directories]
        texts[tag] = {700: native_name(locale), 400: " ".join(a for a in asks if a != START_SCREEN_MESSAGE)}
    return texts


def start_screen_problem(app: Flask) -> str | None:
    """Why the start screen's faces cannot be used (None if they can)."""
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    try:
        manifest = json.loads((folder / f"{START_SCREEN}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "are not made yet"
    if not all((folder / name).is_file() for name in manifest.get("files", ())) or not (folder / START_SCREEN_SHEET).is_file():
        return "are missing files"
    versions = {package: package_version(app, package) for package in manifest.get("versions", {})}
    if manifest.get("versions") != versions:
        return "were made from other Fontsource versions"
    held = manifest.get("characters", {})
    for tag, by_weight in start_screen_texts(app).items():
        if not isinstance(held.get(tag), dict):
            return f"hold nothing for {tag}"
        for weight, text in by_weight.items():
            lacking = set(text) - set(held[tag].get(str(weight), ""))
            if lacking:
                return f"lack {''.join(sorted(lacking))} of {tag}"
    return None


def subset_name(package: str) -> str:
    """The file stem of a package's subset: "@fontsource/noto-sans-sc" -> "noto-sans-sc"."""
    return package.rsplit("/", 1)[1]


def subset_files(package: str) -> tuple[str, ...]:
    """What `kiosk catalog compile` writes for a package: the stylesheet, then one file per weight."""
    name = subset_name(package)
    return (f"{name}.css", *(f"{name}-{weight}.woff2" for weight in WEIGHTS))


def manifest_path(app: Flask, package: str) -> Path:
    """What a subset holds and what it was made from (written last, after its files)."""
    return Path(app.config["FONT_SUBSETS_DIR"]) / f"{subset_name(package)}.json"


def package_version(app: Flask, package: str) -> str:
    return json.loads((Path(app.config["NODE_MODULES"]) / package / "package.json").read_text())["version"]


def languages_of(package: str) -> list[str]:
    """The shipped languages whose text is drawn with `package`'s face."""
    return [tag for tag, packages in SCRIPT_FACES.items() if package in packages]


def catalog_characters(app: Flask, package: str) -> set[str]:
    """Every character of the translations shown in `package`'s face: its languages'
    compiled catalogs (fuzzy entries are not in them, and are shown in English) and names.

    Pages also show digits and the templates' own punctuation (the pager's ‹ ›) in it;
    the subset holds those too (kiosk/fonts/subsets.py), but only these change with the
    catalogs, so only these decide whether a subset is current."""
    with app.app_context():
        directories = list(get_babel(app).translation_directories)
    characters: set[str] = set()
    for tag in languages_of(package):
        locale = KNOWN_LOCALES[tag]
        characters.update(native_name(locale))
        # The same catalogs and loader as the pages' (the interface's and every leaflet's);
        # the key "" is the header.
        catalog = compiled_messages(load_translations(directories, locale, catalog_domains(app)))
        for key, text in catalog.items():
            if key:
                characters.update(text)
    characters -= set("\n\t")
    return characters


@dataclass
class Fonts:
    """Per app: the stylesheets of each face, and why any face is served whole."""

    sheets: dict[str, tuple[tuple[str, str], ...]]  # package -> (endpoint, filename) of each stylesheet
    problems: list[str] = field(default_factory=list)
    start_screen: bool = False  # whether the start screen's own faces are current
    language_rules: str = ""  # the font-family of each language (/fonts/languages.css)

    def urls(self, packages) -> list[str]:
        return [url_for(endpoint, filename=filename)
                for package in packages for endpoint, filename in self.sheets[package]]

    def preloads(self, packages) -> list[str]:
        """The cut faces (one file per weight) of `packages`, fetched with the page rather than
        once its styles are read: a Chinese page drawn first in a fallback font and redrawn in
        its own moved by a fifth of the screen (layout shift 0.21, issue 18)."""
        return [url_for("fonts.subset", filename=filename)
                for package in packages if self.sheets[package][0][0] == "fonts.subset"
                for filename in subset_files(package)[1:]]


def subset_problem(app: Flask, package: str) -> str | None:
    """Why `package`'s subset cannot be used (None if it can)."""
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    try:
        manifest = json.loads(manifest_path(app, package).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "is not made yet"
    if not all((folder / name).is_file() for name in subset_files(package)):
        return "is missing files"
    installed = package_version(app, package)
    if manifest.get("version") != installed:
        return f"was made from version {manifest.get('version')}, but {installed} is installed"
    lacking = catalog_characters(app, package) - set(manifest.get("characters", ""))
    if lacking:
        return f"lacks {len(lacking)} of the characters the catalogs show ({''.join(sorted(lacking)[:10])})"
    return None


def family(app: Flask, package: str) -> str:
    """The CSS family name Fontsource gives `package`'s face ("Noto Sans Arabic")."""
    return json.loads((Path(app.config["NODE_MODULES"]) / package / "metadata.json").read_text())["family"]


def language_rules(app: Flask) -> str:
    """The `font-family` of each shipped language, from SCRIPT_FACES: the pages' and the staff
    screen's one copy of the language -> font table (they link it before their own styles).

    Every language gets a rule, Latin ones too: an English paragraph inside an Arabic page
    must not inherit the Arabic face. `html` takes the Latin face for anything unmarked."""
    latin = f'"{family(app, LATIN_FACE)}"'
    lines = ["/* Written by kiosk/fonts/__init__.py from kiosk/web/vendor.py's SCRIPT_FACES. */",
             f"html {{ font-family: {latin}, sans-serif; }}"]
    for tag in KNOWN_LOCALES:
        names = [f'"{family(app, package)}"' for package in SCRIPT_FACES.get(tag, ())]
        lines.append(f":lang({tag}) {{ font-family: {', '.join([*names, latin])}, sans-serif; }}")
    return "\n".join(lines) + "\n"


def choose_sheets(app: Flask) -> Fonts:
    fonts = Fonts({package: tuple(("vendor.asset", f"{package}/{weight}.css") for weight in WEIGHTS)
                   for package in FONT_PACKAGES}, language_rules=language_rules(app))
    for package in SUBSET_SOURCES:
        problem = subset_problem(app, package)
        if problem is None:
            fonts.sheets[package] = (("fonts.subset", subset_files(package)[0]),)
        else:
            fonts.problems.append(
                f"Fonts: pages in {', '.join(languages_of(package))} load the whole {package} face "
                f"(several times the bytes): its subset {problem}. Run `kiosk catalog compile`."
            )
    problem = start_screen_problem(app)
    fonts.start_screen = problem is None
    if problem is not None:
        fonts.problems.append(f"Fonts: the start screen loads every face (several times the bytes): its own faces "
                              f"{problem}. Run `kiosk catalog compile`.")
    return fonts


@bp.get("/languages.css")
def languages():
    """The language -> face rules (language_rules), revalidated like the subsets."""
    response = Response(app_state().fonts.language_rules, mimetype="text/css")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:16])
    response.cache_control.no_cache = True
    return response.make_conditional(request)


@bp.get("/<filename>")
def subset(filename: str):
    """A face made at set-up, or its stylesheet: revalidated on every page load (a 304).

    Not cached for a day like the vendor files: a subset is remade, under the same name, when
    a translation brings a new character, and a day-old copy would draw that character as a
    box."""
    if Path(filename).suffix not in (".css", ".woff2"):
        abort(404)
    return send_asset(current_app.config["FONT_SUBSETS_DIR"], filename, max_age=None)


def init_app(app: Flask) -> None:
    """After i18n.init_app: the subsets are checked against the catalogs Flask-Babel loads."""
    fonts = app_state(app).fonts = choose_sheets(app)
    app.register_blueprint(bp)

    def font_stylesheets_for(tag: str) -> list[str]:
        """A page in `tag` links Latin (every page has some English) and its own script's faces.

        The language menu, which names every language in its own script, links the rest
        when it is opened (static/kiosk.js)."""
        return fonts.urls((LATIN_FACE, *SCRIPT_FACES.get(tag, ())))

    def every_font_stylesheet() -> list[str]:
        """For the language menu and the staff screen: every face."""
        return fonts.urls(FONT_PACKAGES)

    def start_screen_stylesheets(tag: str) -> list[str]:
        """The start screen's: its own language's faces, and the faces cut to the other
        languages' names and "Choose your language" (every face, while those are not current).
        Each of those rules names its characters (unicode-range), so it never stands in for
        a face the page's own language links."""
        if not fonts.start_screen:
            return every_font_stylesheet()
        return [*font_stylesheets_for(tag), url_for("fonts.subset", filename=START_SCREEN_SHEET)]

    def font_preloads_for(tag: str) -> list[str]:
        return fonts.preloads(SCRIPT_FACES.get(tag, ()))

    @app.context_processor
    def font_urls():
        return {"font_preloads_for": font_preloads_for, "font_stylesheets_for": font_stylesheets_for, "every_font_stylesheet": every_font_stylesheet,
                "start_screen_stylesheets": start_screen_stylesheets}
