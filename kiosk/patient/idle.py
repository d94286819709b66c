"""The idle reset's timing, from the site's settings: how long a kiosk may
stand untouched before it warns, and how long the warning stays (idle.js does
the rest in the browser; the server keeps nothing about a patient)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask

from .phrases import Phrase, phrase_plural
from ..state import app_state

DEFAULT_IDLE_SECONDS = 120
DEFAULT_WARNING_SECONDS = 30
# WCAG 2.2.1: at least 20 seconds to answer "I'm still here".
MIN_WARNING_SECONDS = 20


@dataclass(frozen=True)
class Idle:
    seconds: int  # untouched and silent this long: warn
    warning: int  # then start again after this long without an answer


def from_config(config) -> Idle:
    """IDLE_SECONDS and IDLE_WARNING_SECONDS (KIOSK_… in the environment), checked."""
    seconds = config.get("IDLE_SECONDS", DEFAULT_IDLE_SECONDS)
    warning = config.get("IDLE_WARNING_SECONDS", DEFAULT_WARNING_SECONDS)
    for name, value in (("IDLE_SECONDS", seconds), ("IDLE_WARNING_SECONDS", warning)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a whole number of seconds, 1 or more, not {value!r}")
    # Tests may shorten the warning; patients always get their 20 seconds.
    if warning < MIN_WARNING_SECONDS and not config.get("TESTING"):
        raise ValueError(f"IDLE_WARNING_SECONDS must be at least {MIN_WARNING_SECONDS} (WCAG 2.2.1), not {warning}")
    return Idle(seconds, warning)


def countdown(seconds: int, *, spoken: bool = True) -> Phrase:
    """"The kiosk will start again … in N seconds." in this page's language, in
    the plural form its grammar needs for N ("1 second", never "1 seconds")."""
    return phrase_plural(
        "The kiosk will start again for the next patient in %(seconds)s second.",
        "The kiosk will start again for the next patient in %(seconds)s seconds.",
        seconds, spoken=spoken, seconds=seconds,
    )


def countdown_texts(warning: int) -> list[str]:
    """The countdown's text for each count idle.js shows, 1 to `warning` seconds left.

    All of them, chosen here: the browser cannot pick a plural form itself. Its
    Intl.PluralRules follows CLDR, whose categories differ from the catalogs'
    gettext forms (Russian: four against three), and evaluating a catalog's
    Plural-Forms expression in the page would need eval, which the CSP forbids.
    The warning lasts seconds to a few minutes, so the list stays short.
    Not spoken: only the warning's first text is (idle.js says it once)."""
    return [countdown(n, spoken=False).text for n in range(1, warning + 1)]


def init_app(app: Flask) -> None:
    # Read at every page, not captured here: staff may change the idle time while the kiosk
    # runs. Its one owner is kiosk/staff/settings.py: the configured time unless staff chose one.
    app.context_processor(lambda: {
        "idle": app_state(app).idle,
        "idle_countdown": countdown,
        "idle_countdown_texts": countdown_texts,
    })
