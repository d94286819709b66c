"""The staff screen at /staff, behind a PIN: how each language, voice and
clip stands, the speech worker's state, re-rendering missing audio, the
kiosk's settings, and any leaflet beside English.

pin.py        the PIN's slow hash in the instance folder (`kiosk set-pin`)
access.py     the staff session: kept in the instance store, 5 idle minutes, ends on any patient page
settings.py   default language, idle time and each language's voice, in instance/settings.json
voices.py     each language's voice: eSpeak NG or a Piper voice, its licence and a sample
bilingual.py  a leaflet paragraph by paragraph in two languages
pronunciation.py  pronunciation entries per language: preview, save, import and export (PLS); its own
              blueprint (the lexicon files themselves are kiosk/speech/lexicon.py's)
pronunciation_trial.py  the clips an entry would make, tried before it is saved
review.py     the review screen: clinicians and medical translators approve texts, or ask for changes
views.py      the pages

The questions board is ask staff's (kiosk/ask_staff/board.py).
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from ..i18n import KNOWN_LOCALES, SOURCE_LOCALE
from . import access, pronunciation, review, settings, views, voices
from ..state import app_state

# Every form is the staff's; patient pages are all GET, which CSRFProtect
# leaves alone.
csrf = CSRFProtect()


def english_on_staff_pages(endpoint=None, values=None) -> None:
    """The staff screen is in English, and so is any error page under it
    (a 404 at /staff/xx/leaflet/), whatever the kiosk's default language."""
    if request.path == "/staff" or request.path.startswith("/staff/"):
        g.locale = KNOWN_LOCALES[SOURCE_LOCALE]


def init_app(app: Flask) -> None:
    access.init_app(app)
    csrf.init_app(app)
    # Log out works without a valid token: a stale Log out (its session ended
    # in another tab) must still leave, never fail on a shared kiosk. Nothing
    # is lost: the session cookie is SameSite=Strict, so another site's form
    # cannot send it, and all a forged Log out could do is end a session.
    csrf.exempt(views.logout)
    # One limiter per app, in memory: PIN tries are counted by this process
    # only, which is all a kiosk has. No default limits: only the PIN form is
    # limited, in views.login.
    app_state(app).staff_limiter = Limiter(
        get_remote_address, app=app, storage_uri="memory://", strategy="moving-window",
    )
    settings.init_app(app)
    # Before the patient pages' own preprocessor, which answers /staff/a/b
    # (a "section" in a language called "staff") with a 404 (see access.init_app).
    app.url_value_preprocessor(english_on_staff_pages)
    views.init_app(app)
    pronunciation.init_app(app)
    voices.init_app(app)
    review.init_app(app)
