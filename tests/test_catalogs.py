"""Every catalog is valid, consistent and compiles; the interface's and each shipped
leaflet's are complete in every language. A clinic's leaflet is served in English until
it is translated: its catalogs are held to being valid only."""

import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo

from kiosk.i18n import checks
from kiosk.i18n.catalogs import TRANSLATIONS, catalog_path, shipped_domains, template_path

CATALOG_DIRS = sorted(p.parent.parent for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
# Every catalog on disk: the interface's, the shipped leaflet's, and any clinic's.
EVERY_CATALOG = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))
SHIPPED_CATALOGS = [catalog_path(language.name, TRANSLATIONS, domain)
                    for language in CATALOG_DIRS for domain in shipped_domains()]
REQUIRED_TERMS = {"trigger point", "injection", "local anesthetic", "muscle", "side effect", "doctor"}


def catalog_id(po: Path) -> str:
    return f"{po.parts[-3]}-{po.stem}"


@pytest.fixture(params=CATALOG_DIRS, ids=lambda p: p.name)
def language(request) -> Path:
    return request.param


@pytest.fixture(params=EVERY_CATALOG, ids=catalog_id)
def po(request) -> Path:
    return request.param


@pytest.fixture
def catalog(po):
    return checks.load_catalog(po)


@pytest.fixture(params=SHIPPED_CATALOGS, ids=catalog_id)
def shipped(request) -> Path:
    return request.param


@pytest.fixture
def glossary(po):
    return checks.Glossary.load(po.parent.parent / "glossary.toml")


def test_every_shipped_catalog_is_there():
    assert all(po.exists() for po in SHIPPED_CATALOGS)
    assert set(SHIPPED_CATALOGS) <= set(EVERY_CATALOG)


def test_catalog_is_complete(shipped):
    assert checks.incomplete(checks.load_catalog(shipped)) == []


def test_every_string_is_closed(po):
    assert checks.unterminated_strings(po) == []


def test_catalog_passes_babel_checks(catalog):
    assert checks.babel_errors(catalog) == []


def test_placeholders_are_kept(catalog):
    assert checks.placeholder_errors(catalog) == []


def test_catalog_compiles_with_every_message(catalog):
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    compiled = read_mo(buffer)
    # read_mo gives a plural message's id as a list, read_po as a tuple.
    assert {tuple(checks.forms(m.id)) for m in compiled if m.id} == {
        tuple(checks.forms(m.id)) for m in catalog if m.id and all(checks.forms(m.string))
    }


def test_glossary_covers_the_required_terms(language):
    assert REQUIRED_TERMS <= checks.Glossary.load(language / "glossary.toml").english()


def test_glossary_terms_are_used(catalog, glossary):
    assert checks.glossary_errors(catalog, glossary) == []


def test_no_english_left(catalog, glossary):
    assert checks.english_left(catalog, glossary) == []


def test_every_pot_message_is_in_the_catalog(shipped):
    """A catalog that missed `kiosk catalog update` has nothing untranslated, yet lacks the new texts."""
    pot = checks.load_catalog(template_path(TRANSLATIONS, shipped.stem))
    assert checks.missing(checks.load_catalog(shipped), pot) == []
