"""`kiosk leaflet import` (kiosk/content/draft.py): the seed leaflet, written as a Word file
and as Markdown in the test, becomes a TOML draft that holds every text of the seed word for
word in its section, keeps list lead-ins, passes `kiosk leaflet check`, and names what it
could not carry over."""

import io
import re
import tomllib

import docx
import pytest
from click.testing import CliRunner
from PIL import Image

from kiosk import cli
from kiosk.content import normalise

from helpers import FIXTURES

SEED = FIXTURES / "seed-trigger-point-injections.txt"
SECTION_HEADINGS = {
    "What Are Trigger Points?",
    "What is a Trigger Point Injection?",
    "What Should You Expect from Trigger Point Injections?",
}
SUB_HEADINGS = {"Common causes of trigger points"}


def seed_parts():
    """The seed as (kind, text): its first line the title, then headings, paragraphs and items."""
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    parts = [("title", normalise(lines[0]))]
    for line in lines[1:]:
        text = normalise(line.replace("•", ""))
        if text in SECTION_HEADINGS:
            parts.append(("section", text))
        elif text in SUB_HEADINGS:
            parts.append(("sub", text))
        elif line.strip().startswith("•"):
            parts.append(("item", text))
        else:
            parts.append(("paragraph", text))
    return parts


def expected_sections():
    """Each section's heading and every text in it, as the seed has them."""
    sections = []
    for kind, text in seed_parts()[1:]:
        if kind == "section":
            sections.append((text, []))
        else:
            sections[-1][1].append(text)
    return sections


def picture() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(data, "PNG")
    data.seek(0)
    return data


def word_file(path):
    document = docx.Document()
    styles = {"title": "Title", "section": "Heading 1", "sub": "Heading 2", "item": "List Bullet", "paragraph": None}
    for n, (kind, text) in enumerate(seed_parts()):
        document.add_paragraph(text, style=styles[kind])
        if n == 2:  # a table and a picture after the first paragraph, as clinics' files have
            document.add_table(rows=2, cols=2)
            document.add_picture(picture())
    document.save(path)
    return path


def markdown_file(path):
    marks = {"title": "# ", "section": "## ", "sub": "### ", "item": "- ", "paragraph": ""}
    lines = []
    for n, (kind, text) in enumerate(seed_parts()):
        lines += [marks[kind] + text, ""]
        if n == 2:
            lines += ["| Site | Times |", "|---|---|", "| Neck | 2 |", "", "![A diagram](body.png)", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run(*args, cwd=None):
    return CliRunner().invoke(cli.main, ["leaflet", "import", *map(str, args)])


def texts(section: dict) -> list[str]:
    out = []
    for block in section.get("blocks", ()):
        out += [block[key] for key in ("heading", "paragraph", "lead") if key in block]
        out += block.get("items", [])
    return out


@pytest.mark.parametrize("make", [word_file, markdown_file], ids=["docx", "md"])
def test_a_clinics_document_becomes_a_draft_that_passes_the_check(tmp_path, make):
    document = make(tmp_path / ("leaflet.docx" if make is word_file else "leaflet.md"))
    draft = tmp_path / "trigger-point-injections.toml"
    result = run(document, "--output", draft)
    assert result.exit_code == 0, result.output
    assert ": error: " not in result.output
    data = tomllib.loads(draft.read_text(encoding="utf-8"))
    assert data["title"] == "Trigger Point Injections"
    # Every text of the seed, word for word, in its own section and in order.
    assert [(s["heading"], texts(s)) for s in data["sections"]] == expected_sections()
    assert [s["slug"] for s in data["sections"]] == [
        "what-are-trigger-points", "what-is-a-trigger-point-injection",
        "what-should-you-expect-from-trigger-point-injections",
    ]
    # A paragraph ending in ":" before a list is the list's lead-in; a list after a
    # sub-heading has none.
    first = data["sections"][0]["blocks"]
    assert first[1] == {"lead": "Trigger points commonly occur in:", "items": ["Buttocks", "Upper back", "Lower back", "Neck"]}
    assert first[2] == {"heading": "Common causes of trigger points"} and "lead" not in first[3]


@pytest.mark.parametrize("make", [word_file, markdown_file], ids=["docx", "md"])
def test_what_could_not_be_carried_is_named_with_where_it_was(tmp_path, make):
    document = make(tmp_path / ("leaflet.docx" if make is word_file else "leaflet.md"))
    draft = tmp_path / "draft.toml"
    run(document, "-o", draft)
    header = draft.read_text(encoding="utf-8").split("\ntitle = ")[0]
    assert "# Not carried over from the document:" in header
    after = "after “Trigger points, also called myofascial trigger points, are s…”"
    assert re.search(rf"# - a table {after}", header), header
    assert re.search(rf"# - a picture {after}", header), header


def test_an_existing_draft_is_kept_unless_forced(tmp_path):
    document = markdown_file(tmp_path / "leaflet.md")
    draft = tmp_path / "draft.toml"
    draft.write_text("mine", encoding="utf-8")
    result = run(document, "-o", draft)
    assert result.exit_code == 1 and "exists already" in result.output and "--force" in result.output
    assert draft.read_text(encoding="utf-8") == "mine"
    assert run(document, "-o", draft, "--force").exit_code == 0


@pytest.mark.parametrize(("name", "content", "says"), [
    ("leaflet.pdf", b"%PDF-1.4", "a Word file (.docx) or Markdown (.md)"),
    ("leaflet.docx", b"not a zip at all", "could not be read"),
])
def test_a_file_it_cannot_read_gets_one_plain_line(tmp_path, name, content, says):
    document = tmp_path / name
    document.write_bytes(content)
    result = run(document, "-o", tmp_path / "draft.toml")
    assert result.exit_code == 1 and says in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
