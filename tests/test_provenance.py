"""Provenance survives `pybabel update` and is read back exactly."""

import shutil

from kiosk.i18n import catalogs
from kiosk.i18n.provenance import read_provenance


def test_review_fields_survive_a_catalog_update(tmp_path):
    shutil.copytree(catalogs.TRANSLATIONS, tmp_path / "translations")
    po = catalogs.catalog_path("ko", tmp_path / "translations")
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace("# X-Reviewed-By:\n", "# X-Reviewed-By: Dr Kim, certified medical translator\n")
        .replace("# X-Review-Date:\n", "# X-Review-Date: 2026-12-01\n"),
        encoding="utf-8",
    )
    catalogs.run(["update", "-i", str(tmp_path / "translations" / "messages.pot"),
                  "-d", str(tmp_path / "translations"), "--no-wrap", "--ignore-pot-creation-date"])
    provenance = read_provenance(po)
    assert provenance.reviewed_by == "Dr Kim, certified medical translator"
    assert provenance.review_date == "2026-12-01"
    assert provenance.reviewed is True
    assert provenance.translated_by.startswith("Machine translation")


def test_a_changed_english_text_makes_its_translation_fuzzy(tmp_path):
    shutil.copytree(catalogs.TRANSLATIONS, tmp_path / "translations")
    pot = tmp_path / "translations" / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "Neck"', 'msgid "Neck and shoulders"'), encoding="utf-8")
    catalogs.run(["update", "-i", str(pot), "-d", str(tmp_path / "translations"), "--no-wrap"])
    provenance = read_provenance(catalogs.catalog_path("es", tmp_path / "translations"), pot)
    assert provenance.translated == provenance.total - 1
