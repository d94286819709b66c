"""Take it home: a QR code that opens the leaflet at the clinic's public
address, and the translation's provenance for the printable version.

The codes are the same for every request of an app, so they are made once
and kept in the app's state (kiosk/state.py); provenance is read once per app
by kiosk.i18n.provenance, for /healthz and the print view alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import segno
from flask import current_app, request, url_for
from flask_babel import format_date
from markupsafe import Markup

from ..i18n import current_tag
from ..i18n.provenance import provenance_of
from ..state import app_state

# A phone camera at arm's length needs the code about 4 cm (160 CSS px) wide
# or more; modules of a whole number of pixels keep their edges sharp.
QR_MIN_PX = 184
# The four-module quiet zone the QR standard asks for: without it, scanners
# miss a code printed next to text.
QR_BORDER = 4


@dataclass(frozen=True)
class TakeHome:
    """The public address of a leaflet page and its QR code as inline SVG."""

    address: str
    svg: Markup


def _state() -> dict:
    return app_state().take_home


def public_base() -> str | None:
    """PUBLIC_URL without its trailing slash, or None when it is unset or is
    not an http(s) address (logged once: a code that opens nothing is worse
    than no code)."""
    state = _state()
    if "base" not in state:
        state["base"] = _check_public_url(current_app.config.get("PUBLIC_URL"))
    return state["base"]


def _check_public_url(value) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value.strip()) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        current_app.logger.warning(
            "PUBLIC_URL %r is not an http:// or https:// address (such as https://clinic.example); "
            "no QR code is shown until it is fixed.",
            value,
        )
        return None
    return value.strip().rstrip("/")


def take_home(leaflet) -> TakeHome | None:
    """The public address of this leaflet's contents in this page's language,
    and its QR code; None when no public address is set."""
    base = public_base()
    if base is None:
        return None
    # The path inside the app: PUBLIC_URL is where the kiosk's own / is
    # served, whatever prefix this server runs under.
    path = url_for("pages.overview", leaflet=leaflet.slug, lang=current_tag())
    address = base + path.removeprefix(request.script_root)
    codes = _state()["codes"]
    if address not in codes:
        codes[address] = TakeHome(address, _qr_svg(address))
    return codes[address]


def _qr_svg(address: str) -> Markup:
    code = segno.make(address, error="m", micro=False)
    width, _ = code.symbol_size(border=QR_BORDER)
    # Dark on white, with presentation attributes only (no style attribute,
    # so a strict CSP needs no 'unsafe-inline'). The label is filled in by
    # the template, in the page's language.
    svg = code.svg_inline(
        scale=math.ceil(QR_MIN_PX / width), border=QR_BORDER, dark="#000", light="#fff",
        svgclass="qr-code", lineclass=None,
    )
    return Markup(svg)


def qr_with_label(code: TakeHome, label) -> Markup:
    """The code's <svg> as an image named by `label` for screen readers; a
    label with a `lang` (a Phrase) that is not the page's is marked so."""
    attrs = Markup(' role="img" aria-label="%s"') % str(label)
    lang = getattr(label, "lang", None)
    if lang and lang != current_tag():
        attrs += Markup(' lang="%s"') % lang
    return Markup(str(code.svg).replace("<svg", "<svg" + str(attrs), 1))


def review_date(value: str) -> str:
    """An ISO review date in the page's language ("12 de marzo de 2027");
    anything else as written."""
    try:
        return format_date(date.fromisoformat(value), "long")
    except ValueError:
        return value


def in_english(text: str) -> Markup:
    """A name from a catalog header, which is written in English, marked so."""
    return Markup('<span lang="en" dir="ltr">%s</span>') % text


def template_context() -> dict:
    return {
        "take_home": take_home,
        "qr_with_label": qr_with_label,
        "translation_provenance": provenance_of,
        "review_date": review_date,
        "in_english": in_english,
    }

