"""/healthz: what the clinic's IT person and staff need to know at a glance."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .i18n import KNOWN_LOCALES, SOURCE_LOCALE
from .i18n.provenance import provenance_of

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
    """Status for staff and IT: languages, their review state, voices, and whether audio works."""
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
    # Pages still draw every character then, but fetch several times the bytes.
    warnings += current_app.extensions["fonts"].problems
    # After language_status(): asking for voices starts the engine, so a
    # worker that cannot start shows up here at once.
    speech = current_app.extensions["speech"].status()
    if not speech["ok"]:
        warnings.append(f"Audio is not working: {speech['detail']}")
    response = jsonify(
        # A monitor watches the status code: 503 when patients get no audio.
        status="ok" if speech["ok"] else "degraded",
        speech=speech,
        leaflets=sorted(current_app.extensions["leaflets"]),
        languages=languages,
        warnings=warnings,
    )
    response.status_code = 200 if speech["ok"] else 503
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
