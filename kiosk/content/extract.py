"""Babel extractor for leaflet files (registered as `leaflet` in pyproject).

It yields every heading, paragraph, lead-in and list item as one message, the
way Sphinx's gettext builder does, so `pybabel extract` merges identical texts
and lists all their locations.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from . import parse_leaflet


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
