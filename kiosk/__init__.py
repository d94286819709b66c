"""The waiting-room leaflet kiosk: an offline, accessible, multilingual
reader for patient leaflets."""

from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

# templates/, static/, translations/, leaflets/, lexicons/, node_modules/ and build/fonts/ sit
# at the repository root, beside the package, as the product layout asks. An installed wheel
# carries them inside the package, in kiosk/_data/ (setup.py), since site-packages has no
# "beside": the parent of the package there is every other package's folder too.
_DATA = Path(__file__).resolve().parent / "_data"
ROOT = _DATA if _DATA.is_dir() else Path(__file__).resolve().parent.parent



def create_app(
    test_config: dict | None = None, instance_path: str | None = None, *, command: dict | None = None,
    speech_executor=None,
) -> Flask:
    """Build the kiosk app; `test_config` overrides the defaults and instance config.

    `command` holds a command's own options (kiosk prerender --workers), which win over
    the site's settings for that run only. `speech_executor` replaces the speech worker
    process (tests pass a ThreadExecutor with a fake engine): the rest is the app that ships."""
    # Imported here, not at the top: a speech worker imports this package too (for
    # kiosk.speech), and needs none of Flask or the views, which took it half its start-up
    # while the first page waited for its voices (issue 18).
    from flask import Flask

    from . import ask_staff, cli, counts, fonts, i18n, review, speech, staff, state, status, store
    from .jobs import crawl, reload_content, render_audio
    from .patient import idle, phrases, read_aloud, understanding, views
    from .web import compiled_templates, errors, headers, limits, page_cache, proxy, vendor
    from .web.turns import TURNS

    app = Flask(
        __name__,
        # The instance folder holds the site's settings, PIN hash and audio cache; a
        # service may put it elsewhere (e.g. /var/lib/kiosk) with KIOSK_INSTANCE_PATH.
        instance_path=instance_path or os.environ.get("KIOSK_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        LEAFLETS_DIR=str(ROOT / "leaflets"),
        NODE_MODULES=str(ROOT / "node_modules"),
        # The Chinese and Korean faces cut to the catalogs' characters by `kiosk catalog
        # compile` (kiosk/fonts/__init__.py), like the .mo files a set-up product, never committed.
        FONT_SUBSETS_DIR=str(ROOT / "build" / "fonts"),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE=i18n.SOURCE_LOCALE,
        # The public address where these same pages are served, for the QR
        # code that takes a leaflet home (e.g. https://clinic.example).
        PUBLIC_URL=None,
        # The names this kiosk is reached by, on any port; a request with any
        # other Host is refused (kiosk/web/limits.py).
        TRUSTED_HOSTS=list(limits.LOOPBACK),
        # No uploads: the largest body the kiosk takes is a small staff form.
        MAX_CONTENT_LENGTH=64 * 1024,
        # The session cookie is the staff screen's only (kiosk/staff/access.py):
        # never sent with a request that another site starts.
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_HTTPONLY=True,
        # How many proxies stand in front of the kiosk (kiosk/web/proxy.py). Set it only when
        # one really does: its X-Forwarded-For and -Proto are then believed, and cookies are
        # Secure over HTTPS. With none, anyone could forge their address with that header.
        PROXY_COUNT=0,
        # Flask-WTF checks the Referer of every HTTPS form against the host, but the kiosk
        # sends no referrer (Referrer-Policy: no-referrer, kiosk/web/headers.py), so behind a
        # TLS proxy every staff form would be refused. The token in the signed session and the
        # SameSite=Strict cookie already keep out forms from other sites.
        WTF_CSRF_SSL_STRICT=False,
        # "Ask staff about this" (kiosk/ask_staff/); kiosk export turns it off, as no server hears it there.
        ASK_STAFF=True,
        # How often the staff screen asks for new questions (kiosk/ask_staff/board.py): within 2 s.
        QUESTIONS_POLL_SECONDS=1,
    )
    if test_config is None:
        # Site settings (for example another leaflets folder) live in the
        # instance folder, outside the repository.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("KIOSK")
    else:
        app.config.from_mapping(test_config)
    app.config.from_mapping(command or {})
    os.makedirs(app.instance_path, exist_ok=True)
    state.attach(app)  # first: every init_app below sets its own part of it

    proxy.init_app(app)
    limits.init_app(app)
    headers.init_app(app)
    store.init_app(app)  # before anything that keeps what must survive a restart
    reload_content.read_leaflets(app)  # the one way leaflets are read, at start-up and on staff's reload
    compiled_templates.init_app(app)
    i18n.init_app(app)
    review.init_app(app)  # after i18n.init_app: the domains it serves
    idle.init_app(app)
    vendor.init_app(app)
    fonts.init_app(app)  # after i18n.init_app: it reads the catalogs
    # How requests share the process (kiosk.web.turns), handed to the layers that wait: a wait that
    # uses no CPU here gives the request's turn back, and the crawl of every page takes turns.
    speech.init_app(app, executor=speech_executor, off_cpu=TURNS.given_back)
    phrases.init_app(app)
    read_aloud.init_app(app)
    understanding.init_app(app)
    crawl.init_app(app, off_cpu=TURNS.given_back, turn=TURNS.background)
    render_audio.init_app(app, spare_turn=TURNS.spare)
    views.init_app(app)
    page_cache.init_app(app)  # after headers.init_app: see page_cache.init_app
    status.init_app(app)
    staff.init_app(app)
    ask_staff.init_app(app)  # after staff.init_app: it exempts its routes from CSRFProtect
    counts.init_app(app)  # after staff.init_app, as ask_staff
    errors.init_app(app)
    cli.init_app(app)
    return app
