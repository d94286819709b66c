"""Spoken leaflets: eSpeak NG (through pyttsx3) in a worker process, clips cached as Ogg Vorbis files."""

from __future__ import annotations

import os

import functools

from . import lexicon, piper_voices, service
from .registry import DEFAULT_RATE, UnknownClip, clip_key
from .service import Speech
from .synthesizer import DEFAULT_QUEUE, SpeechBusy, SpeechUnavailable
from .engine import EngineError
from .worker import ProcessExecutor, ThreadExecutor

__all__ = [
    "EngineError",
    "ProcessExecutor",
    "Speech",
    "SpeechBusy",
    "SpeechUnavailable",
    "ThreadExecutor",
    "UnknownClip",
    "clip_key",
    "init_app",
]


def init_app(app, *, executor=None, off_cpu=None) -> None:
    """Set up speech from app.config and register /audio; nothing is spawned until audio is needed.

    `executor` replaces the worker process (tests pass a ThreadExecutor with a fake engine);
    `off_cpu` is entered around waits that use no CPU here (see Speech).
    """
    from . import views  # Flask: the web process's, never a speech worker's (see kiosk/__init__.py)

    config = app.config
    speech = Speech(
        config.get("SPEECH_CACHE_DIR") or os.path.join(app.instance_path, "audio"),
        rate=config.get("SPEECH_RATE", DEFAULT_RATE),
        voices=config.get("SPEECH_VOICES", {}),
        enabled=config.get("SPEECH_ENABLED", True),
        # Keep this below the web server's threads (kiosk serve: 8), so pages always have some.
        queue=config.get("SPEECH_QUEUE", DEFAULT_QUEUE),
        # "module:callable" of another engine; tests and a future engine use it.
        engine=config.get("SPEECH_ENGINE"),
        # Speech workers (processes). One while serving, so pages keep a core of their own;
        # `kiosk prerender` uses one per core.
        workers=config.get("SPEECH_WORKERS", 1),
        executor=executor,
        # Piper voices in instance/voices/ and installed voice packages, beside eSpeak NG
        # (engines.py); SPEECH_PIPER = False leaves Piper out altogether.
        piper_voices=(functools.partial(piper_voices.find, app.instance_path)
                      if config.get("SPEECH_PIPER", True) else None),
        keys_changed=lambda keys: service.keys_changed(app, keys),
        **({"off_cpu": off_cpu} if off_cpu is not None else {}),
    )
    from .. import ROOT
    from ..i18n import KNOWN_LOCALES

    # Staff's lexicons in the instance folder, else the shipped ones (kiosk/speech/lexicon.py).
    speech.use_lexicons(lexicon.load(app.instance_path, config.get("LEXICONS_DIR") or ROOT / "lexicons", KNOWN_LOCALES))
    from ..state import app_state  # Flask's: see views above

    app_state(app).speech = speech
    app.register_blueprint(views.bp)
