"""Leaflets as content data: the model and the loader of leaflet files.

A leaflet is a TOML file in the leaflets folder, named after its slug. It has
a title and sections in order; each section has a heading and blocks:
sub-headings, paragraphs and bulleted lists (with an optional lead-in line).
Every text is one translatable message, so the same string is extracted,
translated, shown and spoken.

Beside the clinic's own words, a leaflet may carry the kiosk's plain-language
help (WCAG 2.2 3.1.3-3.1.5): hard words with plain definitions (`[[terms]]`),
an easy-read summary of each section ("In short") and a teach-back question per
section. That help is a supplement, never a replacement: it is kept apart from
`messages()`, which stays exactly the clinic's text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Catalog contexts (msgctxt) of the help messages whose English text is a piece
# of the leaflet's own text. The context keeps them apart from a leaflet message
# with the same words ("Lightheadedness" is a list item too), whose translation
# answers another question: for these the translator copies words out of their
# own translation of the paragraphs (see kiosk/content/extract.py's comments).
TERM_CONTEXT = "hard word as it appears in the text"
ANSWER_CONTEXT = "teach-back answer sentence"


class ContentError(ValueError):
    """A leaflet file (or folder) that cannot be used: `source` is the file, `reason` what is
    wrong with it, beginning with the key at fault ("sections[0].heading must be ..."), and
    `line` and `column` the place, where the TOML parser gave one. `kiosk` tells an IT person
    all of it in one line (kiosk/faults.py)."""

    def __init__(self, source: str, reason: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(f"{source}: {reason}")
        self.source, self.reason, self.line, self.column = str(source), reason, line, column


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
class Term:
    """A hard word of the leaflet and its plain definition (kiosk/content/glossary.py
    finds it in the text of each language)."""

    term: str  # as it appears in the English text, in any case: the msgid in TERM_CONTEXT
    definition: str

    @property
    def id(self) -> str:
        """For the glossary page's anchors: "local-anesthetic"."""
        return "-".join(re.findall(r"[a-z0-9]+", self.term.lower()))


@dataclass(frozen=True)
class TeachBack:
    """One question about a section's key point (AHRQ teach-back), with 2 or 3
    answers, the right one, and the sentence of the section that holds it."""

    question: str
    answers: tuple[str, ...]
    right: int  # index into answers
    # A sentence of the section word for word: the msgid in ANSWER_CONTEXT, whose
    # translation is the same sentence in that language (kiosk/content/teach_back.py).
    answer_sentence: str


@dataclass(frozen=True)
class Section:
    slug: str
    heading: str
    blocks: tuple[Block, ...]
    summary: str | None = None  # "In short": 2 to 4 short, plain sentences
    teach_back: TeachBack | None = None

    def messages(self) -> Iterator[str]:
        """Every text of the section in reading order, heading first (the
        clinic's words only: the help is not part of them)."""
        yield self.heading
        for block in self.blocks:
            yield from block.messages()


@dataclass(frozen=True)
class Leaflet:
    slug: str
    title: str
    sections: tuple[Section, ...]
    terms: tuple[Term, ...] = ()
    # Said before every teach-back question, so it is not heard as a test.
    teach_back_intro: str | None = None

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
        return ContentError(source, reason)

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

    def teach_back(raw, where: str, section_texts: list[str]) -> TeachBack:
        from ..speech.sentences import split_sentences

        if not isinstance(raw, dict) or set(raw) != {"question", "answers", "right", "answer_sentence"}:
            raise fail(f"{where} must have exactly question, answers, right and answer_sentence")
        answers = raw["answers"]
        if not isinstance(answers, list) or not 2 <= len(answers) <= 3:
            raise fail(f"{where}.answers must list 2 or 3 answers")
        right = raw["right"]
        if not isinstance(right, int) or isinstance(right, bool) or not 0 <= right < len(answers):
            raise fail(f"{where}.right must be the index (from 0) of one of the answers")
        sentence = text(raw["answer_sentence"], f"{where}.answer_sentence")
        if not any(sentence in split_sentences(message) for message in section_texts):
            raise fail(f"{where}.answer_sentence must be one sentence of the section, word for word")
        return TeachBack(
            text(raw["question"], f"{where}.question"),
            tuple(text(a, f"{where}.answers[{n}]") for n, a in enumerate(answers)),
            right,
            sentence,
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
        unknown = set(raw) - {"slug", "heading", "blocks", "summary", "teach_back"}
        if unknown:
            raise fail(f"{where} has unknown keys {sorted(unknown)}")
        part = Section(
            section_slug,
            text(raw.get("heading"), f"{where}.heading"),
            tuple(block(b, f"{where}.blocks[{i}]") for i, b in enumerate(blocks)),
            text(raw["summary"], f"{where}.summary") if "summary" in raw else None,
        )
        if "teach_back" in raw:
            check = teach_back(raw["teach_back"], f"{where}.teach_back", list(part.messages()))
            part = Section(part.slug, part.heading, part.blocks, part.summary, check)
        sections.append(part)
    slugs = [s.slug for s in sections]
    if len(set(slugs)) != len(slugs):
        raise fail("section slugs must be unique")
    leaflet = Leaflet(slug, text(data.get("title"), "title"), tuple(sections))
    raw_terms = data.get("terms", [])
    if not isinstance(raw_terms, list):
        raise fail("terms must be a list of [[terms]] tables")
    terms = []
    english = " ".join(leaflet.messages()).casefold()
    for n, raw in enumerate(raw_terms):
        where = f"terms[{n}]"
        if not isinstance(raw, dict) or set(raw) != {"term", "definition"}:
            raise fail(f"{where} must have exactly term and definition")
        term = Term(text(raw["term"], f"{where}.term"), text(raw["definition"], f"{where}.definition"))
        # The glossary marks a term where it stands in the text: one that is not
        # there (a typo) would be marked nowhere.
        if term.term.casefold() not in english:
            raise fail(f"{where}.term {term.term!r} is not in the leaflet's text")
        terms.append(term)
    if len({t.id for t in terms}) != len(terms):
        raise fail("terms must be unique")
    intro = data.get("teach_back_intro")
    return Leaflet(
        leaflet.slug, leaflet.title, leaflet.sections, tuple(terms),
        text(intro, "teach_back_intro") if intro is not None else None,
    )


def load_leaflet(path: Path) -> Leaflet:
    """Read one leaflet file; its file name (without .toml) is its slug."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as error:
        # tomllib puts the place in its message only (its lineno and colno attributes
        # came in Python 3.14): "Illegal character '\\n' (at line 25, column 36)".
        message, line, column = str(error), None, None
        place = re.search(r" \(at line (\d+), column (\d+)\)$", message)
        if place:
            message, line, column = message[: place.start()], int(place[1]), int(place[2])
        raise ContentError(str(path), f"not valid TOML: {message}", line, column) from error
    return parse_leaflet(data, path.stem, str(path))


def load_leaflets(folder: Path) -> dict[str, Leaflet]:
    """Every leaflet in `folder`, by slug, in file-name order."""
    if not Path(folder).is_dir():
        raise ContentError(str(folder), "the leaflets folder does not exist")
    paths = sorted(Path(folder).glob("*.toml"))
    if not paths:
        raise ContentError(str(folder), "no leaflet files (*.toml) found")
    return {leaflet.slug: leaflet for leaflet in map(load_leaflet, paths)}
