"""Who translated each catalog and whether a medical translator reviewed it.

Kept as `# X-…:` lines in each .po file's header comment, because pybabel
update keeps header comments but drops unknown X- headers. Each catalog has its own: the
interface's (messages.po) speaks for the language, each leaflet's (leaflet-<slug>.po) for
that leaflet's printout, as a clinic's leaflet may be translated by someone else, or not yet.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from flask import current_app

from ..state import app_state
from . import KNOWN_LOCALES, SOURCE_LOCALE
from babel.messages.catalog import Catalog

from .catalogs import INTERFACE, POT, catalog_path, leaflet_domain, template_path
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
    against its own entries, a catalog that missed an update would say 100 %.
    A leaflet with no catalog yet is a catalog with nothing in it: served in English, and
    said to be so; one with no template beside it (a folder of catalogs alone) is counted
    against its own entries."""
    catalog = load_catalog(po_path) if Path(po_path).exists() else Catalog(header_comment="")
    fields = {name.lower().replace("-", "_"): value.strip() for name, value in FIELD.findall(catalog.header_comment)}
    translated, total = translated_of(catalog, load_catalog(pot_path) if Path(pot_path).exists() else catalog)
    return Provenance(
        translated_by=fields.get("translated_by", ""),
        translation_date=fields.get("translation_date", ""),
        reviewed_by=fields.get("reviewed_by", ""),
        review_date=fields.get("review_date", ""),
        translated=translated,
        total=total,
    )


def provenance_of(tag: str, leaflet: str | None = None) -> Provenance | None:
    """The provenance of a shipped language's catalogs (None for the source language), read
    once per app: it changes only with a new release. Of one leaflet's catalog when
    `leaflet` (a slug) is given; else the language's: the interface catalog's header,
    and how much of the interface and of every served leaflet it translates."""
    if tag == SOURCE_LOCALE:
        return None
    cache = app_state().provenance
    if (tag, leaflet) not in cache:
        # The first translations folder: where the catalogs themselves live.
        translations = current_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")[0]
        locale = KNOWN_LOCALES[tag]
        if leaflet is not None:
            domain = leaflet_domain(leaflet)
            # Counted against the leaflet's template, written beside its catalogs.
            cache[tag, leaflet] = read_provenance(catalog_path(locale, translations, domain),
                                                  template_path(translations, domain))
        else:
            # Counted against the release's POT, the texts its templates show (as
            # i18n.interface_messages reads them), and each leaflet's template.
            language = read_provenance(catalog_path(locale, translations, INTERFACE))
            parts = [provenance_of(tag, slug) for slug in app_state().leaflets]
            cache[tag, None] = replace(language, translated=language.translated + sum(p.translated for p in parts),
                                       total=language.total + sum(p.total for p in parts))
    return cache[tag, leaflet]
