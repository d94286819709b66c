"""Every language's catalog is complete, valid, consistent and compiles."""

import io
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo

from kiosk.i18n import checks
from kiosk.i18n.catalogs import TRANSLATIONS

CATALOG_DIRS = sorted(p.parent.parent for p in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
REQUIRED_TERMS = {"trigger point", "injection", "local anesthetic", "muscle", "side effect", "doctor"}


@pytest.fixture(params=CATALOG_DIRS, ids=lambda p: p.name)
def language(request) -> Path:
    return request.param


@pytest.fixture
def catalog(language):
    return checks.load_catalog(language / "LC_MESSAGES" / "messages.po")


@pytest.fixture
def glossary(language):
    return checks.Glossary.load(language / "glossary.toml")


def test_catalog_is_complete(catalog):
    assert checks.incomplete(catalog) == []


def test_every_string_is_closed(language):
    assert checks.unterminated_strings(language / "LC_MESSAGES" / "messages.po") == []


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


def test_glossary_covers_the_required_terms(glossary):
    assert REQUIRED_TERMS <= glossary.english()


def test_glossary_terms_are_used(catalog, glossary):
    assert checks.glossary_errors(catalog, glossary) == []


def test_no_english_left(catalog, glossary):
    assert checks.english_left(catalog, glossary) == []


@pytest.fixture(scope="module")
def pot():
    return checks.load_catalog(TRANSLATIONS / "messages.pot")


def test_every_pot_message_is_in_the_catalog(catalog, pot):
    """A catalog that missed `kiosk catalog update` has nothing untranslated, yet lacks the new texts."""
    assert checks.missing(catalog, pot) == []
