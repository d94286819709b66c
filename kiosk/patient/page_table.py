"""The one page table: every kind of page a patient can reach, its URL rule, the page one
level up (the kiosk's own Back), and whether it is kept in the page cache.

The views take their rules from here, and the crawl (prerender, export, the tests' every
page), the page cache, `up_url` and the staff session's "is this a patient's page" read it.
They were written in four places, by hand (issue 30): a new kind of page now goes here once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..content import Leaflet


@dataclass(frozen=True)
class PageKind:
    endpoint: str
    rule: str  # its URL rule; <lang>, <leaflet> and <section> are the page table's to fill
    up: str | None  # the endpoint one level up, None on the start screen
    cached: bool = True  # the same for every patient: it depends only on its URL and the settings
    of: Callable[[Leaflet], bool] = lambda leaflet: True  # which leaflets have such a page


START = PageKind("start.choose_language", "/", up=None)
LEAFLETS = PageKind("pages.leaflet_list", "/<lang>/", up=START.endpoint)
OVERVIEW = PageKind("pages.overview", "/<lang>/<leaflet>/", up=LEAFLETS.endpoint)
SECTION = PageKind("pages.section", "/<lang>/<leaflet>/<section>", up=OVERVIEW.endpoint)
PRINTABLE = PageKind("pages.printable", "/<lang>/<leaflet>/print", up=OVERVIEW.endpoint)
WORDS = PageKind("pages.words", "/<lang>/<leaflet>/words", up=OVERVIEW.endpoint, of=lambda leaflet: bool(leaflet.terms))

# In the order the crawl walks them: each language's pages, each leaflet's in turn.
PAGES = (START, LEAFLETS, OVERVIEW, SECTION, PRINTABLE, WORDS)
BY_ENDPOINT = {kind.endpoint: kind for kind in PAGES}
CACHED = frozenset(kind.endpoint for kind in PAGES if kind.cached)

# The kiosk's own files that its pages load, under these paths; never a page.
FILE_PATHS = ("/static", "/vendor", "/fonts", "/audio")

_FIELD = re.compile(r"<(?:\w+:)?(\w+)>")


def fields_of(kind: PageKind) -> set[str]:
    """The values its rule names, e.g. {"lang", "leaflet"}."""
    return set(_FIELD.findall(kind.rule))


def path_of(kind: PageKind, **values: str) -> str:
    """The path of one page of `kind`, e.g. path_of(SECTION, lang="es", leaflet=..., section=...)."""
    return _FIELD.sub(lambda field: values[field.group(1)], kind.rule)


def every_path(leaflets: Mapping[str, Leaflet], tags: Iterable[str]) -> list[str]:
    """Every page a patient can reach with these leaflets, in the languages `tags`."""
    fields = {kind: fields_of(kind) for kind in PAGES}
    paths = [kind.rule for kind in PAGES if not fields[kind]]
    for tag in tags:
        paths += [path_of(kind, lang=tag) for kind in PAGES if fields[kind] == {"lang"}]
        for leaflet in leaflets.values():
            for kind in PAGES:
                if "leaflet" not in fields[kind] or not kind.of(leaflet):
                    continue
                if "section" in fields[kind]:
                    paths += [path_of(kind, lang=tag, leaflet=leaflet.slug, section=part.slug)
                              for part in leaflet.sections]
                else:
                    paths.append(path_of(kind, lang=tag, leaflet=leaflet.slug))
    return paths
