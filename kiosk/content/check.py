"""`kiosk leaflet check`: every problem of a leaflet file, each at its line and column, as a
content editor's editor shows a compiler's messages; then how hard each section is to read.

The loader (kiosk/content/__init__.py) knows what is wrong and where in the data
(("sections", 2, "blocks", 0, "paragraph")); tomllib keeps no positions, so `locate` finds
that place in the file's text by walking its table headers ([[sections]],
[[sections.blocks]], [sections.teach_back], [[terms]]) and keys, the layout docs/leaflets.md
describes. A place it cannot find (an inline table, say) is given at its nearest enclosing
one, never not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from . import ContentError, load_leaflet
from .figures import FIGURES
from .readability import measure, sentences_of

# Plain-language targets for the clinic's own text (the kiosk's summaries aim lower, grade 6).
MOST_GRADE = 8
MOST_WORDS = 20

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_-]+)\s*=\s*(.*)$")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    column: int
    level: str  # "error", "warning" or "note"
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}"


def places(source: str) -> dict[tuple, tuple[int, int]]:
    """Every table, key and array element of a leaflet file, by its path: (line, column), 1-based."""
    found: dict[tuple, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    table: tuple = ()
    array: tuple | None = None  # the path of a multi-line array being read
    index = 0  # and the index of its next element
    in_text = False  # inside a multi-line string ("""), where nothing is a key
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if in_text:
            in_text = stripped.count('"""') % 2 == 0
            continue
        if array is not None:
            if stripped.startswith(('"', "'")):
                found[(*array, index)] = (number, len(line) - len(line.lstrip()) + 1)
                index += 1
            if stripped.endswith(("]", "],")):
                array = None
            continue
        header = _HEADER.match(line)
        if header:
            name = header[2]
            if header[1] == "[[":
                counts[name] = counts.get(name, -1) + 1
                for other in [other for other in counts if other.startswith(name + ".")]:
                    del counts[other]
            table = _table_path(name, counts, header[1] == "[[")
            found.setdefault(table, (number, header.start(1) + 1))
            continue
        key = _KEY.match(line)
        if key:
            path = (*table, key[2])
            found.setdefault(path, (number, len(key[1]) + 1))
            value = key[3].strip()
            if value.startswith('"""') and value.count('"""') == 1:
                in_text = True
            elif value.startswith("[") and not value.endswith(("]", "],")):
                array, index = path, 0
    return found


def _table_path(name: str, counts: dict[str, int], is_array: bool) -> tuple:
    """sections.blocks, with the counts so far, as ("sections", 2, "blocks", 0)."""
    path: list = []
    parts = name.split(".")
    for n in range(len(parts)):
        dotted = ".".join(parts[: n + 1])
        path.append(parts[n])
        if dotted in counts and (n < len(parts) - 1 or is_array):
            path.append(counts[dotted])
    return tuple(path)


def locate(source: str, where: tuple) -> tuple[int, int]:
    """The line and column of `where`, or of the nearest place that holds it (1, 1 for the file)."""
    found = places(source)
    for end in range(len(where), 0, -1):
        if where[:end] in found:
            return found[where[:end]]
    return (1, 1)


def check_file(path: Path) -> list[Finding]:
    """What is wrong with one leaflet file, and, when nothing is, how readable each section is."""
    source = path.read_text(encoding="utf-8")
    try:
        leaflet = load_leaflet(path)
    except ContentError as error:
        found = [
            Finding(path, *((p.line, p.column) if p.line is not None else locate(source, p.where)), "error", p.message)
            for p in error.problems
        ]
        return sorted(found, key=lambda finding: (finding.line, finding.column))
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

