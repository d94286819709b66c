"""`kiosk leaflet check`: every problem of a leaflet file, each at its line and column, as a
content editor's editor shows a compiler's messages; then how hard each section is to read.

The loader (kiosk/content/__init__.py) knows what is wrong and where in the data
(("sections", 2, "blocks", 0, "paragraph")); places.py finds that place in the file's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ContentError, LeftOut, load_leaflet
from .figures import FIGURES
from .places import locate
from .readability import measure, sentences_of

# Plain-language targets for the clinic's own text (the kiosk's summaries aim lower, grade 6).
MOST_GRADE = 8
MOST_WORDS = 20


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    column: int
    level: str  # "error", "warning" or "note"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}"


def check_file(path: Path) -> list[Finding]:
    """What is wrong with one leaflet file, and, when nothing is, how readable each section is."""
    source = path.read_text(encoding="utf-8")
    try:
        leaflet = load_leaflet(path)
    except ContentError as error:
        # As the kiosk gives them when it leaves the file out at start-up.
        return [Finding(path, p.line, p.column, "error", p.message) for p in LeftOut.of(error).problems]
    findings = []
    for n, section in enumerate(leaflet.sections):
        for b, block in enumerate(section.blocks):
            figure = getattr(block, "figure", None)
            if figure is None:
                continue
            labels = FIGURES[figure]
            where = ("sections", n, "blocks", b)
            for i, item in enumerate(block.items):
                if item not in labels:
                    findings.append(Finding(
                        path, *locate(source, (*where, "items", i)), "warning",
                        f"{item!r} is not a place the figure {figure!r} can mark, so it is not drawn "
                        f"(it marks: {', '.join(labels)})",
                    ))
        findings.extend(_readability(path, source, n, section))
    return findings


def _readability(path: Path, source: str, n: int, section) -> list[Finding]:
    sentences = sentences_of(section.messages())
    measured = measure(sentences, "en")
    grade = measured.score("Flesch-Kincaid grade")
    smog = measured.score("SMOG grade")
    words = measured.sentence_length
    at = locate(source, ("sections", n, "heading"))
    findings = [Finding(
        path, *at, "note",
        f"section {section.slug!r}: Flesch-Kincaid grade {grade}, SMOG grade {smog}, {words} words a sentence",
    )]
    if grade > MOST_GRADE or smog > MOST_GRADE:
        findings.append(Finding(
            path, *at, "warning",
            f"section {section.slug!r} reads above grade {MOST_GRADE}: shorter sentences and everyday words "
            "help patients who read poorly",
        ))
    if words > MOST_WORDS:
        findings.append(Finding(
            path, *at, "warning",
            f"section {section.slug!r} has {words} words a sentence on average (aim for {MOST_WORDS} or fewer)",
        ))
    return findings


def leaflet_files(paths: list[Path]) -> list[Path]:
    """The leaflet files named, a folder standing for every *.toml in it."""
    files = []
    for path in paths:
        files.extend(sorted(path.glob("*.toml")) if path.is_dir() else [path])
    return files

