"""/healthz: what the clinic's IT person and staff need to know at a glance."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .i18n import KNOWN_LOCALES, SOURCE_LOCALE
from .provenance import provenance_of

bp = Blueprint("status", __name__)


def language_status() -> list[dict]:
    speech = current_app.extensions["speech"]
    rows = []
    for tag, locale in KNOWN_LOCALES.items():
        row = {"tag": tag, "name": locale.get_display_name("en"), "voice": speech.voice_for(tag)}
        if tag == SOURCE_LOCALE:
            row["source"] = True
        else:
            row.update(provenance_of(tag).as_dict())
        rows.append(row)
    return rows


@bp.get("/healthz")
def healthz():
    """Status for staff and IT: languages, their review state, and voices."""
    languages = language_status()
    unreviewed = [row["tag"] for row in languages if not row.get("source") and not row["reviewed"]]
    warnings = []
    if unreviewed:
        warnings.append(
            "Not yet reviewed by a qualified medical translator: " + ", ".join(unreviewed)
        )
    incomplete = [row["tag"] for row in languages if not row.get("source") and row["translated"] < row["total"]]
    if incomplete:
        warnings.append("Partly shown in English (translation incomplete): " + ", ".join(incomplete))
    return jsonify(
        status="ok",
        leaflets=sorted(current_app.extensions["leaflets"]),
        languages=languages,
        warnings=warnings,
    )


def init_app(app) -> None:
    app.register_blueprint(bp)
