"""Checks of a language's catalog: complete, valid, consistent, honest.

`kiosk catalog check` runs them for a translator or a content editor (every problem of every
catalog in one run, before a kiosk is switched over); the test suite holds the shipped
catalogs to them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\([a-z_]+\)s|\{[a-z_]+\}")


def load_catalog(po_path: Path) -> Catalog:
    """Parse a .po file; a malformed one (a translator's stray quote) raises PoFileError with its line,
    where Babel's default would skip the bad lines and carry on as if they were not there."""
    with open(po_path, "rb") as f:
        return read_po(f, abort_invalid=True)


# A line of a string: msgid/msgstr/msgctxt (maybe msgstr[n]) or a continuation, quoted.
STRING_LINE = re.compile(r'^(?:(?:msgid|msgid_plural|msgctxt|msgstr(?:\[\d+\])?)\s+)?"')


def unterminated_strings(po_path: Path) -> list[str]:
    """String lines whose closing quote is missing. Babel drops the line's last character
    instead of failing, so "Reproducir with no closing quote would be shown as "Reproduci"."""
    problems = []
    text = po_path.read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            continue
        stripped = line.rstrip()
        if STRING_LINE.match(stripped) and (len(stripped) < 2 or not _closed(stripped)):
            problems.append(f"line {number}: no closing quote: {stripped!r}")
    return problems


def _closed(line: str) -> bool:
    """Whether the quoted part of `line` ends with an unescaped quote."""
    body = line[line.index('"') + 1 :]
    if not body.endswith('"'):
        return False
    backslashes = len(body[:-1]) - len(body[:-1].rstrip("\\"))
    return backslashes % 2 == 0


def messages(catalog: Catalog):
    """The real messages (not the header), as (msgid, msgstr, fuzzy).

    A plural message (ngettext) has a tuple for each: (singular, plural) and one
    string per plural form of the language; `forms` turns either kind into a tuple."""
    for message in catalog:
        if message.id:
            yield message.id, message.string, message.fuzzy


def forms(value) -> tuple[str, ...]:
    """A msgid or msgstr as a tuple of texts: itself, or each of its plural forms."""
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def is_current(message) -> bool:
    """Whether a catalog's message (or None: not in it) has a translation the kiosk shows:
    every plural form filled in (Babel gives an untranslated plural ("", ""), which is
    truthy), and not fuzzy (compile leaves fuzzy entries out)."""
    return message is not None and all(forms(message.string)) and not message.fuzzy


def incomplete(catalog: Catalog) -> list[str]:
    """Every message that is untranslated or fuzzy, described."""
    problems = []
    for message in catalog:
        if not message.id or is_current(message):
            continue
        if not all(forms(message.string)):
            problems.append(f"untranslated: {message.id!r}")
        else:
            problems.append(f"fuzzy (English changed, re-translate): {message.id!r}")
    return problems


def missing(catalog: Catalog, pot: Catalog) -> list[str]:
    """Every message of the POT that the catalog lacks altogether. A catalog that
    missed a `kiosk catalog update` has no entry for a new text at all, so nothing
    in it is untranslated or fuzzy, yet the page shows that text in English."""
    return [
        f"missing (run `kiosk catalog update`): {message.id!r}"
        for message in pot
        if message.id and catalog.get(message.id, context=message.context) is None
    ]


def translated_of(catalog: Catalog, pot: Catalog) -> tuple[int, int]:
    """(translated, total) counted against the POT, the texts the kiosk shows:
    a message missing from the catalog counts as untranslated, and an entry the
    POT no longer has (obsolete, or for a newer release) does not count."""
    wanted = [message for message in pot if message.id]
    done = sum(1 for m in wanted if is_current(catalog.get(m.id, context=m.context)))
    return done, len(wanted)


def babel_errors(catalog: Catalog) -> list[str]:
    """Babel's own checks (placeholders, plural forms …)."""
    return [f"{m.id!r}: {e}" for m, errors in catalog.check() for e in errors]


def placeholder_errors(catalog: Catalog) -> list[str]:
    """Placeholders must be kept exactly, including the {number}-style ones
    that kiosk.js fills in (Babel's check only knows %-placeholders).

    A plural form may leave out the number, as a language says "one second"
    or, in Arabic, the dual "ثانيتين" (two seconds) in words; it may bring in
    no placeholder of its own."""
    problems = []
    for msgid, msgstr, _ in messages(catalog):
        if isinstance(msgid, str):
            if msgstr and sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr)):
                problems.append(f"placeholders differ: {msgid!r} -> {msgstr!r}")
            continue
        allowed = set(PLACEHOLDER.findall(msgid[-1]))
        for form in forms(msgstr):
            if form and not set(PLACEHOLDER.findall(form)) <= allowed:
                problems.append(f"placeholders differ: {msgid[-1]!r} -> {form!r}")
    return problems


@dataclass(frozen=True)
class Glossary:
    """One language's agreed terms, from translations/<locale>/glossary.toml."""

    terms: tuple[tuple[str, tuple[str, ...]], ...]  # (English term, accepted forms)
    same_as_english: frozenset[str]  # msgids whose right translation is the English text

    @classmethod
    def load(cls, path: Path) -> "Glossary":
        with open(path, "rb") as f:
            data = tomllib.load(f)
        # A key written after a [[term]] table belongs to that term, so a
        # misplaced same_as_english would be silently ignored: refuse it.
        for term in data.get("term", []):
            if set(term) != {"en", "forms"} or not term["forms"]:
                raise ValueError(f"{path}: each [[term]] has exactly `en` and non-empty `forms`: {term}")
        terms = tuple((t["en"], tuple(t["forms"])) for t in data.get("term", []))
        return cls(terms, frozenset(data.get("same_as_english", [])))

    def english(self) -> set[str]:
        return {en for en, _ in self.terms}


def english_term(term: str) -> re.Pattern:
    """`term` as a whole word or phrase, singular or plural, any case."""
    return re.compile(r"\b" + re.escape(term) + r"(?:s|es)?\b", re.IGNORECASE)


def glossary_errors(catalog: Catalog, glossary: Glossary) -> list[str]:
    """Every translation of a message with a glossary term must use that term
    (each plural form of it too)."""
    problems = []
    for en, accepted in glossary.terms:
        pattern = english_term(en)
        for msgid, msgstr, _ in messages(catalog):
            if not pattern.search(" ".join(forms(msgid))):
                continue
            for text in forms(msgstr):
                if text and not any(form.casefold() in text.casefold() for form in accepted):
                    problems.append(f"{en!r} not rendered as {accepted[0]!r} in: {text!r}")
    return problems


def folder_problems(translations: Path, complete: Iterable[str]) -> list[str]:
    """Every problem of every catalog in `translations`, each as "<lang>/LC_MESSAGES/<file>: what".
    Each must be valid; the domains in `complete` (the interface's and the shipped leaflets')
    must also be complete and current. A clinic's leaflet may be partly translated: what is
    missing is shown in English, marked as English."""
    complete = set(complete)
    problems = []
    for po in sorted(Path(translations).glob("*/LC_MESSAGES/*.po")):
        catalog = load_catalog(po)
        glossary = Glossary.load(po.parent.parent / "glossary.toml")
        found = [*unterminated_strings(po), *babel_errors(catalog), *placeholder_errors(catalog),
                 *glossary_errors(catalog, glossary), *english_left(catalog, glossary)]
        if po.stem in complete:
            found += incomplete(catalog)
            template = Path(translations) / f"{po.stem}.pot"
            found += missing(catalog, load_catalog(template))
        problems += [f"{po.relative_to(translations)}: {problem}" for problem in found]
    return problems


def english_left(catalog: Catalog, glossary: Glossary) -> list[str]:
    """Messages left in English, apart from those the glossary says are right so."""
    return [
        f"still English: {msgid!r}"
        for msgid, msgstr, _ in messages(catalog)
        if any(text and text.strip() in {english.strip() for english in forms(msgid)} for text in forms(msgstr))
        and msgid not in glossary.same_as_english
    ]
