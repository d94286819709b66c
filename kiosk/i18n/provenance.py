"""Who translated each catalog and whether a medical translator reviewed it.

Kept as `# X-…:` lines in each .po file's header comment, because pybabel
update keeps header comments but drops unknown X- headers.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app

from ..state import app_state
from . import KNOWN_LOCALES, SOURCE_LOCALE
from .catalogs import POT, catalog_path
from .checks import load_catalog, translated_of

FIELD = re.compile(r"^#[ \t]*X-(Translated-By|Translation-Date|Reviewed-By|Review-Date):[ \t]*([^\n]*)$", re.MULTILINE)
# How X-Translated-By names a machine translation, for staff and /healthz:
# "Machine translation by an AI model (Claude, Anthropic); not reviewed".
# The printout says so in the patient's language instead (a catalog message),
# with only the model's name, in brackets, shown as written. Any other value
# is a translator's name, shown as written.
MACHINE = re.compile(r"^Machine translation by an AI model \(([^()]+)\)")


@dataclass(frozen=True)
class Provenance:
    translated_by: str
    translation_date: str
    reviewed_by: str
    review_date: str
    translated: int  # messages of the POT with a current (non-fuzzy) translation here
    total: int  # messages in the POT

    @property
    def reviewed(self) -> bool:
        return bool(self.reviewed_by and self.review_date)

    @property
    def machine_translator(self) -> str | None:
        """The AI model's name when a machine made the translation, else None."""
        match = MACHINE.match(self.translated_by)
        return match.group(1).strip() if match else None

    def as_dict(self) -> dict:
        return {**asdict(self), "reviewed": self.reviewed}


def read_provenance(po_path: Path, pot_path: Path = POT) -> Provenance:
    """A catalog's provenance, and how much of the POT it translates: counted
    against its own entries, a catalog that missed an update would say 100 %."""
    catalog = load_catalog(po_path)
    fields = {name.lower().replace("-", "_"): value.strip() for name, value in FIELD.findall(catalog.header_comment)}
    translated, total = translated_of(catalog, load_catalog(pot_path))
    return Provenance(
        translated_by=fields.get("translated_by", ""),
        translation_date=fields.get("translation_date", ""),
        reviewed_by=fields.get("reviewed_by", ""),
        review_date=fields.get("review_date", ""),
        translated=translated,
        total=total,
    )


def provenance_of(tag: str) -> Provenance | None:
    """The provenance of a shipped language's catalog (None for the source
    language), read once per app: it changes only with a new release."""
    if tag == SOURCE_LOCALE:
        return None
    cache = app_state().provenance
    if tag not in cache:
        # The first translations folder: where the catalogs themselves live.
        translations = current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
        # Counted against the release's POT, the texts its templates and leaflets
        # show (as i18n.interface_messages reads them).
        cache[tag] = read_provenance(catalog_path(KNOWN_LOCALES[tag], translations))
    return cache[tag]
