"""Where a key path of a leaflet file is in its text: ("sections", 2, "heading") at line 31, column 1.

The loader knows what is wrong and where in the data; tomllib keeps no positions, so `locate`
finds that place in the file's text by walking its table headers ([[sections]],
[[sections.blocks]], [sections.teach_back], [[terms]]) and keys, the layout docs/leaflets.md
describes. A place it cannot find (an inline table, say) is given at its nearest enclosing
one, never not at all. It reads text only, and imports nothing of the content package, so
the loader (a file left out at start-up), `kiosk leaflet check` and kiosk/faults.py all use it.
"""

from __future__ import annotations

import re

_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_KEY = re.compile(r"^(\s*)([A-Za-z0-9_-]+)\s*=\s*(.*)$")


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
