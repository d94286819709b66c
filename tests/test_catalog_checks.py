"""The catalog checks themselves, fed bad catalogs: each must find the fault it is for, and only that."""

from __future__ import annotations

import textwrap

import pytest
from babel.messages.pofile import PoFileError

from kiosk.i18n import checks

HEADER = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

'''


def catalog(tmp_path, body: str):
    po = tmp_path / "messages.po"
    po.write_text(HEADER + textwrap.dedent(body), encoding="utf-8")
    return checks.load_catalog(po)


def glossary(tmp_path, text: str) -> checks.Glossary:
    path = tmp_path / "glossary.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return checks.Glossary.load(path)


def test_a_good_catalog_has_no_problems(tmp_path):
    good = catalog(tmp_path, '''
        msgid "Volume %(level)s of %(total)s"
        msgstr "Volumen %(level)s de %(total)s"

        msgid "Sentence {number} of {total}"
        msgstr "Frase {number} de {total}"
    ''')
    assert checks.incomplete(good) == []
    assert checks.babel_errors(good) == []
    assert checks.placeholder_errors(good) == []


def test_untranslated_and_fuzzy_are_both_incomplete(tmp_path):
    bad = catalog(tmp_path, '''
        msgid "Play"
        msgstr ""

        #, fuzzy
        msgid "Pause"
        msgstr "Pausa"

        msgid "Stop"
        msgstr "Detener"
    ''')
    assert checks.incomplete(bad) == [
        "untranslated: 'Play'",
        "fuzzy (English changed, re-translate): 'Pause'",
    ]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        ("Sentence {number} of {total}", "Frase {numero} de {total}"),  # renamed
        ("Sentence {number} of {total}", "Frase de {total}"),  # dropped
        ("Volume %(level)s of %(total)s", "Volumen %(nivel)s de %(total)s"),  # renamed %-placeholder
    ],
)
def test_a_changed_placeholder_is_found(tmp_path, msgid, msgstr):
    bad = catalog(tmp_path, f'''
        msgid "{msgid}"
        msgstr "{msgstr}"
    ''')
    assert checks.placeholder_errors(bad) == [f"placeholders differ: {msgid!r} -> {msgstr!r}"]


def test_babel_finds_a_broken_percent_placeholder(tmp_path):
    bad = catalog(tmp_path, '''
        #, python-format
        msgid "Volume %(level)s of %(total)s"
        msgstr "Volumen %(level)d de %(total)s"
    ''')
    assert any("level" in problem or "placeholder" in problem for problem in checks.babel_errors(bad))


def test_glossary_term_not_used_is_reported(tmp_path):
    terms = glossary(tmp_path, '''
        [[term]]
        en = "trigger point"
        forms = ["punto gatillo"]
    ''')
    bad = catalog(tmp_path, '''
        msgid "What are trigger points?"
        msgstr "¿Qué son los puntos de dolor?"

        msgid "A trigger point injection"
        msgstr "Una inyección en el punto gatillo"
    ''')
    assert checks.glossary_errors(bad, terms) == [
        "'trigger point' not rendered as 'punto gatillo' in: '¿Qué son los puntos de dolor?'"
    ]


def test_english_left_behind_is_reported_unless_the_glossary_allows_it(tmp_path):
    terms = glossary(tmp_path, '''
        same_as_english = ["OK"]
    ''')
    bad = catalog(tmp_path, '''
        msgid "OK"
        msgstr "OK"

        msgid "Play"
        msgstr "Play"
    ''')
    assert checks.english_left(bad, terms) == ["still English: 'Play'"]


@pytest.mark.parametrize(
    "text",
    [
        '[[term]]\nen = "trigger point"\n',  # no forms
        '[[term]]\nen = "trigger point"\nforms = []\n',  # empty forms
        # A key meant for the top level, written after a [[term]], lands inside it.
        '[[term]]\nen = "trigger point"\nforms = ["punto gatillo"]\nsame_as_english = ["OK"]\n',
    ],
)
def test_a_malformed_glossary_is_refused(tmp_path, text):
    path = tmp_path / "glossary.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="exactly `en` and non-empty `forms`"):
        checks.Glossary.load(path)


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b'msgid "a"\nmsgstr "b"\nbogus line\n', PoFileError),  # a stray line
        (b'msgid "a"\nmsgstr "b"\nmsgid "c"\n', PoFileError),  # cut short: msgid without msgstr
        (b'msgid "a"\nmsgstr "\xff\xfe"\n', UnicodeDecodeError),  # not UTF-8
    ],
)
def test_a_malformed_catalog_fails_loudly(tmp_path, content, error):
    po = tmp_path / "messages.po"
    po.write_bytes(content)
    with pytest.raises(error):
        list(checks.messages(checks.load_catalog(po)))


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (b'msgid "Play"\nmsgstr "Reproducir\n', ["line 2: no closing quote: 'msgstr \"Reproducir'"]),
        (b'msgid "Play"\nmsgstr "Reproducir \\"\n', ["line 2: no closing quote: 'msgstr \"Reproducir \\\\\"'"]),
        (b'msgid ""\n"long \n"text"\nmsgstr "x"\n', ["line 2: no closing quote: '\"long'"]),
        (b'msgid "Say \\"hi\\""\nmsgstr "Di \\"hola\\""\n', []),
        (b'# msgstr "a comment"\nmsgid "a"\nmsgstr "b"\n', []),
    ],
)
def test_a_string_without_its_closing_quote_is_found(tmp_path, content, problems):
    """Babel reads it with its last letter cut off ("Reproduci") instead of failing."""
    po = tmp_path / "messages.po"
    po.write_bytes(content)
    assert checks.unterminated_strings(po) == problems


POT = '''
    msgid "Play"
    msgstr ""

    msgid "Pause"
    msgstr ""
'''


def test_a_message_the_catalog_lacks_is_missing_though_nothing_in_it_is_incomplete(tmp_path):
    """A catalog that missed `kiosk catalog update`: every entry it has is translated."""
    (tmp_path / "pot").mkdir()
    pot = catalog(tmp_path / "pot", POT)
    behind = catalog(tmp_path, '''
        msgid "Play"
        msgstr "Reproducir"
    ''')
    assert checks.incomplete(behind) == []
    assert checks.missing(behind, pot) == ["missing (run `kiosk catalog update`): 'Pause'"]
    assert checks.translated_of(behind, pot) == (1, 2)


def test_the_count_ignores_entries_the_pot_no_longer_has(tmp_path):
    (tmp_path / "pot").mkdir()
    pot = catalog(tmp_path / "pot", POT)
    ahead = catalog(tmp_path, '''
        msgid "Play"
        msgstr "Reproducir"

        msgid "Pause"
        msgstr "Pausa"

        msgid "Stop"
        msgstr "Detener"
    ''')
    assert checks.missing(ahead, pot) == []
    assert checks.translated_of(ahead, pot) == (2, 2)


def test_a_plural_message_is_current_only_with_every_form(tmp_path):
    """Babel reads an untranslated plural as ("", ""), which is truthy."""
    bad = catalog(tmp_path, '''
        msgid "in %(seconds)s second"
        msgid_plural "in %(seconds)s seconds"
        msgstr[0] "en %(seconds)s segundo"
        msgstr[1] ""

        msgid "%(n)s leaflet"
        msgid_plural "%(n)s leaflets"
        msgstr[0] ""
        msgstr[1] ""
    ''')
    assert checks.incomplete(bad) == [
        "untranslated: ('in %(seconds)s second', 'in %(seconds)s seconds')",
        "untranslated: ('%(n)s leaflet', '%(n)s leaflets')",
    ]


def test_a_plural_form_may_say_the_number_in_words_but_not_rename_it(tmp_path):
    """Arabic says one and two seconds in words (ثانية واحدة, ثانيتين), with no number."""
    ok = catalog(tmp_path, '''
        #, python-format
        msgid "in %(seconds)s second"
        msgid_plural "in %(seconds)s seconds"
        msgstr[0] "بعد ثانية واحدة"
        msgstr[1] "بعد %(seconds)s ثوانٍ"
    ''')
    assert checks.placeholder_errors(ok) == []
    (tmp_path / "bad").mkdir()
    bad = catalog(tmp_path / "bad", '''
        #, python-format
        msgid "in %(seconds)s second"
        msgid_plural "in %(seconds)s seconds"
        msgstr[0] "en %(seconds)s segundo"
        msgstr[1] "en %(segundos)s segundos"
    ''')
    assert checks.placeholder_errors(bad) == ["placeholders differ: 'in %(seconds)s seconds' -> 'en %(segundos)s segundos'"]
