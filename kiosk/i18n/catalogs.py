"""The catalog chores, run through Babel's own command line so that the
kiosk CLI, the set-up script and the tests all do exactly the same thing."""

from __future__ import annotations

from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from .. import ROOT

TRANSLATIONS = ROOT / "translations"
POT = TRANSLATIONS / "messages.pot"


def catalog_path(locale, translations: Path = TRANSLATIONS) -> Path:
    """The .po file of one language (a Babel locale or its identifier, zh_Hans)."""
    return Path(translations) / str(locale) / "LC_MESSAGES" / "messages.po"


def stale(translations: Path = TRANSLATIONS) -> list[Path]:
    """The .po files with no .mo, or edited since it was compiled: the kiosk serves the .mo,
    so a translator's edit shows nowhere until `kiosk catalog compile`."""
    return sorted(po for po in Path(translations).glob("*/LC_MESSAGES/messages.po")
                  if not (mo := po.with_suffix(".mo")).exists() or mo.stat().st_mtime < po.stat().st_mtime)


def extract_args(output: Path = POT) -> list[str]:
    # --omit-header drops the creation date, so the committed POT changes only
    # when a message does and a staleness test can compare it byte for byte.
    # --add-location=file keeps the file of each message but not its line: Babel's
    # line numbers for Python differ between Python versions (3.13 moved them), and
    # every edit that shifts a template's lines would otherwise rewrite 14 catalogs.
    # `phrase` is the audio guide's gettext (kiosk.patient.phrases): shown and spoken;
    # `phrase_plural` its ngettext (singular and plural are its first two arguments).
    return [
        "extract", "-F", str(ROOT / "babel.cfg"), "--omit-header", "-k", "phrase", "-k", "phrase_plural:1,2",
        "--no-wrap", "--sort-by-file", "--add-location=file", "-o", str(output), ".",
    ]


def update_args() -> list[str]:
    # Changed English texts become fuzzy; compile leaves fuzzy entries out, so
    # the page shows those messages in English, marked as English.
    return ["update", "-i", str(POT), "-d", str(TRANSLATIONS), "--no-wrap",
            "--ignore-pot-creation-date"]


def compile_args() -> list[str]:
    return ["compile", "-d", str(TRANSLATIONS)]


def run(args: list[str]) -> None:
    """Run one pybabel command from the repository root (paths in the POT stay relative)."""
    import os

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", *args])
    finally:
        os.chdir(here)
