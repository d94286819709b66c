"""A leaflet's catalog out to a translator and back (kiosk/i18n/exchange.py, `kiosk catalog
export` and `import`): one PO with every message's context and the reviewers' comments; back
in, each change reported, fuzzy entries kept hidden, and every bad message refused by line
while the rest is imported, written and compiled. A file that cannot be imported at all is
one clear line, never a traceback."""

import difflib
import io
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from kiosk import ROOT, create_app
from kiosk.i18n import KNOWN_LOCALES, exchange
from kiosk.i18n.catalogs import catalog_path, leaflet_domain

from helpers import LEAFLET, SECTIONS, soup

SPANISH = KNOWN_LOCALES["es"]
TITLE = "Trigger Point Injections"  # a translation the translator changes
HEADING = "What Are Trigger Points?"  # fuzzy in the kiosk: the translator confirms it
PARAGRAPH_START = "Trigger points are"  # untranslated in the kiosk: the translator suggests, fuzzy
CONTEXT = "hard word as it appears in the text"


@pytest.fixture
def translations(tmp_path):
    """A copy of the shipped catalogs, with the Spanish leaflet's heading gone fuzzy (its
    English changed) and one paragraph not translated yet."""
    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    po = spanish_po(folder)
    catalog = read(po)
    catalog[HEADING].flags.add("fuzzy")
    paragraph(catalog).string = ""
    write(po, catalog)
    return folder


def spanish_po(translations: Path) -> Path:
    return catalog_path(SPANISH, translations, leaflet_domain(LEAFLET))


def read(path: Path):
    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def write(path: Path, catalog) -> None:
    out = io.BytesIO()
    write_po(out, catalog, width=None)
    path.write_bytes(out.getvalue())


def paragraph(catalog):
    return next(m for m in catalog if isinstance(m.id, str) and m.id.startswith(PARAGRAPH_START) and not m.context)


@pytest.fixture
def app(translations, tmp_path):
    return create_app({"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                      instance_path=str(tmp_path / "instance"))


@pytest.fixture
def cli(app):
    return app.test_cli_runner()


@pytest.fixture
def exported(cli, tmp_path):
    """The Spanish leaflet catalog as a translator gets it."""
    path = tmp_path / "to-translate.po"
    result = cli.invoke(args=["catalog", "export", "es", "--leaflet", LEAFLET, str(path)])
    assert result.exit_code == 0, result.output
    return path


def edited(path: Path, edit) -> Path:
    """The translator's work: `edit(catalog)` on the file, saved as a PO editor would."""
    catalog = read(path)
    edit(catalog)
    write(path, catalog)
    return path


def test_the_export_is_the_leaflets_catalog_with_where_each_message_stands(exported, translations):
    out, ours = read(exported), read(spanish_po(translations))
    messages = [m for m in out if m.id]
    assert [(m.id, m.context, m.string, m.fuzzy) for m in messages] == [
        (m.id, m.context, m.string, m.fuzzy) for m in ours if m.id]
    # Where in the leaflet: an extracted comment naming the leaflet (and section), on every one.
    assert all(any(LEAFLET in comment for comment in m.auto_comments) for m in messages)
    assert any(m.context == CONTEXT for m in messages)
    assert out[HEADING].fuzzy
    assert str(out.locale) == "es"
    assert exported.read_text(encoding="utf-8").startswith(f"# Kiosk-Catalog: {leaflet_domain(LEAFLET)} es\n")


def test_the_shipped_open_comment_on_the_english_reaches_the_translator(exported):
    """Summary 3's wording is for a clinician to choose (issue 32): a translator sees it is open."""
    summary = next(m for m in read(exported) if isinstance(m.id, str) and m.id.startswith("Your doctor cleans the spot"))
    said = " ".join(summary.user_comments)
    assert said.startswith("On the English, Independent read") and "Wording 1" in said and "Wording 2" in said
    assert sum(1 for m in read(exported) if m.user_comments) == 1  # and on no other message


def test_reviewers_comments_go_out_as_translator_comments_and_never_come_back(translations, tmp_path, cli):
    def comments(message):
        return ["Clinician, 2026-12-07: say “over the following weeks”."] if message.id == TITLE else []

    path = tmp_path / "out.po"
    exchange.export(translations, SPANISH, LEAFLET, path, comments=comments)
    assert read(path)[TITLE].user_comments == ["Clinician, 2026-12-07: say “over the following weeks”."]
    assert "# Clinician, 2026-12-07" in path.read_text(encoding="utf-8")
    edited(path, lambda c: setattr(c[TITLE], "string", "Inyecciones en los puntos gatillo"))
    assert cli.invoke(args=["catalog", "import", str(path)]).exit_code == 0
    assert read(spanish_po(translations))[TITLE].user_comments == []


def test_a_catalog_round_trips_through_export_an_edit_and_import(exported, translations, cli, tmp_path):
    before = spanish_po(translations).read_text(encoding="utf-8")

    def translate(catalog):
        catalog[TITLE].string = "Inyecciones en los puntos gatillo"
        catalog[HEADING].flags.discard("fuzzy")  # confirmed as it is
        paragraph(catalog).string = "Los puntos gatillo son…"
        paragraph(catalog).flags.add("fuzzy")  # a first try, not to be shown yet

    result = cli.invoke(args=["catalog", "import", str(edited(exported, translate))])
    assert result.exit_code == 0, result.output
    others = len([m for m in read(exported) if m.id]) - 3
    assert (f"{spanish_po(translations)}: 1 new, 1 changed, {others} unchanged, 0 refused; 1 fuzzy (kept, not shown), "
            "0 left untranslated in the file.") in result.output

    after = read(spanish_po(translations))
    assert after[TITLE].string == "Inyecciones en los puntos gatillo" and not after[TITLE].fuzzy
    assert not after[HEADING].fuzzy
    assert paragraph(after).fuzzy and paragraph(after).string == "Los puntos gatillo son…"
    # Only what the translator did, and the revision date, changed: a diff a reviewer can read.
    diff = difflib.unified_diff(before.splitlines(), spanish_po(translations).read_text(encoding="utf-8").splitlines(),
                                lineterm="", n=0)
    changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert sorted(changed) == sorted([
        '-"PO-Revision-Date: 2026-11-26 18:05+0000\\n"', changed[1],  # the date, and the new one
        '-msgstr "Inyecciones en puntos gatillo"', '+msgstr "Inyecciones en los puntos gatillo"',
        "-#, fuzzy",  # the heading, confirmed
        "+#, fuzzy", '-msgstr ""', '+msgstr "Los puntos gatillo son…"',  # the paragraph's first try
    ]), changed
    assert changed[1].startswith('+"PO-Revision-Date: ')
    # Compiled at once, fuzzy left out, as `kiosk catalog compile` does.
    with open(spanish_po(translations).with_suffix(".mo"), "rb") as f:
        compiled = read_mo(f)
    assert compiled[TITLE].string == "Inyecciones en los puntos gatillo"
    assert compiled[HEADING].string == after[HEADING].string
    assert compiled.get(paragraph(after).id) is None
    # A kiosk started now shows the new translation, and the fuzzy paragraph in English.
    fresh = create_app({"TESTING": True, "SPEECH_ENABLED": False, "BABEL_TRANSLATION_DIRECTORIES": str(translations)},
                       instance_path=str(tmp_path / "fresh"))
    page = soup(fresh.test_client().get(f"/es/{LEAFLET}/{SECTIONS[0]}"))
    assert "Inyecciones en los puntos gatillo" in page.select_one(".leaflet-title").get_text()
    assert page.find(lambda tag: tag.get("lang") == "en" and tag.get_text().startswith(PARAGRAPH_START))


def test_an_import_of_an_unchanged_file_writes_nothing(exported, translations, cli):
    po = spanish_po(translations)
    before, mtime = po.read_bytes(), po.stat().st_mtime_ns
    result = cli.invoke(args=["catalog", "import", str(exported)])
    assert result.exit_code == 0, result.output
    assert "0 new, 0 changed" in result.output
    assert (po.read_bytes(), po.stat().st_mtime_ns) == (before, mtime)


def add_placeholder(catalog):
    catalog[TITLE].string = "Inyecciones {name}"


def unknown_message(catalog):
    catalog.delete(TITLE)
    catalog.add("Trigger Point Injektions", "Inyecciones")


def other_context(catalog):
    message = catalog[TITLE]
    catalog.delete(TITLE)
    catalog.add(TITLE, message.string, context="a context the leaflet does not have")


def plural_for_one_text(catalog):
    catalog.delete(TITLE)
    catalog.add((TITLE, "Trigger Point Injection"), ("Inyecciones", "Inyección", "Inyecciones"))


def fuzzy_over_a_shown_translation(catalog):
    catalog[TITLE].string = "Inyecciones, quizá"
    catalog[TITLE].flags.add("fuzzy")


@pytest.mark.parametrize(("edit", "why"), [
    (add_placeholder, "placeholders differ"),
    (unknown_message, "not a message of this leaflet"),
    (other_context, "not a message of this leaflet"),
    (plural_for_one_text, "has plural forms, where the leaflet has one text"),
    (fuzzy_over_a_shown_translation, "the kiosk keeps showing its current translation"),
])
def test_each_bad_message_is_refused_by_line_and_the_rest_imported(exported, translations, cli, edit, why):
    def edit_and_confirm(catalog):
        edit(catalog)
        catalog[HEADING].flags.discard("fuzzy")  # a good edit beside the bad one

    shown_title = read(spanish_po(translations))[TITLE].string
    result = cli.invoke(args=["catalog", "import", str(edited(exported, edit_and_confirm))])
    assert result.exit_code == 1
    [refusal] = [line for line in result.output.splitlines() if ": refused: line " in line]
    assert why in refusal
    assert "1 new" in result.output and "1 refused" in result.output
    assert "Traceback" not in result.output
    after = read(spanish_po(translations))
    assert (after[TITLE].string, after[TITLE].fuzzy) == (shown_title, False)
    assert not after[HEADING].fuzzy


def test_plural_forms_must_be_as_many_as_the_language_has(translations, tmp_path):
    """No leaflet has a plural text today; a catalog with one shows the check works."""
    po = spanish_po(translations)
    catalog = read(po)
    catalog.add(("%(n)s minute", "%(n)s minutes"), ("", "", ""))
    write(po, catalog)
    path = tmp_path / "out.po"
    exchange.export(translations, SPANISH, LEAFLET, path)
    text = path.read_text(encoding="utf-8").replace(
        "Plural-Forms: nplurals=3; plural=(n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2);",
        "Plural-Forms: nplurals=2; plural=(n != 1);")
    path.write_text(text.replace('msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""',
                                 'msgstr[0] "%(n)s minuto"\nmsgstr[1] "%(n)s minutos"'), encoding="utf-8")
    report = exchange.import_(translations, path, [LEAFLET])
    [refusal] = report.refused
    assert "has 2 plural forms; Spanish needs 3" in refusal


@pytest.mark.parametrize(("damage", "said"), [
    (lambda text: text.replace(f"# Kiosk-Catalog: {leaflet_domain(LEAFLET)} es\n", ""),
     "does not say which leaflet and language it is for"),
    (lambda text: text.replace('"Language: es\\n"', '"Language: fr\\n"'),
     "says it is for Spanish (es) at its top, but its Language header says fr"),
    (lambda text: text.replace("Kiosk-Catalog: leaflet-trigger-point-injections", "Kiosk-Catalog: leaflet-hand-washing"),
     'is for the leaflet "hand-washing", which this kiosk does not serve'),
    (lambda text: text.replace('msgstr "Inyecciones en puntos gatillo"', 'msgstr "Inyecciones en puntos gatillo'),
     "no closing quote"),
    (lambda text: text.replace('msgid "Trigger Point Injections"', 'msgid "Trigger Point Injections"\nmsgid "twice"'),
     "not a PO file the kiosk can read"),
])
def test_a_file_that_cannot_be_imported_is_one_clear_line(exported, translations, cli, damage, said):
    exported.write_text(damage(exported.read_text(encoding="utf-8")), encoding="utf-8")
    before = spanish_po(translations).read_bytes()
    result = cli.invoke(args=["catalog", "import", str(exported)])
    assert result.exit_code == 1
    assert said in result.output and "Traceback" not in result.output
    assert spanish_po(translations).read_bytes() == before


def test_a_missing_or_non_utf8_file_is_one_clear_line(cli, tmp_path):
    result = cli.invoke(args=["catalog", "import", str(tmp_path / "nothing.po")])
    assert result.exit_code == 1 and "no such file" in result.output
    latin = tmp_path / "latin.po"
    latin.write_bytes('msgid "Ñ"\nmsgstr "Ñ"\n'.encode("latin-1"))
    result = cli.invoke(args=["catalog", "import", str(latin)])
    assert result.exit_code == 1 and "not UTF-8 text" in result.output


@pytest.mark.parametrize(("args", "said"), [
    (["xx", "--leaflet", LEAFLET], "'xx' is not one of the kiosk's translated languages"),
    (["en", "--leaflet", LEAFLET], "'en' is not one of the kiosk's translated languages"),
    (["es", "--leaflet", "hand-washing"], "'hand-washing' is not a leaflet this kiosk serves"),
])
def test_an_export_of_what_is_not_there_is_refused_in_words(cli, tmp_path, args, said):
    result = cli.invoke(args=["catalog", "export", *args, str(tmp_path / "out.po")])
    assert result.exit_code == 2 and said in result.output
    assert not (tmp_path / "out.po").exists()


def test_an_export_never_replaces_a_file_unless_told(cli, tmp_path):
    path = tmp_path / "sent-back.po"
    path.write_text("the translator's work", encoding="utf-8")
    result = cli.invoke(args=["catalog", "export", "es", "--leaflet", LEAFLET, str(path)])
    assert result.exit_code == 1 and "exists: import it first, or add --force" in result.output
    assert path.read_text(encoding="utf-8") == "the translator's work"
    assert cli.invoke(args=["catalog", "export", "es", "--leaflet", LEAFLET, "--force", str(path)]).exit_code == 0
    assert read(path)[TITLE].string


def test_a_language_by_its_babel_identifier_too(cli, tmp_path):
    result = cli.invoke(args=["catalog", "export", "pt_BR", "--leaflet", LEAFLET, str(tmp_path / "pt.po")])
    assert result.exit_code == 0, result.output
    assert read(tmp_path / "pt.po").locale.english_name == "Portuguese (Brazil)"
