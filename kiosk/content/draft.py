"""`kiosk leaflet import`: a clinic's Word (.docx) or Markdown (.md) leaflet as a TOML draft.

The text is carried over exactly, never rewritten: each paragraph, heading and list item of
the document becomes one text of the draft, its runs of spaces folded as the loader folds
them. Only its shape is read:
- the document's title (Word's Title style, or a heading that stands alone at the top level)
  becomes the title; the headings of the next level, sections; deeper headings, sub-headings;
- paragraphs become paragraphs; a bulleted or numbered list becomes a list, and a paragraph
  that ends with ":" right before it becomes the list's lead-in;
- slugs are proposed from the English headings.
What it cannot carry (pictures, tables, a list's numbers) is named in a comment at the top
of the draft, with where it was, so the editor can decide; nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from . import normalise

TITLE_LEVEL = 0  # Word's Title style: above every heading


@dataclass
class Reading:
    """The document as a sequence of its parts, and what could not be carried."""

    parts: list[tuple] = field(default_factory=list)  # ("heading", level, text) | ("paragraph", text) | ("item", text)
    left_out: list[str] = field(default_factory=list)

    def where(self) -> str:
        """Where the reading is now, for a note: after the last text read."""
        texts = [part[-1] for part in self.parts]
        if not texts:
            return "at the start"
        last = texts[-1]
        return f"after “{last[:60]}{'…' if len(last) > 60 else ''}”"


def read_docx(path: Path) -> Reading:
    import docx
    from docx.drawing import Drawing
    from docx.table import Table

    reading = Reading()
    document = docx.Document(str(path))
    for part in document.iter_inner_content():
        if isinstance(part, Table):
            reading.left_out.append(f"a table {reading.where()}")
            continue
        style = (part.style.name if part.style is not None else "") or ""
        if any(isinstance(item, Drawing) for run in part.runs for item in run.iter_inner_content()):
            reading.left_out.append(f"a picture {reading.where()}")
        text = normalise(part.text)
        if not text:
            continue
        heading = re.fullmatch(r"Heading (\d)", style)
        if style == "Title":
            reading.parts.append(("heading", TITLE_LEVEL, text))
        elif heading:
            reading.parts.append(("heading", int(heading[1]), text))
        elif style.startswith("List") or _numbered(part):
            if "Number" in style:
                _numbers_left_out(reading)
            reading.parts.append(("item", text))
        else:
            reading.parts.append(("paragraph", text))
    return reading


def _numbered(paragraph) -> bool:
    """A list item by direct numbering (Word's "List Paragraph" with bullets set by hand).
    python-docx has no public word for it: its XML is read here only, and an AttributeError
    names the change if python-docx renames it."""
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def read_markdown(path: Path) -> Reading:
    from markdown_it import MarkdownIt

    reading = Reading()
    tokens = MarkdownIt("commonmark").enable("table").parse(path.read_text(encoding="utf-8"))
    in_item = 0
    for n, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            in_item += 1
            if token.type == "ordered_list_open":
                _numbers_left_out(reading)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            in_item -= 1
        elif token.type == "table_open":
            reading.left_out.append(f"a table {reading.where()}")
        elif token.type in ("fence", "code_block"):
            reading.left_out.append(f"a block of code {reading.where()}")
        elif token.type == "inline":
            if any(child.type == "image" for child in token.children or ()):
                reading.left_out.append(f"a picture {reading.where()}")
            if _inside(tokens, n, "table_open", "table_close"):
                continue
            text = normalise(_plain(token))
            if not text:
                continue
            opener = tokens[n - 1]
            if opener.type == "heading_open":
                reading.parts.append(("heading", int(opener.tag[1]), text))
            elif in_item:
                reading.parts.append(("item", text))
            else:
                reading.parts.append(("paragraph", text))
    return reading


def _plain(token) -> str:
    """An inline token's words, without its markup (emphasis, links: their text only)."""
    words = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return "".join(words)


def _inside(tokens, n: int, opening: str, closing: str) -> bool:
    depth = 0
    for token in tokens[:n]:
        depth += token.type == opening
        depth -= token.type == closing
    return depth > 0


def _numbers_left_out(reading: Reading) -> None:
    note = "the numbers of numbered lists (each became a bulleted list)"
    if note not in reading.left_out:
        reading.left_out.append(note)


def slug_of(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold()))


def unique(slug: str, taken: set[str], fallback: str) -> str:
    slug = slug or fallback
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def draft(reading: Reading, name: str) -> tuple[dict, str]:
    """The leaflet as TOML data, and its proposed slug (`name`: the document's file name)."""
    headings = [part for part in reading.parts if part[0] == "heading"]
    levels = sorted({part[1] for part in headings})
    title = None
    parts = list(reading.parts)
    # A title: the first text, a heading that no other heading shares the level of.
    if headings and parts[0] == headings[0] and [h[1] for h in headings].count(headings[0][1]) == 1:
        title = parts.pop(0)[2]
        levels.remove(headings[0][1])
    section_level = levels[0] if levels else None
    if title is None:
        title = " ".join(w.capitalize() for w in re.split(r"[-_ ]+", name) if w)
        reading.left_out.append(f"a title: “{title}” is proposed from the file's name")
    sections: list[dict] = []
    taken: set[str] = set()

    def current() -> dict:
        if not sections:
            # Text before the first section heading: a first section headed by the title.
            sections.append({"slug": unique(slug_of(title), taken, "introduction"), "heading": title, "blocks": []})
        return sections[-1]

    for part in parts:
        if part[0] == "heading" and part[1] == section_level:
            sections.append({"slug": unique(slug_of(part[2]), taken, f"section-{len(sections) + 1}"),
                             "heading": part[2], "blocks": []})
        elif part[0] == "heading":
            current()["blocks"].append({"heading": part[2]})
        elif part[0] == "paragraph":
            current()["blocks"].append({"paragraph": part[1]})
        else:
            blocks = current()["blocks"]
            if blocks and "items" in blocks[-1]:
                blocks[-1]["items"].append(part[1])
            elif blocks and "paragraph" in blocks[-1] and blocks[-1]["paragraph"].endswith(":"):
                blocks[-1] = {"lead": blocks[-1]["paragraph"], "items": [part[1]]}
            else:
                blocks.append({"items": [part[1]]})
    for section in sections:
        if not section["blocks"]:
            del section["blocks"]
    return {"title": title, "sections": sections}, unique(slug_of(title), set(), "leaflet")


def read(path: Path) -> Reading:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_docx(path)
    if suffix in (".md", ".markdown"):
        return read_markdown(path)
    raise ValueError(f"{path}: a leaflet can be imported from a Word file (.docx) or Markdown (.md), not {suffix or 'this'}")


def toml_text(path: Path) -> tuple[str, str]:
    """The draft's TOML, and its proposed slug (the name for its file)."""
    reading = read(path)
    data, slug = draft(reading, path.stem)
    header = [
        f"# A draft made by `kiosk leaflet import` from {path.name}.",
        "# The text is the document's, word for word. Before patients see it:",
        "# - read it against the document; change the proposed title and slugs if you like",
        "#   (the file's name is the leaflet's slug, and part of every page's address);",
        "# - run `kiosk leaflet check` on it; see docs/leaflets.md for every key.",
    ]
    if reading.left_out:
        header.append("# Not carried over from the document:")
        header.extend(f"# - {what}" for what in reading.left_out)
    return "\n".join(header) + "\n\n" + layout(data), slug


def layout(data: dict) -> str:
    """The draft in the layout of docs/leaflets.md: a [[sections]] table each, and a
    [[sections.blocks]] table each block. tomli-w writes each value (its quoting and
    escapes); the layout is chosen here, as tomli-w would put small tables inline."""

    def line(key: str, value) -> str:
        return tomli_w.dumps({key: value}, indent=4).rstrip("\n")

    out = [line("title", data["title"])]
    for section in data["sections"]:
        out += ["", "[[sections]]", line("slug", section["slug"]), line("heading", section["heading"])]
        for block in section.get("blocks", ()):
            out += ["", "[[sections.blocks]]"] + [line(key, value) for key, value in block.items()]
    return "\n".join(out) + "\n"
