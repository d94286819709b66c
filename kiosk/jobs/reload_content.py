"""Staff's "Reload content": the leaflets and their catalogs read again from disk, without a
restart (issue 31). A clinic adds, corrects or retires a leaflet file, or compiles a new
translation, and presses the button on the staff screen.

The same rules as at start-up (create_app): a bad file is left out and named, the others are
served. Only when no file at all can be served is nothing changed: the kiosk goes on serving
what it served, and staff are told the first problem. Then, as a pronunciation change does
(speech.service.lexicons_changed): every kept page is dropped, since any of them may show the
change (the leaflet list shows every title), and the background render crawls every page again,
which keeps each page anew and registers the new texts' clips, and then makes the missing
clips, with the staff screen's progress bar. Until a page is rendered again it is rendered on
its first visit, from the new content: no patient is shown a page of the old content beside
one of the new.

Not reloaded: the fonts cut to the catalogs' characters. `kiosk catalog compile` cuts them, and
a translation with characters they lack is named on the staff screen until a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from ..content import ContentError, LeftOut, load_leaflets
from .. import review
from ..i18n import use_catalogs
from ..state import app_state

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reloaded:
    """What a reload did: the leaflets served now, those added and removed, the files left out;
    or, when nothing could be served, `refused` (the first problem), and nothing changed."""

    served: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    left_out: tuple[LeftOut, ...] = ()
    refused: str | None = None


def read_leaflets(app: Flask) -> None:
    """Serve the leaflets of LEAFLETS_DIR (create_app, and each reload), each file that cannot
    be served left out with one line in the log. ContentError when none can be served."""
    state = app_state(app)
    state.leaflets, state.leaflets_left_out = load_leaflets(Path(app.config["LEAFLETS_DIR"]))
    for left_out in state.leaflets_left_out:
        # At start-up, before `kiosk serve` sets up logging: Python's last-resort handler gives IT
        # the bare line on standard error, as a compiler would; the staff screen and /healthz say it too.
        log.warning("%s (this leaflet is left out, the others are served; "
                    "kiosk leaflet check %s lists every problem)", left_out, left_out.source)


def reload_content(app: Flask) -> Reloaded:
    """Read the leaflets and catalogs again, drop every kept page, and render again in the background."""
    state = app_state(app)
    before = set(state.leaflets)
    kept = state.leaflets, state.leaflets_left_out
    try:
        read_leaflets(app)
    except ContentError as error:
        state.leaflets, state.leaflets_left_out = kept
        return Reloaded(served=tuple(before), refused=str(LeftOut.of(error)))
    use_catalogs(app)
    review.init_app(app)  # the verdicts on the catalogs read now, a new leaflet's among them
    state.readability = None  # content.readability: worked out again for the new texts
    state.take_home = {"codes": {}}  # patient.take_home: a QR code per leaflet address
    state.page_cache.clear()
    state.crawl.forget()
    state.background_render.start_or_again()
    now = set(state.leaflets)
    log.info("content reloaded: %d leaflets served, %d left out", len(now), len(state.leaflets_left_out))
    return Reloaded(served=tuple(state.leaflets), added=tuple(sorted(now - before)),
                    removed=tuple(sorted(before - now)), left_out=tuple(state.leaflets_left_out))
