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

from .figures import FIGURES
from .places import locate

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Catalog contexts (msgctxt) of the help messages whose English text is a piece
# of the leaflet's own text. The context keeps them apart from a leaflet message
# with the same words ("Lightheadedness" is a list item too), whose translation
# answers another question: for these the translator copies words out of their
# own translation of the paragraphs (see kiosk/content/extract.py's comments).
TERM_CONTEXT = "hard word as it appears in the text"
ANSWER_CONTEXT = "teach-back answer sentence"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a leaflet file: where (a key path such as
    ("sections", 2, "blocks", 0, "paragraph"), empty for the whole file) and what."""

    where: tuple[str | int, ...]
    message: str
    # Known only where the TOML parser gave them (a syntax error); else found from `where`.
    line: int | None = None
    column: int | None = None


class ContentError(ValueError):
    """A leaflet file (or folder) that cannot be used: `source` is the file, and `problems`
    every problem found in it, each with where it is (`kiosk leaflet check` gives each its
    line and column; `kiosk` at start-up tells an IT person the first, kiosk/faults.py).
    `reason`, `line` and `column` are the first problem's."""

    def __init__(self, source: str, problems: list[Problem] | str, line: int | None = None,
                 column: int | None = None) -> None:
        if isinstance(problems, str):
            problems = [Problem((), problems, line, column)]
        self.source = str(source)
        self.problems = problems
        super().__init__("\n".join(f"{source}: {problem.message}" for problem in problems))

    @property
    def reason(self) -> str:
        return self.problems[0].message

    @property
    def line(self) -> int | None:
        return self.problems[0].line

    @property
    def column(self) -> int | None:
        return self.problems[0].column


class NothingToServe(ContentError):
    """Every file of the leaflets folder is bad: the first one's problems, and how many
    `files` there are (kiosk/faults.py tells IT to check them all)."""

    def __init__(self, first: ContentError, files: int) -> None:
        super().__init__(first.source, first.problems)
        self.files = files


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


def path_text(where: tuple[str | int, ...]) -> str:
    """("sections", 2, "heading") as the file says it: sections[2].heading."""
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class _Skip(Exception):
    """This part of the file cannot be read further; the rest still is."""


def parse_leaflet(data: dict, slug: str, source: str = "<leaflet>") -> Leaflet:
    """Build a Leaflet from parsed TOML; ContentError lists every problem found, each with
    where it is, so a content editor can mend them all in one go."""
    problems: list[Problem] = []

    def fail(where: tuple, reason: str) -> _Skip:
        problems.append(Problem(where, f"{path_text(where)} {reason}" if where else reason))
        return _Skip()

    def text(value, where: tuple) -> str:
        if not isinstance(value, str) or not normalise(value):
            raise fail(where, "must be non-empty text")
        return normalise(value)

    def block(raw, where: tuple) -> Block:
        if not isinstance(raw, dict):
            raise fail(where, "must be a table")
        keys = set(raw)
        if keys == {"heading"}:
            return Heading(text(raw["heading"], (*where, "heading")))
        if keys == {"paragraph"}:
            return Paragraph(text(raw["paragraph"], (*where, "paragraph")))
        if "items" in keys and keys <= {"lead", "items", "figure"}:
            items = raw["items"]
            if not isinstance(items, list) or not items:
                raise fail((*where, "items"), "must be a non-empty list")
            lead = text(raw["lead"], (*where, "lead")) if "lead" in raw else None
            figure = raw.get("figure")
            if figure is not None and figure not in FIGURES:
                raise fail((*where, "figure"), f"must be one of the kiosk's figures: {', '.join(sorted(FIGURES))}")
            return BulletList(lead, tuple(text(i, (*where, "items", n)) for n, i in enumerate(items)), figure)
        raise fail(
            where, "must have exactly one of heading, paragraph, or items "
            f"(with an optional lead and figure); it has {sorted(keys)}"
        )

    def teach_back(raw, where: tuple, section_texts: list[str]) -> TeachBack:
        from ..speech.sentences import split_sentences

        if not isinstance(raw, dict) or set(raw) != {"question", "answers", "right", "answer_sentence"}:
            raise fail(where, "must have exactly question, answers, right and answer_sentence")
        answers = raw["answers"]
        if not isinstance(answers, list) or not 2 <= len(answers) <= 3:
            raise fail((*where, "answers"), "must list 2 or 3 answers")
        right = raw["right"]
        if not isinstance(right, int) or isinstance(right, bool) or not 0 <= right < len(answers):
            raise fail((*where, "right"), "must be the index (from 0) of one of the answers")
        sentence = text(raw["answer_sentence"], (*where, "answer_sentence"))
        if not any(sentence in split_sentences(message) for message in section_texts):
            raise fail((*where, "answer_sentence"), "must be one sentence of the section, word for word")
        return TeachBack(
            text(raw["question"], (*where, "question")),
            tuple(text(a, (*where, "answers", n)) for n, a in enumerate(answers)),
            right,
            sentence,
        )

    def section(raw, where: tuple) -> Section:
        if not isinstance(raw, dict):
            raise fail(where, "must be a table")
        section_slug = raw.get("slug")
        if not isinstance(section_slug, str) or not SLUG.match(section_slug):
            fail((*where, "slug"), "must be lower-case words joined by hyphens")
        unknown = set(raw) - {"slug", "heading", "blocks", "summary", "teach_back"}
        if unknown:
            fail(where, f"has unknown keys {sorted(unknown)}")
        blocks = raw.get("blocks", [])
        if not isinstance(blocks, list):
            raise fail((*where, "blocks"), "must be a list of tables")
        read = []
        for i, raw_block in enumerate(blocks):
            try:
                read.append(block(raw_block, (*where, "blocks", i)))
            except _Skip:
                pass
        heading = summary = check = None
        try:
            heading = text(raw.get("heading"), (*where, "heading"))
        except _Skip:
            pass
        try:
            summary = text(raw["summary"], (*where, "summary")) if "summary" in raw else None
        except _Skip:
            pass
        part = Section(section_slug, heading or "", tuple(read), summary)
        if "teach_back" in raw:
            try:
                check = teach_back(raw["teach_back"], (*where, "teach_back"), list(part.messages()))
            except _Skip:
                pass
        return Section(part.slug, part.heading, part.blocks, part.summary, check)

    if not SLUG.match(slug):
        fail((), f"the slug {slug!r} (the file's name) must be lower-case words joined by hyphens")
    title = None
    try:
        title = text(data.get("title"), ("title",))
    except _Skip:
        pass
    raw_sections = data.get("sections")
    sections = []
    if not isinstance(raw_sections, list) or not raw_sections:
        fail((), "a leaflet needs at least one [[sections]]")
    else:
        for n, raw in enumerate(raw_sections):
            try:
                sections.append(section(raw, ("sections", n)))
            except _Skip:
                pass
        seen = set()
        for n, part in enumerate(sections):
            if part.slug in seen:
                fail(("sections", n, "slug"), f"{part.slug!r} is used twice: section slugs must be unique")
            seen.add(part.slug)
    english = " ".join(
        [title or ""] + [message for part in sections for message in part.messages()]
    ).casefold()
    raw_terms = data.get("terms", [])
    terms = []
    if not isinstance(raw_terms, list):
        fail(("terms",), "must be a list of [[terms]] tables")
        raw_terms = []
    for n, raw in enumerate(raw_terms):
        where = ("terms", n)
        try:
            if not isinstance(raw, dict) or set(raw) != {"term", "definition"}:
                raise fail(where, "must have exactly term and definition")
            term = Term(text(raw["term"], (*where, "term")), text(raw["definition"], (*where, "definition")))
            # The glossary marks a term where it stands in the text: one that is not
            # there (a typo) would be marked nowhere.
            if term.term.casefold() not in english:
                raise fail((*where, "term"), f"{term.term!r} is not in the leaflet's text")
            if term.id in {t.id for t in terms}:
                raise fail((*where, "term"), f"{term.term!r} is listed twice: terms must be unique")
            terms.append(term)
        except _Skip:
            pass
    intro = data.get("teach_back_intro")
    try:
        intro = text(intro, ("teach_back_intro",)) if intro is not None else None
    except _Skip:
        pass
    if problems:
        raise ContentError(source, problems)
    return Leaflet(slug, title, tuple(sections), tuple(terms), intro)


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


@dataclass(frozen=True)
class LeftOut:
    """A leaflet file the kiosk does not serve, and why: every problem found in it, each
    with its line and column (as `kiosk leaflet check` gives them), first problem first."""

    source: str
    problems: tuple[Problem, ...]

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def __str__(self) -> str:
        """The one line a log or a status gives: file:line:column: what is wrong."""
        return f"{self.source}:{self.first.line}:{self.first.column}: {self.first.message}"

    @classmethod
    def of(cls, error: ContentError) -> LeftOut:
        text = None
        located = []
        for problem in error.problems:
            if problem.line is None:
                if text is None:
                    try:
                        text = Path(error.source).read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        text = ""
                problem = Problem(problem.where, problem.message, *locate(text, problem.where))
            located.append(problem)
        located.sort(key=lambda problem: (problem.line, problem.column))
        return cls(error.source, tuple(located))


def load_leaflets(folder: Path) -> tuple[dict[str, Leaflet], list[LeftOut]]:
    """Every leaflet in `folder` that can be served, by slug, in file-name order, and every
    file left out, with why. A bad file is left out so that one clinic's typo does not take
    every other leaflet off the screen; only when none can be served (the folder missing or
    empty, or every file bad) is it the ContentError of the first, and the kiosk does not start."""
    if not Path(folder).is_dir():
        raise ContentError(str(folder), "the leaflets folder does not exist")
    paths = sorted(Path(folder).glob("*.toml"))
    if not paths:
        raise ContentError(str(folder), "no leaflet files (*.toml) found")
    return load_leaflet_files(paths)


def load_leaflet_files(paths: list[Path]) -> tuple[dict[str, Leaflet], list[LeftOut]]:
    """The leaflets of `paths` that can be served, by slug in their order, and the files left
    out: a bad file, or a second file with a slug already served (in two folders, say: both
    would claim the same page addresses and catalogs). ContentError when none can be served."""
    served: dict[str, Leaflet] = {}
    sources: dict[str, Path] = {}
    left_out: list[LeftOut] = []
    first_error = None
    for path in paths:
        try:
            leaflet = load_leaflet(path)
        except ContentError as error:
            first_error = first_error or error
            left_out.append(LeftOut.of(error))
            continue
        if leaflet.slug in sources:
            taken = (f"the slug {leaflet.slug!r} (the file's name) is taken already by {sources[leaflet.slug]}, "
                     "which is served: rename one of the two files")
            left_out.append(LeftOut(str(path), (Problem((), taken, 1, 1),)))
            continue
        served[leaflet.slug] = leaflet
        sources[leaflet.slug] = path
    if not served:
        assert first_error is not None  # paths is never empty here
        raise NothingToServe(first_error, len(paths)) from first_error
    return served, left_out
