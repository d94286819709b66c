"""The font stylesheets a page links: Fontsource's, or for Chinese and Korean a small face
made at set-up with only the characters the kiosk shows.

Fontsource splits Noto Sans SC and KR into about a hundred unicode-range files per weight,
grouped by how common a character is in general text, so one page of a leaflet touched some
twenty of them in each weight (855 KB for one Chinese page) and linked 60 KB of @font-face
rules to find them. `kiosk catalog compile` (kiosk/font_subsets.py) makes instead one file
per weight holding the few hundred characters the catalogs, language names and templates
use: about 60 KB a weight for Chinese, 28 KB for Korean. A page uses it only while it holds
every character its languages' compiled catalogs show; otherwise (not made yet, made from
other catalogs or another Fontsource version) pages link the whole Fontsource face, as
before, so no page ever shows a missing glyph, and `kiosk serve` and /healthz say why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from babel.support import Translations
from flask import Blueprint, Flask, abort, current_app, url_for
from flask_babel import get_babel

from .assets import FONT_PACKAGES, LATIN_FACE, SCRIPT_FACES, WEIGHTS
from .compressed import send_asset
from .i18n import KNOWN_LOCALES, native_name

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
    the subset holds those too (kiosk/font_subsets.py), but only these change with the
    catalogs, so only these decide whether a subset is current."""
    with app.app_context():
        directories = list(get_babel(app).translation_directories)
    characters: set[str] = set()
    for tag in languages_of(package):
        locale = KNOWN_LOCALES[tag]
        characters.update(native_name(locale))
        for directory in directories:
            # The same files and loader as Flask-Babel's; the key "" is the header.
            catalog = getattr(Translations.load(directory, [locale]), "_catalog", {})
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

    def urls(self, packages) -> list[str]:
        return [url_for(endpoint, filename=filename)
                for package in packages for endpoint, filename in self.sheets[package]]


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


def choose_sheets(app: Flask) -> Fonts:
    fonts = Fonts({package: tuple(("vendor.asset", f"{package}/{weight}.css") for weight in WEIGHTS)
                   for package in FONT_PACKAGES})
    for package in SUBSET_SOURCES:
        problem = subset_problem(app, package)
        if problem is None:
            fonts.sheets[package] = (("fonts.subset", subset_files(package)[0]),)
        else:
            fonts.problems.append(
                f"Fonts: pages in {', '.join(languages_of(package))} load the whole {package} face "
                f"(several times the bytes): its subset {problem}. Run `kiosk catalog compile`."
            )
    return fonts


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
    fonts = app.extensions["fonts"] = choose_sheets(app)
    app.register_blueprint(bp)

    def font_stylesheets_for(tag: str) -> list[str]:
        """A page in `tag` links Latin (every page has some English) and its own script's faces.

        The language menu, which names every language in its own script, links the rest
        when it is opened (static/kiosk.js)."""
        return fonts.urls((LATIN_FACE, *SCRIPT_FACES.get(tag, ())))

    def every_font_stylesheet() -> list[str]:
        """For the start screen, the language menu and the staff screen: every face."""
        return fonts.urls(FONT_PACKAGES)

    @app.context_processor
    def font_urls():
        return {"font_stylesheets_for": font_stylesheets_for, "every_font_stylesheet": every_font_stylesheet}
