"""What staff may change on the kiosk (the language of the start screen, the
idle time, and each language's voice), kept in instance/settings.json across restarts.

Settings override the site's config (instance/config.py, KIOSK_*) for the
same things; unset, the config stands. The file is read once at start-up
and rewritten whole, atomically, when staff save. A file that cannot be used
(hand-edited, half-copied) is logged and ignored: the kiosk starts with the
defaults rather than not at all.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from flask import Flask

from ..patient import idle
from ..i18n import KNOWN_LOCALES, SOURCE_LOCALE
from ..files import write_atomically
from ..review.signoff import DEFAULT_REVIEW_YEARS
from ..speech.service import choose_voices
from ..state import app_state

log = logging.getLogger(__name__)

FILE_NAME = "settings.json"
# Seconds before the idle warning. Shorter than a minute interrupts a patient
# who is reading; longer than ten leaves a leaflet on screen for the next one.
IDLE_CHOICES = (60, 120, 180, 300, 600)
# Years between a leaflet's reviews that staff may choose.
REVIEW_YEARS_CHOICES = (1, 2, 3)
FIELDS = ("default_language", "idle_seconds", "show_only_reviewed", "review_years")


class SettingsError(ValueError):
    """Settings that cannot be used; `field` names the one at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Settings:
    # The language of pages with none in their URL: the start screen, and a
    # 404 at /no/such/page.
    default_language: str = SOURCE_LOCALE
    # Seconds before the idle warning; None keeps IDLE_SECONDS from the config.
    idle_seconds: int | None = None
    # Show a translation only once a medical translator approved it (kiosk/review): the rest
    # falls back to English, marked and spoken as English, as an untranslated text does.
    show_only_reviewed: bool = False
    # Years from a leaflet's review to its next one (NHS-style review dates).
    review_years: int = DEFAULT_REVIEW_YEARS
    # A Piper voice per language tag ("en": "piper:en_US-joe-medium"), sorted; a language not
    # named speaks with eSpeak NG, the default. A pair, not a dict, so Settings stays hashable.
    voices: tuple[tuple[str, str], ...] = ()

    def with_voice(self, lang: str, voice: str | None) -> Settings:
        """These settings with `lang` spoken by `voice` (None: eSpeak NG, the default)."""
        voices = {tag: v for tag, v in self.voices if tag != lang}
        if voice is not None:
            voices[lang] = voice
        return replace(self, voices=tuple(sorted(voices.items())))


def idle_choices(app: Flask) -> tuple[int, ...]:
    """The idle times staff may choose: the usual ones, and the config's own
    (which may be any number of seconds) so that saving keeps it."""
    return tuple(sorted({*IDLE_CHOICES, idle.from_config(app.config).seconds}))


def validate(data, app: Flask) -> Settings:
    """Settings from a JSON object, or SettingsError saying what is wrong."""
    if not isinstance(data, dict):
        raise SettingsError("file", "it is not a JSON object")
    # The voices are checked on their own (_voices): they are no form field.
    unknown = sorted(set(data) - {*FIELDS, "voices"})
    if unknown:
        raise SettingsError(unknown[0], f"unknown setting {unknown[0]!r}")
    language = data.get("default_language", SOURCE_LOCALE)
    if language not in KNOWN_LOCALES:
        raise SettingsError("default_language", f"{language!r} is not one of the kiosk's languages")
    seconds = data.get("idle_seconds")
    if seconds is not None and (
        isinstance(seconds, bool) or not isinstance(seconds, int) or seconds not in idle_choices(app)
    ):
        choices = ", ".join(map(str, idle_choices(app)))
        raise SettingsError("idle_seconds", f"idle time must be one of {choices} seconds, not {seconds!r}")
    only_reviewed = data.get("show_only_reviewed", False)
    if not isinstance(only_reviewed, bool):
        raise SettingsError("show_only_reviewed", f"show_only_reviewed must be true or false, not {only_reviewed!r}")
    years = data.get("review_years", DEFAULT_REVIEW_YEARS)
    if isinstance(years, bool) or years not in REVIEW_YEARS_CHOICES:
        choices = ", ".join(map(str, REVIEW_YEARS_CHOICES))
        raise SettingsError("review_years", f"the years between reviews must be one of {choices}, not {years!r}")
    return Settings(language, seconds, only_reviewed, years, _voices(data.get("voices", {})))


def _voices(voices) -> tuple[tuple[str, str], ...]:
    """The voices setting: known languages, each a Piper voice id. Whether the voice is installed
    is the speech layer's to find out (a voice removed since falls back to eSpeak NG, marked)."""
    from ..speech.piper_voices import PREFIX

    if not isinstance(voices, dict):
        raise SettingsError("voices", "voices must be an object of language: Piper voice")
    for tag, voice in voices.items():
        if tag not in KNOWN_LOCALES:
            raise SettingsError("voices", f"{tag!r} is not one of the kiosk's languages")
        if not isinstance(voice, str) or not voice.startswith(PREFIX):
            raise SettingsError("voices", f"the voice for {tag} must be a Piper voice ({PREFIX}...), not {voice!r}")
    return tuple(sorted(voices.items()))


def from_form(form, app: Flask) -> Settings:
    """Settings from the staff screen's form (strings), checked as strictly as the file."""
    seconds = form.get("idle_seconds", "")
    if not seconds.isascii() or not seconds.isdigit():
        raise SettingsError("idle_seconds", "Choose an idle time from the list.")
    # Absent (an older form, still open) keeps the default: 3 years.
    years = form.get("review_years", str(DEFAULT_REVIEW_YEARS))
    if not years.isascii() or not years.isdigit():
        raise SettingsError("review_years", "Choose the years between reviews from the list.")
    try:
        return validate({
            "default_language": form.get("default_language", ""), "idle_seconds": int(seconds),
            # A checkbox: sent ("on") when ticked, absent when not.
            "show_only_reviewed": form.get("show_only_reviewed") == "on", "review_years": int(years),
        }, app)
    except SettingsError as error:
        message = {
            "default_language": "Choose a language from the list.",
            "idle_seconds": "Choose an idle time from the list.",
            "review_years": "Choose the years between reviews from the list.",
        }[error.field]
        raise SettingsError(error.field, message) from error


def path_in(app: Flask) -> Path:
    return Path(app.instance_path) / FILE_NAME


def load(app: Flask) -> Settings:
    """The saved settings, or the defaults (and an error in the log) when the file cannot be used."""
    return _read(app)[0]


def _read(app: Flask) -> tuple[Settings, str | None]:
    """The saved settings, and why the file was ignored (None when it was used, or absent)."""
    path = path_in(app)
    try:
        return validate(json.loads(path.read_text(encoding="utf-8")), app), None
    except FileNotFoundError:
        return Settings(), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, SettingsError) as error:
        log.error("ignoring %s and using the default settings: %s", path, error)
        return Settings(), f"{path}: {error}"


def ignored(app: Flask) -> str | None:
    """Why the settings file was ignored at start-up (for /healthz and the staff screen), until
    staff save settings again; a line in the log alone went unseen."""
    return app_state(app).settings_ignored


def save(app: Flask, settings: Settings) -> None:
    data = asdict(settings)
    # Written only when a language has a voice of its own: a file with none stays as it was.
    data.pop("voices")
    if settings.voices:
        data["voices"] = dict(settings.voices)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    write_atomically(path_in(app), text.encode("utf-8"))
    app_state(app).settings_ignored = None  # the file is good again


def apply(app: Flask, settings: Settings) -> None:
    """Make `settings` the kiosk's from the next request on."""
    configured = idle.from_config(app.config)
    # Read on every request: the default locale (app_state's default_language, kiosk/i18n) and
    # the page's idle timing (kiosk/patient/idle.py).
    app_state(app).settings = settings
    # The warning keeps its configured length: WCAG 2.2.1 asks for at least 20 s.
    app_state(app).idle = idle.Idle(settings.idle_seconds or configured.seconds, configured.warning)
    # Only the languages whose voice changed get new clips (and their pages rendered again).
    choose_voices(app, dict(settings.voices))


def init_app(app: Flask) -> None:
    loaded, app_state(app).settings_ignored = _read(app)
    apply(app, loaded)
