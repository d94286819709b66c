"""/healthz: what the clinic's IT person and staff need to know at a glance."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify

from . import store
from .i18n import KNOWN_LOCALES, SOURCE_LOCALE, catalogs
from .i18n.provenance import provenance_of
from .jobs.crawl import failed_pages
from .staff import settings
from .state import app_state

bp = Blueprint("status", __name__)


def language_status() -> list[dict]:
    speech = app_state().speech
    rows = []
    for tag, locale in KNOWN_LOCALES.items():
        row = {"tag": tag, "name": locale.get_display_name("en"), "voice": speech.voice_for(tag)}
        if tag == SOURCE_LOCALE:
            row["source"] = True
        else:
            row.update(provenance_of(tag).as_dict())
        rows.append(row)
    return rows


UNCHECKED = object()  # problems(): the caller has not checked the store


def problems(app, store_problem=UNCHECKED) -> list[str]:
    """What is quietly wrong on this kiosk, in plain words with what to do: shown on /healthz and
    on the staff screen. Each of these once went unnoticed: the kiosk kept working, worse.
    `store_problem`: the instance store's check where the caller made it already (it writes to
    the disk, so /healthz makes it once)."""
    found = []
    speech = app_state(app).speech
    for tag, locale in KNOWN_LOCALES.items():
        chosen = speech.registry.chosen(tag)
        if chosen is not None and speech.enabled and speech.engine_known and speech.voice_for(tag) != chosen:
            why = speech.registry.failed(chosen) or "it is not installed any more"
            found.append(f"The voice {chosen} chosen for {locale.get_display_name('en')} is not used: {why}. "
                         f"{locale.get_display_name('en')} speaks with eSpeak NG meanwhile. Replace the voice "
                         "file in the instance's voices/ folder and choose it again, or choose eSpeak NG under Voices.")
    for left_out in app_state(app).leaflets_left_out:
        more = len(left_out.problems) - 1
        found.append(f"The leaflet file {left_out.source} is left out, so patients do not see it: line "
                     f"{left_out.first.line}, column {left_out.first.column}: {left_out.first.message}"
                     + (f" ({more} more problem{'s' if more > 1 else ''})" if more else "")
                     + f". The other leaflets are served. Run `kiosk leaflet check {left_out.source}` for every "
                     "problem, correct the file, then press Reload content (or restart the kiosk).")
    stale = []
    for folder in str(app.config["BABEL_TRANSLATION_DIRECTORIES"]).split(";"):
        stale += [po.parent.parent.name for po in catalogs.stale(Path(folder))]
    if stale:
        names = ", ".join(
            KNOWN_LOCALES[tag].get_display_name("en") for tag in KNOWN_LOCALES if str(KNOWN_LOCALES[tag]) in stale
        ) or ", ".join(stale)
        found.append(f"Translations edited but not compiled ({names}): patients still see the earlier text. "
                     "Run `kiosk catalog compile`, then press Reload content (or restart the kiosk).")
    speech = app_state(app).speech
    fallback = speech.cache.fallback
    if fallback:
        found.append(f"Audio cannot be saved in {speech.cache_dir}: clips go to {fallback} for now and are lost "
                     "at every restart. Make that folder writable by the kiosk's user, or free disk space.")
    kept = store.get(app).check() if store_problem is UNCHECKED else store_problem
    if kept:
        found.append(f"Patients' questions for staff and staff log-ins cannot be kept ({kept}). Patients who ask "
                     "are told to ask at the reception desk instead. Make the instance folder writable by the "
                     "kiosk's user, or free disk space.")
    failed = failed_pages(app)
    if failed:
        shown = "; ".join(failed[:5]) + (f"; and {len(failed) - 5} more" if len(failed) > 5 else "")
        found.append(f"{len(failed)} pages could not be rendered, so their audio is not known ({shown}). "
                     "See the kiosk's log for why; the kiosk tries again every minute.")
    for path, why in app_state(app).reviews.unreadable().items():
        found.append(f"A review file cannot be used, so nothing in it counts as reviewed ({why}). "
                     f"Restore {path} from git or correct it, then restart the kiosk.")
    ignored = settings.ignored(app)
    if ignored:
        found.append(f"The staff settings file could not be used, so the default start language and idle time "
                     f"apply ({ignored}). Save the settings on the staff screen to replace the file.")
    return found


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
    warnings += app_state().fonts.problems
    # Checked once: a write to the disk. Patients who ask are sent to the desk when it fails.
    store_problem = store.get().check()
    warnings += problems(current_app, store_problem)
    # After language_status(): asking for voices starts the engine, so a
    # worker that cannot start shows up here at once.
    speech = app_state().speech.status()
    if not speech["ok"]:
        warnings.append(f"Audio is not working: {speech['detail']}")
    # A monitor watches the status code: 503 when patients get no audio, or when no question
    # for staff can be kept (the patient is then sent to the desk, and nobody is told).
    healthy = speech["ok"] and store_problem is None
    response = jsonify(
        status="ok" if healthy else "degraded",
        store={"ok": store_problem is None, "detail": store_problem},
        speech=speech,
        leaflets=sorted(app_state().leaflets),
        # The files not served, each with every problem (the warnings above say the first).
        leaflets_left_out=[
            {"file": left_out.source,
             "problems": [{"line": p.line, "column": p.column, "message": p.message} for p in left_out.problems]}
            for left_out in app_state().leaflets_left_out
        ],
        languages=languages,
        warnings=warnings,
    )
    response.status_code = 200 if healthy else 503
    return response


def init_app(app) -> None:
    app.register_blueprint(bp)
