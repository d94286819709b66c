"""Extraction: the content extractor, and a committed POT that is never stale."""


import ast

from babel.messages.extract import extract
from babel.messages.pofile import read_po

from kiosk import ROOT
from kiosk.i18n import catalogs
from kiosk.content.extract import extract_leaflet

from helpers import FIXTURES


def extracted(path):
    with open(path, "rb") as f:
        return list(extract(extract_leaflet, f))


def test_extractor_yields_each_text_once_with_its_line():
    path = FIXTURES / "leaflets" / "hand-washing.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    results = extracted(path)
    assert [message for _, message, _, _ in results] == [
        "Washing Your Hands",
        "When to Wash",
        "Wash your hands:",
        "Before eating",
        "After using the toilet",
        "How to Wash",
        "Use soap and warm water. Rub for twenty seconds.",
    ]
    for lineno, message, _, _ in results:
        assert message.split()[0] in lines[lineno - 1]


def test_extractor_notes_where_a_text_is_used():
    results = extracted(FIXTURES / "leaflets" / "hand-washing.toml")
    assert results[0][2] == ["Leaflet title (hand-washing)"]
    assert results[3][2] == ["List (hand-washing / when)"]


def test_pybabel_uses_the_registered_extractor(tmp_path):
    output = tmp_path / "messages.pot"
    catalogs.run(catalogs.extract_args(output))
    with open(output, "rb") as f:
        catalog = read_po(f)
    # File names only, never line numbers: those differ between Python versions.
    assert catalog["Buttocks"].locations == [("leaflets/trigger-point-injections.toml", None)]
    assert "Play" in catalog  # templates too
    assert "Page not found" in catalog  # and Python


def test_committed_pot_is_not_stale(tmp_path):
    fresh = tmp_path / "messages.pot"
    catalogs.run(catalogs.extract_args(fresh))
    assert fresh.read_text(encoding="utf-8") == catalogs.POT.read_text(encoding="utf-8"), (
        "translations/messages.pot is stale: run `kiosk catalog extract` "
        "(then `kiosk catalog update`) and commit the result"
    )


GETTEXT = {"_", "gettext", "ngettext", "lazy_gettext", "phrase"}


def test_no_message_is_marked_inside_an_f_string():
    """Babel extracts a _() inside an f-string on Python 3.12 and later (PEP 701) but not
    on 3.11, so the POT would differ between the versions the kiosk supports."""
    found = []
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Call) and getattr(inner.func, "id", None) in GETTEXT:
                        found.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert found == []
