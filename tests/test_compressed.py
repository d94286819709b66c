"""Stylesheets and scripts go gzipped to a browser that accepts it, and byte for byte the same inside."""

from __future__ import annotations

import gzip

import pytest

ASSETS = [
    "/vendor/@fontsource/noto-sans-sc/400.css",
    "/vendor/htmx.org/dist/htmx.min.js",
    "/static/kiosk.css",
    "/static/player.js",
    "/static/favicon.svg",
]


@pytest.mark.parametrize("url", ASSETS)
def test_text_assets_are_gzipped_when_accepted(client, url):
    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert packed.status_code == 200 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.mimetype == plain.mimetype
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == plain.headers["Cache-Control"]
    again = client.get(url, headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    plain.close()


def test_the_font_stylesheets_shrink_to_a_fraction(client):
    plain = client.get("/vendor/@fontsource/noto-sans-sc/400.css")
    packed = client.get("/vendor/@fontsource/noto-sans-sc/400.css", headers={"Accept-Encoding": "gzip"})
    assert len(packed.get_data()) < len(plain.get_data()) / 3
    plain.close()


@pytest.mark.parametrize("url", ["/vendor/@fontsource/atkinson-hyperlegible/files/atkinson-hyperlegible-latin-400-normal.woff2"])
def test_fonts_and_clips_are_sent_as_they_are(client, url):
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    response.close()


@pytest.mark.parametrize("url", ["/vendor/htmx.org/../axe-core/axe.min.js", "/static/../pyproject.toml",
                                 "/static/no-such.css", "/static/%2e%2e/kiosk/__init__.py"])
def test_nothing_outside_is_reached_through_the_gzip_path(client, url):
    assert client.get(url, headers={"Accept-Encoding": "gzip"}).status_code == 404
