"""The kiosk served for a browser, as `kiosk serve` serves it."""

import helpers


def serving(app):
    """`app` served with `kiosk serve`'s 8 threads on a free loopback port; yields its base URL."""
    return helpers.serving(app, threads=8)
