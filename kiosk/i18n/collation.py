"""Alphabetical order for patients: the Unicode Collation Algorithm (pyuca, its default table).

Python's sorted() orders by code point: "Żywienie" after "Zęby" and every word, capitals
first, and Urdu's پ after all of Arabic's letters. The UCA orders as a reader expects in
every script the kiosk shows (accents and case second, then ties). It is the root order,
not each language's own: Spanish's ñ sorts as an n with a tilde, and Chinese by the Han
characters' order in the table, not by pinyin. PyICU would tailor it per language, but
builds against ICU's C++ headers at install time (and not at all on a Windows kiosk PC);
pyuca is pure Python with its table in the wheel.
"""

from __future__ import annotations

from functools import cache

import pyuca


@cache
def _collator() -> pyuca.Collator:
    # Reading its table takes about a second: once per process, on the first list to sort,
    # never at start-up (a kiosk with one leaflet never sorts).
    return pyuca.Collator()


def sort_key(text: str) -> tuple:
    """A key that sorts texts alphabetically; ties broken by the text itself, so the order
    is always the same."""
    return (_collator().sort_key(text), text)
