"""Make the Chinese and Korean faces hold only what the kiosk shows (`kiosk catalog compile`).

Run after every compile of the catalogs (the set-up script does): a face cut to last
month's catalogs would lack this month's new characters, so kiosk/fonts/__init__.py uses a face
only while it holds every character of the compiled catalogs, and links the whole
Fontsource face otherwise. The fonts are Noto's, under the SIL Open Font License, which
allows subsetting (Fontsource's own files are subsets too) and reserves no font name.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from flask import Flask
from fontTools import subset

from ..files import write_atomically
from ..web.vendor import SCRIPT_FACES, WEIGHTS
from . import (
    START_SCREEN, START_SCREEN_SHEET, SUBSET_SOURCES, catalog_characters, family, languages_of, manifest_path,
    package_version, start_screen_texts, subset_files,
)

# What a page may show in any face besides its catalogs' text: digits, ASCII punctuation,
# and the characters written into the templates and stylesheets (the pager's ‹ ›, the
# menus' ▾). Each is kept when the source has it (the CJK files lack ▾ and ○, which
# Chromium then draws from a system font, as it does on every Latin page); only the
# catalogs' characters are required (see fonts.catalog_characters).
ASCII = {chr(code) for code in range(0x20, 0x7F)}
# Served to every browser, and written by the set-up (often as root) for the kiosk's own user.
PUBLIC = 0o644


def interface_characters(app: Flask) -> set[str]:
    """The characters beyond ASCII in the templates and the kiosk's own stylesheets."""
    files = [*Path(app.root_path, app.template_folder).rglob("*.html"), *Path(app.static_folder).rglob("*.css")]
    return {char for path in files for char in path.read_text(encoding="utf-8") if ord(char) > 0x7E}


def options() -> subset.Options:
    chosen = subset.Options()
    chosen.flavor = "woff2"
    chosen.name_IDs = ["*"]  # keep the copyright and the licence in the file
    return chosen


def build(app: Flask) -> list[str]:
    """Cut every face the kiosk serves cut: the leaflet's (build_leaflet_faces), then the
    start screen's (build_start_screen). One line per face, or a warning."""
    return build_leaflet_faces(app) + build_start_screen(app)


def build_leaflet_faces(app: Flask) -> list[str]:
    """Cut each face in SUBSET_SOURCES to its languages' characters; one line per face, or a warning."""
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    extra = ASCII | interface_characters(app)
    lines = []
    for package, source in SUBSET_SOURCES.items():
        required = catalog_characters(app, package)
        wanted = required | extra
        metadata = json.loads((Path(app.config["NODE_MODULES"]) / package / "metadata.json").read_text())
        stylesheet, *faces = subset_files(package)
        # Until the new manifest is written, a start-up finds no subset, not half of one.
        manifest_path(app, package).unlink(missing_ok=True)
        held = set(wanted)
        sizes = []
        for weight, name in zip(WEIGHTS, faces):
            source_file = Path(app.config["NODE_MODULES"]) / package / "files" / f"{source}-{weight}-normal.woff"
            with subset.load_font(str(source_file), options()) as font:
                held &= {chr(code) for code in font.getBestCmap()}
                subsetter = subset.Subsetter(options())
                subsetter.populate(unicodes=[ord(char) for char in wanted])
                subsetter.subset(font)
                data = io.BytesIO()
                subset.save_font(font, data, options())
                write_atomically(folder / name, data.getvalue(), mode=PUBLIC)
            sizes.append(f"{(folder / name).stat().st_size / 1024:.0f} KB")
        version = package_version(app, package)
        sheet = _stylesheet(metadata["family"], package, version, languages_of(package), faces)
        write_atomically(folder / stylesheet, sheet.encode("utf-8"), mode=PUBLIC)
        # Last: the manifest says the files are complete, and what they hold.
        manifest = {"package": package, "version": version, "characters": "".join(sorted(held))}
        write_atomically(manifest_path(app, package), json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"),
                         mode=PUBLIC)
        lines.append(f"{metadata['family']}: {len(held)} characters, {' + '.join(sizes)} ({stylesheet})")
        missing = required - held
        if missing:
            lines.append(
                f"Warning: {package}'s {source} files lack {''.join(sorted(missing))}: pages in "
                f"{', '.join(languages_of(package))} will load the whole {metadata['family']} face.")
    return lines


def _sources(app: Flask, package: str, weight: int) -> list[Path]:
    """The Fontsource files a start-screen face may be cut from: for Chinese and Korean the one
    file their subset is cut from, for the others every script file of the weight."""
    files = Path(app.config["NODE_MODULES"]) / package / "files"
    if package in SUBSET_SOURCES:
        return [files / f"{SUBSET_SOURCES[package]}-{weight}-normal.woff"]
    return sorted(files.glob(f"*-{weight}-normal.woff"))


def build_start_screen(app: Flask) -> list[str]:
    """Cut, per script face and weight, the characters the start screen shows in it (each
    language's name, bold, and "Choose your language"; see fonts.start_screen_texts), from
    each Fontsource file that holds some, with a unicode-range naming them; one line, or
    warnings."""
    folder = Path(app.config["FONT_SUBSETS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{START_SCREEN}.json").unlink(missing_ok=True)
    texts = start_screen_texts(app)
    cmaps: dict[Path, set[str]] = {}

    def cmap(source: Path) -> set[str]:
        if source not in cmaps:
            with subset.load_font(str(source), options()) as font:
                cmaps[source] = {chr(code) for code in font.getBestCmap()}
        return cmaps[source]

    # (package, weight, Fontsource file) -> the characters cut from it.
    wanted: dict[tuple[str, int, Path], set[str]] = {}
    held: dict[str, dict[str, str]] = {}
    lines = []
    for tag, by_weight in texts.items():
        for weight, text in by_weight.items():
            left = set(text)  # the spaces too: else a system font draws them
            # In the order the stylesheet falls back (Urdu: Nastaliq, then the Arabic face).
            for package in SCRIPT_FACES[tag]:
                for source in _sources(app, package, weight):
                    here = left & cmap(source)
                    if here:
                        wanted.setdefault((package, weight, source), set()).update(here)
                        left -= here
            held.setdefault(tag, {})[str(weight)] = "".join(sorted(set(text) - left))
            if left:
                lines.append(f"Warning: no face has {''.join(sorted(left))} of {tag}: "
                             "the start screen will load every face.")
    rules, files, size = [], [], 0
    for (package, weight, source), characters in wanted.items():
        family_name = family(app, package)
        with subset.load_font(str(source), options()) as font:
            subsetter = subset.Subsetter(options())
            subsetter.populate(unicodes=[ord(char) for char in characters])
            subsetter.subset(font)
            data = io.BytesIO()
            subset.save_font(font, data, options())
        name = f"{START_SCREEN}-{source.name.removesuffix('-normal.woff')}.woff2"
        write_atomically(folder / name, data.getvalue(), mode=PUBLIC)
        files.append(name)
        size += len(data.getvalue())
        # Only these characters: never a stand-in for a face the page's language links whole.
        rules.append(_font_face(family_name, weight, name, unicode_range=characters))
    versions = {package: package_version(app, package) for package, _, _ in wanted}
    header = (f"/* Only the characters the start screen shows in each script besides Latin (each language's "
              f"name and \"Choose your language\"): made by `kiosk catalog compile` from "
              f"{', '.join(f'{p} {v}' for p, v in versions.items())} (SIL Open Font License 1.1). */\n")
    write_atomically(folder / START_SCREEN_SHEET, "\n".join([header, *rules]).encode("utf-8"), mode=PUBLIC)
    manifest = {"files": files, "versions": versions, "characters": held}
    write_atomically(folder / f"{START_SCREEN}.json",
                     json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"), mode=PUBLIC)
    return [f"Start screen: {len(files)} faces, {size / 1024:.0f} KB ({START_SCREEN_SHEET})", *lines]


def _stylesheet(family: str, package: str, version: str, tags: list[str], faces: list[str]) -> str:
    rules = [f"/* {family}, only the characters the kiosk shows in {', '.join(tags)}: made by "
             f"`kiosk catalog compile` from {package} {version} (SIL Open Font License 1.1). */\n"]
    for weight, name in zip(WEIGHTS, faces):
        rules.append(_font_face(family, weight, name))
    return "\n".join(rules)


def _font_face(family: str, weight: int, name: str, unicode_range: set[str] | None = None) -> str:
    """One @font-face rule for the WOFF2 file `name` beside the stylesheet."""
    limit = (f"  unicode-range: {', '.join(f'U+{ord(char):X}' for char in sorted(unicode_range))};\n"
             if unicode_range else "")
    return ("@font-face {\n"
            f"  font-family: '{family}';\n"
            "  font-style: normal;\n"
            "  font-display: swap;\n"
            f"  font-weight: {weight};\n"
            f"  src: url(./{name}) format('woff2');\n"
            f"{limit}"
            "}\n")


