"""A kiosk with many leaflets, made from the shipped one, renamed (issue 31): N leaflet files in
a leaflets folder (for KIOSK_LEAFLETS_DIR), and, if asked, their catalogs, translated as the
shipped leaflet is. The 40-leaflet bench (bench_many_leaflets.py) and the tests of the leaflet
list with many leaflets both make their kiosks with it.

    .venv/bin/python bench/many_leaflets.py LEAFLETS_DIR N [--translations DIR]

The shipped leaflet is the first of the N, unchanged, so that its pages (the bench's section
page) are there with 1 leaflet and with 40 alike. Copy n (2 to N) is `<slug>-NN`, titled
"<title> NN"; every other text is the shipped leaflet's, so a copy's clips are the shipped
leaflet's clips but for its title (a clip is named by its text and voice): prerender makes
one new clip per copy and language, and the bench reports per clip, not per leaflet.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = "trigger-point-injections"
SHIPPED = ROOT / "leaflets" / f"{LEAFLET}.toml"
TRANSLATIONS = ROOT / "translations"
# The title's line in the shipped file: the only line a copy changes.
TITLE_LINE = re.compile(r'^title = "(.*)"$', re.MULTILINE)


def shipped_title() -> str:
    return TITLE_LINE.search(SHIPPED.read_text(encoding="utf-8")).group(1)


def copy_slug(n: int) -> str:
    return f"{LEAFLET}-{n:02d}"


def numbered(title: str, n: int) -> str:
    """A copy's title in any language: the title, then its number (the same in every script,
    so a copy's translated title is the shipped translation and the number)."""
    return f"{title} {n:02d}"


def make_leaflets(folder: Path, count: int, *, titles: Callable[[int], str] | None = None,
                  translations: Path | None = None) -> dict[str, str]:
    """Write the shipped leaflet and count - 1 renamed copies into `folder` (made if missing).

    `titles(n)` gives copy n's English title (default: the shipped title and n). With
    `translations`, a copy of the kiosk's catalogs is written there, each copy with catalogs
    of its own as the shipped leaflet's, its title translated as numbered() says; titles
    that `titles` gives are left untranslated (shown in English, marked so). Returns the
    settings that serve them: LEAFLETS_DIR, and BABEL_TRANSLATION_DIRECTORIES with
    `translations` (as create_app's test_config, or KIOSK_-prefixed in the environment)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    source = SHIPPED.read_text(encoding="utf-8")
    english = shipped_title()
    shutil.copyfile(SHIPPED, folder / SHIPPED.name)
    for n in range(2, count + 1):
        title = titles(n) if titles else numbered(english, n)
        text = TITLE_LINE.sub(lambda _: f"title = {toml_string(title)}", source, count=1)
        (folder / f"{copy_slug(n)}.toml").write_text(text, encoding="utf-8")
    settings = {"LEAFLETS_DIR": str(folder)}
    if translations is not None:
        translated = None if titles else english
        copy_catalogs(Path(translations), count, translated)
        settings["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    return settings


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def copy_catalogs(translations: Path, count: int, title: str | None) -> None:
    """The kiosk's catalogs in `translations`, and each copy's as the shipped leaflet's: its
    template, and per language its .po and compiled .mo, with the title renamed (translated
    as numbered() when `title` is the shipped title; else left out, untranslated)."""
    shutil.copytree(TRANSLATIONS, translations, dirs_exist_ok=True)
    domain = f"leaflet-{LEAFLET}"
    sources = [TRANSLATIONS / f"{domain}.pot", *sorted(TRANSLATIONS.glob(f"*/LC_MESSAGES/{domain}.po"))]
    for source in sources:
        with open(source, "rb") as f:
            catalog = read_po(f)
        shipped = catalog.get(shipped_title())
        for n in range(2, count + 1):
            catalog.delete(shipped.id)
            if title is not None:
                catalog.add(numbered(shipped.id, n), numbered(shipped.string, n) if shipped.string else "",
                            locations=[(f"{copy_slug(n)}.toml", None)])
            target = Path(str(source.relative_to(TRANSLATIONS)).replace(domain, f"leaflet-{copy_slug(n)}"))
            target = translations / target
            with open(target, "wb") as f:
                write_po(f, catalog, width=None, omit_header=source.suffix == ".pot")
            if target.suffix == ".po":
                with open(target.with_suffix(".mo"), "wb") as f:
                    write_mo(f, catalog)
            catalog.delete(numbered(shipped.id, n))
            catalog[shipped.id] = shipped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="the leaflets folder to write (KIOSK_LEAFLETS_DIR)")
    parser.add_argument("count", type=int, help="how many leaflets, the shipped one included")
    parser.add_argument("--translations", type=Path, help="write the catalogs too, into this folder")
    args = parser.parse_args()
    for name, value in make_leaflets(args.folder, args.count, translations=args.translations).items():
        print(f"KIOSK_{name}={value}")


if __name__ == "__main__":
    sys.exit(main())
