"""Every catalog is valid, consistent and compiles; the interface's and each shipped
leaflet's are complete in every language. A clinic's leaflet is served in English until
it is translated: its catalogs are held to being valid only."""

import io
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from click.testing import CliRunner

from kiosk.state import app_state
from kiosk import ROOT, cli, create_app
from kiosk.i18n import KNOWN_LOCALES, SOURCE_LOCALE, checks
from kiosk.i18n.catalogs import SHIPPED_LEAFLETS, TRANSLATIONS, catalog_path, shipped_domains, template_path
from kiosk.jobs.crawl import urls_of

from helpers import expected, soup

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


# A clinic's own leaflet, not translated yet --------------------------------------------

CLINIC_LEAFLET = "dry-needling"
CLINIC_DOMAIN = f"leaflet-{CLINIC_LEAFLET}"
# Near the shipped leaflet's texts ("Buttocks", "What Are Trigger Points?") but never the
# same: one catalog for every leaflet would have pre-filled each with a fuzzy guess.
CLINIC_TOML = """\
title = "Dry Needling Injections"

[[sections]]
slug = "where"
heading = "What Are Tender Points?"

[[sections.blocks]]
lead = "Tender points commonly occur in:"
items = ["Upper back and neck", "Lower back and hips", "Buttock"]

[[sections]]
slug = "after"
heading = "What Should You Expect from Dry Needling?"

[[sections.blocks]]
paragraph = "Your doctor cleans the spot and puts a thin needle into the tender point. Soreness often goes away in a day or two."
"""
LANGUAGES = [locale for tag, locale in KNOWN_LOCALES.items() if tag != SOURCE_LOCALE]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    """The kiosk's catalog commands run as a clinic runs them: its leaflets folder (the
    shipped leaflet and one of its own) named by KIOSK_LEAFLETS_DIR, and a copy of the
    catalogs; then the kiosk that serves them. Returns (translations folder, app)."""
    base = tmp_path_factory.mktemp("clinic")
    leaflets = base / "srv" / "clinic-leaflets"
    leaflets.mkdir(parents=True)
    for slug in SHIPPED_LEAFLETS:
        shutil.copy(ROOT / "leaflets" / f"{slug}.toml", leaflets)
    (leaflets / f"{CLINIC_LEAFLET}.toml").write_text(CLINIC_TOML, encoding="utf-8")
    translations = base / "translations"
    shutil.copytree(TRANSLATIONS, translations)
    env = {"KIOSK_LEAFLETS_DIR": str(leaflets), "KIOSK_BABEL_TRANSLATION_DIRECTORIES": str(translations),
           "KIOSK_INSTANCE_PATH": str(base / "instance"), "KIOSK_SPEECH_ENABLED": "false"}
    with pytest.MonkeyPatch.context() as patch:
        # Cutting the fonts (the rest of `catalog compile`) takes 13-20 s and is tested elsewhere.
        patch.setattr("kiosk.fonts.subsets.build", lambda app: [])
        for command in ("extract", "update", "compile"):
            result = CliRunner().invoke(cli.main, ["catalog", command], env=env)
            assert result.exit_code == 0, result.output
    app = create_app({"TESTING": True, "SPEECH_ENABLED": False, "LEAFLETS_DIR": str(leaflets),
                      "BABEL_TRANSLATION_DIRECTORIES": str(translations)}, instance_path=str(base / "instance"))
    return translations, app


@pytest.mark.parametrize("locale", LANGUAGES, ids=str)
def test_a_new_leaflet_gets_empty_catalogs_without_a_guess(clinic, locale):
    translations, _ = clinic
    po = catalog_path(locale, translations, CLINIC_DOMAIN)
    catalog = checks.load_catalog(po)
    template = checks.load_catalog(template_path(translations, CLINIC_DOMAIN))
    assert [m.id for m in catalog if m.id] == [m.id for m in template if m.id] != []
    assert [(m.id, m.string) for m in catalog if m.id and m.string] == []
    assert "fuzzy" not in po.read_text(encoding="utf-8")  # no entry, and not the header, is fuzzy
    # Its header asks for the provenance, as the shipped catalogs give it.
    assert "# X-Translated-By:\n" in catalog.header_comment + "\n"
    assert po.with_suffix(".mo").exists()


def test_the_shipped_catalogs_are_untouched(clinic):
    translations, _ = clinic
    shipped = [*(TRANSLATIONS / f"{domain}.pot" for domain in shipped_domains()), *SHIPPED_CATALOGS]
    changed = [str(path.relative_to(TRANSLATIONS)) for path in shipped
               if (translations / path.relative_to(TRANSLATIONS)).read_bytes() != path.read_bytes()]
    assert changed == []


def test_every_catalog_still_passes_the_checks(clinic):
    """The suite's checks, run on the clinic's catalogs: complete where shipped, valid everywhere."""
    translations, _ = clinic
    assert checks.folder_problems(translations, shipped_domains()) == []


@pytest.mark.parametrize("tag", [tag for tag in KNOWN_LOCALES if tag != SOURCE_LOCALE])
def test_a_new_leaflet_is_served_in_english_marked_as_english(clinic, tag):
    _, app = clinic
    client = app.test_client()
    leaflets = {slug: leaflet for slug, leaflet in app_state(app).leaflets.items() if slug == CLINIC_LEAFLET}
    notice = expected(tag, "Some parts of this page are not translated yet. They are shown in English.")
    english = set(leaflets[CLINIC_LEAFLET].messages())
    for url in urls_of(leaflets):
        if not url.startswith(f"/{tag}/{CLINIC_LEAFLET}/"):
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        page = soup(response)
        assert page.html["lang"] == tag  # the page is the patient's language ...
        # ... and each of the leaflet's texts on it is English, marked so.
        main = page.select_one("main")
        shown = [m for m in english if words(m) in words(main.get_text(" "))]
        marked = [words(el.get_text(" ")) for el in main.select("[lang='en']")]
        assert shown, url
        assert [m for m in shown if not any(words(m) in text for text in marked)] == [], url
        assert page.select_one(".fallback-notice").get_text(strip=True) == notice, url
    # Its printout says who translated it from its own catalog: nobody yet, so it is English.
    footer = soup(client.get(f"/{tag}/{CLINIC_LEAFLET}/print")).select_one("footer.provenance")
    assert [p.get_text(strip=True) for p in footer.select("p")] == [expected(tag, "This is the original English text.")]
    # The list of leaflets names it in English, marked so, and says so.
    page = soup(client.get(f"/{tag}/"))
    assert [a.get("lang") for a in page.select(f"main a[href='/{tag}/{CLINIC_LEAFLET}/']")] == ["en"]
    assert page.select_one(".fallback-notice").get_text(strip=True) == notice
    # The shipped leaflet, beside it, is still wholly translated.
    page = soup(client.get(f"/{tag}/{SHIPPED_LEAFLETS[0]}/"))
    assert page.select_one(".fallback-notice") is None
    assert page.select_one("h1").get_text(strip=True) == expected(tag, app_state(app).leaflets[SHIPPED_LEAFLETS[0]].title)


def test_the_staff_screen_says_how_much_of_a_clinic_leaflet_each_language_translates(clinic):
    from kiosk.i18n.provenance import provenance_of
    from kiosk.staff import pin

    _, app = clinic
    pin.save(app.instance_path, "482913")
    client = app.test_client()
    token = soup(client.get("/staff/")).select_one('input[name="csrf_token"]')["value"]
    assert client.post("/staff/login", data={"pin": "482913", "csrf_token": token}).status_code == 303
    page = soup(client.get("/staff/"))
    with app.app_context():
        total = provenance_of("es", CLINIC_LEAFLET).total
    assert total > 0
    rows = {li["id"]: " ".join(li.get_text().split()) for li in page.select("ul.completeness li")}
    # The clinic's leaflet only: the shipped one is complete in every language.
    assert list(rows) == [f"completeness-{CLINIC_LEAFLET}-{tag}" for tag in KNOWN_LOCALES if tag != SOURCE_LOCALE]
    assert rows[f"completeness-{CLINIC_LEAFLET}-es"] == (
        f"Spanish: 0 of {total} texts translated; the rest are shown in English.")
