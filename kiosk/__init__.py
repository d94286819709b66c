"""The waiting-room leaflet kiosk: an offline, accessible, multilingual
reader for patient leaflets."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from . import assets, errors, guide, i18n, idle, read_aloud, speech, status, views
from .content import load_leaflets

# templates/, static/, translations/ and leaflets/ sit at the repository root,
# beside the package, as the product layout asks.
ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the kiosk app; `test_config` overrides the defaults and instance config."""
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        LEAFLETS_DIR=str(ROOT / "leaflets"),
        NODE_MODULES=str(ROOT / "node_modules"),
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
        BABEL_DEFAULT_LOCALE=i18n.SOURCE_LOCALE,
        # The public address where these same pages are served, for the QR
        # code that takes a leaflet home (e.g. https://clinic.example).
        PUBLIC_URL=None,
    )
    if test_config is None:
        # Site settings (for example another leaflets folder) live in the
        # instance folder, outside the repository.
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("KIOSK")
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    app.extensions["leaflets"] = load_leaflets(Path(app.config["LEAFLETS_DIR"]))
    i18n.init_app(app)
    idle.init_app(app)
    assets.init_app(app)
    speech.init_app(app)
    guide.init_app(app)
    read_aloud.init_app(app)
    views.init_app(app)
    status.init_app(app)
    errors.init_app(app)
    return app
