"""Babel extractor for leaflet files (registered as `leaflet` in pyproject).

It yields every heading, paragraph, lead-in and list item as one message, the
way Sphinx's gettext builder does, so `pybabel extract` merges identical texts
and lists all their locations. Then the kiosk's plain-language help: each
section's summary and teach-back, and each hard word with its definition, with
comments that tell the translator what each message is for.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from . import ANSWER_CONTEXT, TERM_CONTEXT, parse_leaflet

HELP = "The kiosk's plain-language help, not the clinic's words"
# What the translator of a message in TERM_CONTEXT or ANSWER_CONTEXT must do:
# both are found again in the translated text by the kiosk, and a test checks it.
TERM_NOTE = (
    "Write this word exactly as it appears in YOUR translation of the leaflet's "
    "paragraphs and lists, so the kiosk can find and mark it there. First the form "
    "to show in the word list; then, separated by \" | \", every other form it takes "
    "in your text (plural, case). Where your text does not use it, translate it plainly."
)
ANSWER_NOTE = (
    "Copy, word for word, the sentence of YOUR translation of this section that says "
    "this: the kiosk finds it there to show and read it to the patient."
)
# The "function" of a message with a context: Babel's default keyword spec for
# pgettext takes the context from the first of the two texts.
PGETTEXT = "pgettext"


def _line_finder(source: str):
    """Map a message to the line of the file that holds it.

    tomllib gives no positions, so look the text up in the file; searching on
    from the previous hit keeps repeated texts at their own lines. A message
    re-wrapped over several lines is found by its first four words.
    """
    # Comment lines are blanked so a text quoted in a comment is not its home.
    lines = ["" if line.lstrip().startswith("#") else line for line in source.splitlines()]
    position = 0

    def find(message: str) -> int:
        nonlocal position
        probe = " ".join(message.split()[:4])
        for start in (position, 0):
            for index in range(start, len(lines)):
                if probe in " ".join(lines[index].split()):
                    position = index
                    return index + 1
        return 1

    return find


def extract_leaflet(fileobj, keywords, comment_tags, options):
    """Yield (lineno, funcname, message, comments) for each text of a leaflet."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    slug = Path(getattr(fileobj, "name", "leaflet.toml")).stem
    leaflet = parse_leaflet(tomllib.loads(source), slug, getattr(fileobj, "name", slug))
    line_of = _line_finder(source)
    yield line_of(leaflet.title), None, leaflet.title, [f"Leaflet title ({slug})"]
    for section in leaflet.sections:
        where = f"{slug} / {section.slug}"
        yield line_of(section.heading), None, section.heading, [f"Section heading ({where})"]
        for block in section.blocks:
            for message in block.messages():
                note = f"{block.kind.capitalize()} ({where})"
                yield line_of(message), None, message, [note]
        if section.summary:
            note = f"{HELP}: \"In short\", an easy-read summary of the section, in very plain words ({where})"
            yield line_of(section.summary), None, section.summary, [note]
        if check := section.teach_back:
            note = f"{HELP}: a question to check that the section was explained well ({where})"
            yield line_of(check.question), None, check.question, [note]
            for n, answer in enumerate(check.answers):
                kind = "the right answer" if n == check.right else "a wrong answer"
                yield line_of(answer), None, answer, [f"{HELP}: {kind} to \"{check.question}\" ({where})"]
            yield line_of(check.answer_sentence), PGETTEXT, (ANSWER_CONTEXT, check.answer_sentence), [
                f"{HELP}: {ANSWER_NOTE} ({where})"
            ]
    if leaflet.teach_back_intro:
        note = f"{HELP}: said before each question that checks what the patient understood ({slug})"
        yield line_of(leaflet.teach_back_intro), None, leaflet.teach_back_intro, [note]
    for term in leaflet.terms:
        where = f"{slug} / {term.id}"
        yield line_of(term.term), PGETTEXT, (TERM_CONTEXT, term.term), [f"{HELP}: a hard word. {TERM_NOTE} ({where})"]
        note = f"{HELP}: the plain meaning of the hard word \"{term.term}\", in one or two short sentences ({where})"
        yield line_of(term.definition), None, term.definition, [note]
