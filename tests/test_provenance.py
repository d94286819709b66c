"""Provenance survives `kiosk catalog update` and is read back exactly, in each catalog."""

import shutil

import pytest

from kiosk.i18n import KNOWN_LOCALES, catalogs
from kiosk.i18n.provenance import read_provenance

LEAFLET_DOMAIN = catalogs.leaflet_domain(catalogs.SHIPPED_LEAFLETS[0])


@pytest.mark.parametrize("domain", [catalogs.INTERFACE, LEAFLET_DOMAIN])
def test_review_fields_survive_a_catalog_update(tmp_path, domain):
    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations)
    po = catalogs.catalog_path("ko", translations, domain)
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace("# X-Reviewed-By:\n", "# X-Reviewed-By: Dr Kim, certified medical translator\n")
        .replace("# X-Review-Date:\n", "# X-Review-Date: 2026-12-01\n"),
        encoding="utf-8",
    )
    catalogs.update(translations, [KNOWN_LOCALES["ko"]], list(catalogs.SHIPPED_LEAFLETS))
    provenance = read_provenance(po, catalogs.template_path(translations, domain))
    assert provenance.reviewed_by == "Dr Kim, certified medical translator"
    assert provenance.review_date == "2026-12-01"
    assert provenance.reviewed is True
    assert provenance.translated_by.startswith("Machine translation")
    assert provenance.translated == provenance.total


def test_a_changed_english_text_makes_its_translation_fuzzy(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(catalogs.TRANSLATIONS, translations)
    pot = catalogs.template_path(translations, LEAFLET_DOMAIN)
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Neck"', 'msgid "Neck and shoulders"'), encoding="utf-8")
    catalogs.run(catalogs.update_args(translations, LEAFLET_DOMAIN))
    po = catalogs.catalog_path("es", translations, LEAFLET_DOMAIN)
    provenance = read_provenance(po, pot)
    assert provenance.translated == provenance.total - 1
