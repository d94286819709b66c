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
    """A leaflet is extracted into a template of its own, the interface's has none of it."""
    output = tmp_path / "leaflet.pot"
    leaflet = ROOT / "leaflets" / "trigger-point-injections.toml"
    catalogs.run(catalogs.extract_leaflet_args(leaflet, output), cwd=leaflet.parent)
    with open(output, "rb") as f:
        template = read_po(f)
    # File names only, never line numbers: those differ between Python versions.
    assert template["Buttocks"].locations == [("trigger-point-injections.toml", None)]
    assert "Play" not in template
    catalogs.run(catalogs.extract_args(tmp_path / "messages.pot"))
    with open(tmp_path / "messages.pot", "rb") as f:
        interface = read_po(f)
    assert "Play" in interface  # templates
    assert "Page not found" in interface  # and Python
    assert "Buttocks" not in interface


def test_a_leaflet_anywhere_is_named_by_its_file(tmp_path):
    """A clinic's leaflets folder (LEAFLETS_DIR) is extracted wherever it is, and its
    template names the file alone: it does not change when the folder moves."""
    folder = tmp_path / "srv" / "clinic-leaflets"
    folder.mkdir(parents=True)
    leaflet = folder / "hand-washing.toml"
    leaflet.write_bytes((FIXTURES / "leaflets" / "hand-washing.toml").read_bytes())
    output = tmp_path / "translations" / "leaflet-hand-washing.pot"
    output.parent.mkdir()
    catalogs.run(catalogs.extract_leaflet_args(leaflet, output), cwd=folder)
    with open(output, "rb") as f:
        template = read_po(f)
    assert template["Before eating"].locations == [("hand-washing.toml", None)]


def test_committed_pot_is_not_stale(tmp_path):
    """The interface's template and each shipped leaflet's (a clinic's own are its own)."""
    shipped = [ROOT / "leaflets" / f"{slug}.toml" for slug in catalogs.SHIPPED_LEAFLETS]
    fresh = catalogs.extract(tmp_path, shipped)
    assert [p.name for p in fresh] == ["messages.pot", *(f"{d}.pot" for d in catalogs.shipped_domains()[1:])]
    for template in fresh:
        assert template.read_text(encoding="utf-8") == (catalogs.TRANSLATIONS / template.name).read_text(encoding="utf-8"), (
            f"translations/{template.name} is stale: run `kiosk catalog extract` "
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
