"""The catalog chores, run through Babel's own command line so that the
kiosk CLI, the set-up script and the tests all do exactly the same thing.

Each leaflet has a gettext domain of its own, `leaflet-<slug>`, beside the interface's
(`messages`: the templates and code): a template `translations/<domain>.pot` and, per
language, `translations/<locale>/LC_MESSAGES/<domain>.po`. So a translator gets one file
per leaflet, and adding, changing or retiring a leaflet touches only its own catalogs."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import write_po

from .. import ROOT

TRANSLATIONS = ROOT / "translations"
INTERFACE = "messages"  # the domain of the templates' and code's texts
POT = TRANSLATIONS / f"{INTERFACE}.pot"
LEAFLET_DOMAIN_PREFIX = "leaflet-"
# The leaflets whose translations ship with the kiosk: the tests hold their catalogs, as the
# interface's, complete in every language. A clinic's own leaflet, in leaflets/ or in its
# LEAFLETS_DIR, is served in English, marked so, until it is translated; its catalogs are
# held only to being valid.
SHIPPED_LEAFLETS = ("trigger-point-injections",)
# Where the leaflet extractor is mapped to a leaflet file, whatever its folder is called
# (babel.cfg maps only the interface's files, so its walk of the checkout never takes a
# leaflet, or a test's fixture, into the interface's template).
LEAFLET_MAPPING = ROOT / "babel-leaflet.cfg"


def leaflet_domain(slug: str) -> str:
    """The gettext domain of one leaflet's catalogs: leaflet-<slug>."""
    return f"{LEAFLET_DOMAIN_PREFIX}{slug}"


def catalog_path(locale, translations: Path = TRANSLATIONS, domain: str = INTERFACE) -> Path:
    """The .po file of one language (a Babel locale or its identifier, zh_Hans) and domain."""
    return Path(translations) / str(locale) / "LC_MESSAGES" / f"{domain}.po"


def shipped_domains() -> list[str]:
    """The interface's domain and each shipped leaflet's."""
    return [INTERFACE, *map(leaflet_domain, SHIPPED_LEAFLETS)]


def template_path(translations: Path = TRANSLATIONS, domain: str = INTERFACE) -> Path:
    """The template (.pot) of one domain: what `kiosk catalog extract` writes."""
    return Path(translations) / f"{domain}.pot"


def leaflet_templates(translations: Path = TRANSLATIONS) -> list[Path]:
    """The leaflets' templates in a translations folder, by domain."""
    return sorted(Path(translations).glob(f"{LEAFLET_DOMAIN_PREFIX}*.pot"))


def stale(translations: Path = TRANSLATIONS) -> list[Path]:
    """The .po files with no .mo, or edited since it was compiled: the kiosk serves the .mo,
    so a translator's edit shows nowhere until `kiosk catalog compile`."""
    return sorted(po for po in Path(translations).glob("*/LC_MESSAGES/*.po")
                  if not (mo := po.with_suffix(".mo")).exists() or mo.stat().st_mtime < po.stat().st_mtime)


def extract_args(output: Path = POT) -> list[str]:
    """pybabel's arguments for the interface's template (the templates and code)."""
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


def extract_leaflet_args(leaflet: Path, output: Path) -> list[str]:
    """pybabel's arguments for one leaflet's template. Run from the leaflets folder
    (`run(..., cwd=leaflet.parent)`), so that the template names the file alone,
    `<slug>.toml`: the same wherever a clinic keeps its leaflets, so a catalog does not
    change when the folder moves or is named otherwise."""
    return [
        "extract", "-F", str(LEAFLET_MAPPING), "--omit-header", "--no-wrap", "--sort-by-file",
        "--add-location=file", "-o", str(output), leaflet.name,
    ]


def update_args(translations: Path = TRANSLATIONS, domain: str = INTERFACE, locale: str | None = None) -> list[str]:
    """pybabel's arguments to merge one domain's template into its catalogs (every language's,
    or `locale`'s)."""
    # Changed English texts become fuzzy; compile leaves fuzzy entries out, so
    # the page shows those messages in English, marked as English. Fuzzy matching
    # looks only in the catalog being updated, and a leaflet's catalog holds only
    # that leaflet's texts: no guess crosses from another leaflet or the interface.
    return ["update", "-i", str(template_path(translations, domain)), "-d", str(translations),
            "-D", domain, *(["-l", locale] if locale else []), "--no-wrap", "--ignore-pot-creation-date"]


def compile_args(translations: Path = TRANSLATIONS) -> list[str]:
    """pybabel's arguments to compile every catalog in `translations`, of every domain."""
    domains = sorted({po.stem for po in Path(translations).glob("*/LC_MESSAGES/*.po")})
    return ["compile", "-d", str(translations), "-D", " ".join(domains)]


def extract(translations: Path, leaflets: list[Path]) -> list[Path]:
    """Write the interface's template and one per leaflet file into `translations`;
    returns the templates written."""
    written = [template_path(translations)]
    run(extract_args(written[0]))
    for leaflet in leaflets:
        leaflet = Path(leaflet).resolve()
        output = template_path(translations, leaflet_domain(leaflet.stem)).resolve()
        run(extract_leaflet_args(leaflet, output), cwd=leaflet.parent)
        written.append(output)
    return written


def update(translations: Path, locales: list[Locale], slugs: list[str]) -> None:
    """Merge each template into its own catalogs: the interface's into every language's
    messages.po, and each leaflet's into its leaflet-<slug>.po in each of `locales`, started
    empty where there is none yet (a new leaflet gets no translation, and no guess)."""
    run(update_args(translations))
    for slug in slugs:
        domain = leaflet_domain(slug)
        for locale in locales:
            if not (path := catalog_path(locale, translations, domain)).exists():
                start_catalog(path, locale, domain)
            run(update_args(translations, domain, str(locale)))


NEW_CATALOG_HEADER = """\
{language} ({identifier}) catalog of the leaflet "{slug}" of the waiting-room leaflet kiosk.
Provenance, read by the kiosk and shown to staff (kept here because
pybabel update keeps header comments but drops unknown X- headers):
X-Translated-By:
X-Translation-Date:
X-Reviewed-By:
X-Review-Date:
"""


def start_catalog(path: Path, locale: Locale, domain: str) -> None:
    """A new leaflet's catalog in one language: a header with empty provenance for the
    translator to fill in, and no messages, so `pybabel update` adds each of the leaflet's
    texts untranslated (pybabel's own --init-missing would leave the provenance out)."""
    slug = domain.removeprefix(LEAFLET_DOMAIN_PREFIX)
    catalog = Catalog(
        locale=locale, domain=domain, project="leaflet-kiosk", version="0.1",
        msgid_bugs_address="the clinic IT team", fuzzy=False,
        header_comment="".join(f"# {line}".rstrip() + "\n" for line in NEW_CATALOG_HEADER.format(
            language=locale.english_name, identifier=locale, slug=slug).splitlines()) + "#",
        creation_date=datetime.now(timezone.utc), revision_date=datetime.now(timezone.utc),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        write_po(f, catalog, width=None)


def run(args: list[str], cwd: Path = ROOT) -> None:
    """Run one pybabel command from `cwd`, by default the repository root (paths in a
    template stay relative)."""
    here = os.getcwd()
    os.chdir(cwd)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", *args])
    finally:
        os.chdir(here)
