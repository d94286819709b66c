"""Leaflets as content data: the model and the loader of leaflet files.

A leaflet is a TOML file in the leaflets folder, named after its slug. It has
a title and sections in order; each section has a heading and blocks:
sub-headings, paragraphs and bulleted lists (with an optional lead-in line).
Every text is one translatable message, so the same string is extracted,
translated, shown and spoken.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class ContentError(ValueError):
    """A leaflet file that cannot be used, with the file and the reason."""


def normalise(text: str) -> str:
    """Fold runs of whitespace, as Sphinx's gettext builder does, so that
    re-wrapping a paragraph in the content file does not change its message."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Heading:
    text: str
    kind = "heading"

    def messages(self) -> Iterator[str]:
        yield self.text


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind = "paragraph"

    def messages(self) -> Iterator[str]:
        yield self.text


@dataclass(frozen=True)
class BulletList:
    lead: str | None
    items: tuple[str, ...]
    # A picture drawn for this list, by name (templates/figures/<name>.html),
    # labelled with the list's own items so it is translated with them.
    figure: str | None = None
    kind = "list"

    def messages(self) -> Iterator[str]:
        if self.lead:
            yield self.lead
        yield from self.items


Block = Heading | Paragraph | BulletList


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    blocks: tuple[Block, ...]

    def messages(self) -> Iterator[str]:
        """Every text of the section in reading order, heading first."""
        yield self.heading
        for block in self.blocks:
            yield from block.messages()


@dataclass(frozen=True)
class Leaflet:
    slug: str
    title: str
    sections: tuple[Section, ...]

    def section(self, slug: str) -> Section | None:
        return next((s for s in self.sections if s.slug == slug), None)

    def neighbours(self, section: Section) -> tuple[Section | None, Section | None]:
        """The sections before and after `section` (None at either end)."""
        index = self.sections.index(section)
        before = self.sections[index - 1] if index > 0 else None
        after = self.sections[index + 1] if index + 1 < len(self.sections) else None
        return before, after

    def messages(self) -> Iterator[str]:
        """Every text of the leaflet in reading order, title first."""
        yield self.title
        for section in self.sections:
            yield from section.messages()


def parse_leaflet(data: dict, slug: str, source: str = "<leaflet>") -> Leaflet:
    """Build a Leaflet from parsed TOML, with a clear error for a bad file."""

    def fail(reason: str) -> ContentError:
        return ContentError(f"{source}: {reason}")

    def text(value, where: str) -> str:
        if not isinstance(value, str) or not normalise(value):
            raise fail(f"{where} must be non-empty text")
        return normalise(value)

    def block(raw, where: str) -> Block:
        if not isinstance(raw, dict):
            raise fail(f"{where} must be a table")
        keys = set(raw)
        if keys == {"heading"}:
            return Heading(text(raw["heading"], f"{where}.heading"))
        if keys == {"paragraph"}:
            return Paragraph(text(raw["paragraph"], f"{where}.paragraph"))
        if "items" in keys and keys <= {"lead", "items", "figure"}:
            items = raw["items"]
            if not isinstance(items, list) or not items:
                raise fail(f"{where}.items must be a non-empty list")
            lead = text(raw["lead"], f"{where}.lead") if "lead" in raw else None
            figure = raw.get("figure")
            if figure is not None and (not isinstance(figure, str) or not SLUG.match(figure)):
                raise fail(f"{where}.figure must name a figure in lower-case words joined by hyphens")
            return BulletList(
                lead, tuple(text(i, f"{where}.items[{n}]") for n, i in enumerate(items)), figure
            )
        raise fail(
            f"{where} must have exactly one of heading, paragraph, or items "
            f"(with an optional lead and figure); it has {sorted(keys)}"
        )

    if not SLUG.match(slug):
        raise fail(f"the slug {slug!r} must be lower-case words joined by hyphens")
    raw_sections = data.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise fail("a leaflet needs at least one [[sections]]")
    sections = []
    for n, raw in enumerate(raw_sections):
        where = f"sections[{n}]"
        section_slug = raw.get("slug")
        if not isinstance(section_slug, str) or not SLUG.match(section_slug):
            raise fail(f"{where}.slug must be lower-case words joined by hyphens")
        blocks = raw.get("blocks", [])
        if not isinstance(blocks, list):
            raise fail(f"{where}.blocks must be a list of tables")
        sections.append(
            Section(
                section_slug,
                text(raw.get("heading"), f"{where}.heading"),
                tuple(block(b, f"{where}.blocks[{i}]") for i, b in enumerate(blocks)),
            )
        )
    slugs = [s.slug for s in sections]
    if len(set(slugs)) != len(slugs):
        raise fail("section slugs must be unique")
    return Leaflet(slug, text(data.get("title"), "title"), tuple(sections))


def load_leaflet(path: Path) -> Leaflet:
    """Read one leaflet file; its file name (without .toml) is its slug."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(f"{path}: not valid TOML: {error}") from error
    return parse_leaflet(data, path.stem, str(path))


def load_leaflets(folder: Path) -> dict[str, Leaflet]:
    """Every leaflet in `folder`, by slug, in file-name order."""
    paths = sorted(Path(folder).glob("*.toml"))
    if not paths:
        raise ContentError(f"{folder}: no leaflet files (*.toml) found")
    return {leaflet.slug: leaflet for leaflet in map(load_leaflet, paths)}
