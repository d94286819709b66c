"""The kiosk's state on a Flask app: one typed object, read through `app_state(app)`.

It was 17 string keys of `app.extensions`, looked up some 80 times, with two writers for one
of them (issue 30). Now each part has one owner, named beside it, which sets it once in its
`init_app` (in create_app's order) or replaces it as a whole when staff change something.
Reading a part before its owner set it raises AttributeError: a wrong order shows at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from flask import Flask, current_app

if TYPE_CHECKING:  # not imported at run time: a speech worker imports the package, not Flask's parts
    from flask_limiter import Limiter

    from .ask_staff.questions import Questions
    from .content import Leaflet, LeftOut
    from .counts.tally import Tally
    from .fonts import Fonts
    from .jobs.crawl import Crawl
    from .jobs.render_audio import BackgroundRender
    from .patient.idle import Idle
    from .review import Reviews
    from .speech import Speech
    from .staff.settings import Settings
    from .store import Store
    from .web.page_cache import PageCache

KEY = "kiosk"


class KioskState:
    """What one kiosk app holds, with the module that owns each part."""

    leaflets: Mapping[str, Leaflet]  # create_app, from LEAFLETS_DIR: the ones that can be served
    leaflets_left_out: list[LeftOut]  # create_app: the files of LEAFLETS_DIR not served, and why
    store: Store  # store.init_app: the instance store (SQLite)
    questions: Questions  # ask_staff.questions.init_app
    tally: Tally  # counts.tally.init_app: the anonymous counts of what patients understood
    speech: Speech  # speech.init_app, or create_app's speech_executor for tests
    crawl: Crawl  # jobs.crawl.init_app: the crawl of every page (which registers every clip)
    background_render: BackgroundRender  # jobs.render_audio.init_app: the missing audio, made in the background
    page_cache: PageCache  # web.page_cache.init_app
    reviews: Reviews  # review.init_app: the clinic's verdicts on every message, beside the catalogs
    fonts: Fonts  # fonts.init_app
    trusted_hosts: frozenset[str] | None  # web.limits.init_app
    staff_limiter: Limiter  # staff.init_app: wrong PINs
    # staff.settings.apply, and only it: the saved settings over the configured ones. (Once
    # idle.init_app wrote `idle` too, and only create_app's order kept what staff saved.)
    settings: Settings
    idle: Idle  # the settings' idle time, or the configured one, with the configured warning
    settings_ignored: str | None  # staff.settings: why settings.json was not used

    def __init__(self) -> None:
        # Worked out from the content when first asked for, once per app (their modules say why).
        self.readability: dict | None = None  # content.readability
        self.provenance: dict = {}  # i18n.provenance: per language
        self.interface_incomplete: dict = {}  # i18n: per language, only-reviewed setting and reviews' revision
        self.take_home: dict = {"codes": {}}  # patient.take_home: QR codes per address

    @property
    def default_language(self) -> str:
        """The language of a page with none in its URL: the staff's choice, from the settings."""
        return self.settings.default_language


def attach(app: Flask) -> KioskState:
    """Give `app` its state (create_app, first)."""
    state = app.extensions[KEY] = KioskState()
    return state


def app_state(app: Flask | None = None) -> KioskState:
    """The state of `app`, or of the app handling this request."""
    return (app or current_app).extensions[KEY]
