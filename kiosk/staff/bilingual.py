"""A leaflet in the patient's language beside English, paragraph by
paragraph, for staff to check a translation or print both for a patient."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from ..content import Leaflet, Section
from ..i18n import KNOWN_LOCALES, Text, localize


@dataclass(frozen=True)
class Row:
    kind: str  # heading, subheading, paragraph, lead or item
    english: str
    patient: Text  # in the patient's language, or the English fallback (its lang says which)


@dataclass(frozen=True)
class SectionRows:
    section: Section
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Bilingual:
    title: Row
    sections: tuple[SectionRows, ...]


def side_by_side(leaflet: Leaflet, tag: str) -> Bilingual:
    """Every message of `leaflet` as a row: the English source and what a
    patient reading `tag` sees (localize's own fallback, so a row shows
    exactly what the patient's page shows)."""
    with force_locale(str(KNOWN_LOCALES[tag])):
        title = Row("title", leaflet.title, localize(leaflet.title))
        sections = tuple(SectionRows(section, tuple(_rows(section))) for section in leaflet.sections)
    return Bilingual(title, sections)


def _rows(section: Section):
    def row(kind: str, message: str) -> Row:
        return Row(kind, message, localize(message))

    yield row("heading", section.heading)
    for block in section.blocks:
        if block.kind == "heading":
            yield row("subheading", block.text)
        elif block.kind == "paragraph":
            yield row("paragraph", block.text)
        else:
            if block.lead:
                yield row("lead", block.lead)
            for item in block.items:
                yield row("item", item)
