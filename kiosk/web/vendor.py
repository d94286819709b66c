"""Third-party browser assets, served from the npm packages installed at set-up.

htmx and the fonts come from the npm registry (pinned in package-lock.json)
and are served from node_modules, never from a CDN and never copied into the
repository. Only the packages and file types listed here can be reached.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app

from .compressed import send_asset

vendor = Blueprint("vendor", __name__, url_prefix="/vendor")

# One self-hosted face per script (kiosk/fonts/__init__.py writes the :lang() rules that pick them):
#   Atkinson Hyperlegible  Latin (made for low-vision readers)
#   Noto Sans              Cyrillic and Vietnamese, which Atkinson lacks
#   Noto Sans SC / KR      Simplified Chinese, Korean
#   Noto Sans Devanagari   Hindi
#   Noto Sans Arabic       Arabic (Naskh)
#   Noto Nastaliq Urdu     Urdu, in the Nastaliq style Urdu readers expect
# Every stylesheet splits its face into unicode-range subsets, so a page
# downloads only the font files for the characters it shows. Chinese and Korean
# pages link smaller faces made at set-up instead, when they are current (kiosk/fonts/__init__.py).
LATIN_FACE = "@fontsource/atkinson-hyperlegible"
FONT_PACKAGES = (
    LATIN_FACE,
    "@fontsource/noto-sans",
    "@fontsource/noto-sans-sc",
    "@fontsource/noto-sans-kr",
    "@fontsource/noto-sans-devanagari",
    "@fontsource/noto-sans-arabic",
    "@fontsource/noto-nastaliq-urdu",
)
PACKAGES = ("htmx.org", *FONT_PACKAGES)
SUFFIXES = {".js", ".css", ".woff2", ".woff"}
HTMX_SCRIPT = "htmx.org/dist/htmx.min.js"
WEIGHTS = (400, 700)  # body text, and headings and buttons
FONT_STYLESHEETS = tuple(f"{package}/{weight}.css" for package in FONT_PACKAGES for weight in WEIGHTS)
# The one language -> font table. The faces a page in each language links and draws with, in
# the order they fall back, besides Atkinson Hyperlegible, which every page needs for its
# English (the fallback notice, "· Language", an untranslated paragraph) and which comes last.
# Languages not listed are written in Latin script. The pages' and the staff screen's
# `font-family` rules are written from this table (/fonts/languages.css).
SCRIPT_FACES = {
    "ru": ("@fontsource/noto-sans",),
    "vi": ("@fontsource/noto-sans",),
    "zh-Hans": ("@fontsource/noto-sans-sc",),
    "ko": ("@fontsource/noto-sans-kr",),
    "hi": ("@fontsource/noto-sans-devanagari",),
    "ar": ("@fontsource/noto-sans-arabic",),
    # Nastaliq lacks some symbols (the pager's arrows): the Arabic face draws those.
    "ur": ("@fontsource/noto-nastaliq-urdu", "@fontsource/noto-sans-arabic"),
}


def node_modules() -> Path:
    return Path(current_app.config["NODE_MODULES"])


@vendor.get("/<path:filename>")
def asset(filename: str):
    """A file from an allowed npm package, cached for a day."""
    package = next((p for p in PACKAGES if filename.startswith(p + "/")), None)
    if package is None or Path(filename).suffix not in SUFFIXES:
        abort(404)
    # Joined (with werkzeug's safe_join, in send_from_directory) inside the
    # package's own folder, not node_modules: "htmx.org/../axe-core/axe.min.js"
    # stays inside node_modules but is no allowed package.
    return send_asset(node_modules() / package, filename.removeprefix(package + "/"), max_age=86400)


class AssetsMissing(RuntimeError):
    """`npm ci` has not been run: `missing` lists the files the kiosk needs, under `folder`."""

    def __init__(self, folder: Path, missing: list[str]) -> None:
        super().__init__(
            "Browser assets are missing (" + ", ".join(missing) + "). "
            "Run `npm ci` in the repository root, or use the README's set-up command."
        )
        self.folder, self.missing = folder, missing


def check_installed(app) -> None:
    """Fail at start-up, with the fix, if `npm ci` has not been run."""
    folder = Path(app.config["NODE_MODULES"])
    missing = [name for name in (HTMX_SCRIPT, *FONT_STYLESHEETS) if not (folder / name).is_file()]
    if missing:
        raise AssetsMissing(folder, missing)


def init_app(app) -> None:
    check_installed(app)
    app.register_blueprint(vendor)
    # The kiosk's own /static files, gzipped as the vendor files are.
    app.view_functions["static"] = lambda filename: send_asset(
        app.static_folder, filename, max_age=app.get_send_file_max_age(filename)
    )

    @app.context_processor
    def asset_urls():
        return {
            "htmx_script": HTMX_SCRIPT,
        }
