"""The speech service of one app: a thin facade over its three parts, so callers need one object.

- registry.py, the clip registry: what the pages need said, as clip keys and Jobs;
- synthesizer.py: the engine behind its executor, back-pressure, the clip cache;
- scheduler.py, the render scheduler: what is missing, the prerender, the status.

Each part is public (`speech.registry`, `.synthesizer`, `.scheduler`) for what the facade does
not pass on.

change_lexicon() and lexicons_changed() are what every entry point calls when the pronunciation
lexicon changes (the staff screen's entry form and its PLS import; a reload of the content
later), so the sequence is written once, here, and not in a view.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, ContextManager

from .engine import Executor, Job
from . import lexicon as lexicon_files
from .lexicon import Lexicon, Lexicons
from .registry import DEFAULT_RATE, ClipRegistry
from .scheduler import ClipCount, RenderScheduler
from .piper_voices import PiperVoiceFile
from .synthesizer import DEFAULT_QUEUE, Synthesizer, VoiceFailed


class Speech:
    """Voices, clip keys and the audio cache of one app; the engine itself runs behind an executor."""

    def __init__(
        self,
        cache_dir: str | Path,
        *,
        rate: int = DEFAULT_RATE,
        voices: dict[str, str | None] | None = None,
        enabled: bool = True,
        executor: Executor | None = None,
        attempts: int = 2,
        queue: int = DEFAULT_QUEUE,
        engine: str | None = None,
        workers: int = 1,
        off_cpu: Callable[[], ContextManager] = contextlib.nullcontext,
        piper_voices: Callable[[], list[PiperVoiceFile]] | None = None,
        keys_changed: Callable[[frozenset[str]], object] = lambda keys: None,
    ) -> None:
        """`off_cpu()` is entered around every wait that uses no CPU in this process: see Synthesizer.
        `piper_voices()` finds the Piper voices (none when not given). `keys_changed(keys)` is
        called when clips got new keys without anyone asking (a voice that failed to load fell
        back): init_app passes service.keys_changed, which renders the pages and clips again."""
        # The registry first: it checks the rate before any worker is built.
        self.registry = ClipRegistry(rate=rate, voices=voices, engine_info=lambda: self.synthesizer.info())
        self.synthesizer = Synthesizer(cache_dir, enabled=enabled, executor=executor, attempts=attempts,
                                       queue=queue, engine=engine, workers=workers, off_cpu=off_cpu,
                                       piper_voices=piper_voices)
        self.scheduler = RenderScheduler(self.registry, self.synthesizer, on_voice_failed=self.voice_failed)
        self._keys_changed = keys_changed

    # What callers read of the parts.
    @property
    def cache(self):
        return self.synthesizer.cache

    @property
    def cache_dir(self) -> Path:
        return self.synthesizer.cache.folder

    @property
    def rate(self) -> int:
        return self.registry.rate

    @property
    def enabled(self) -> bool:
        return self.synthesizer.enabled

    @property
    def queue(self) -> int:
        return self.synthesizer.queue

    @property
    def workers(self) -> int:
        return self.synthesizer.workers

    @property
    def executor(self) -> Executor | None:
        return self.synthesizer.executor

    @property
    def lexicons(self) -> Lexicons:
        return self.registry.lexicons

    @property
    def engine_known(self) -> bool:
        """Whether voices could be looked up (or speech is off): registering found what it could."""
        return self.synthesizer.engine_known

    def use_workers(self, workers: int) -> None:
        self.synthesizer.use_workers(workers)

    # The registry.
    def voice_for(self, locale_tag: str) -> str | None:
        return self.registry.voice_for(locale_tag)

    def register(self, text: str, locale_tag: str) -> str | None:
        return self.registry.register(text, locale_tag)

    def use_lexicons(self, lexicons: Lexicons) -> frozenset[str]:
        return self.registry.use_lexicons(lexicons)

    def registered(self) -> int:
        return self.registry.registered()

    def keys(self) -> list[str]:
        return self.registry.keys()

    def texts(self, locale_tag: str) -> list[str]:
        return self.registry.texts(locale_tag)

    def job(self, key: str) -> Job:
        return self.registry.job(key)

    def preview(self, text: str, locale_tag: str, lexicon: Lexicon | None = None,
                voice: str | None = None) -> str | None:
        return self.registry.preview(text, locale_tag, lexicon, voice)

    # Voices: staff's choice per language, and the fall-back when a chosen one cannot be loaded.
    @property
    def piper_voices(self) -> tuple[PiperVoiceFile, ...]:
        return self.synthesizer.piper_voices

    def choose_voices(self, chosen: dict[str, str]) -> frozenset[str]:
        """Staff's voice per language (staff/settings.py); the keys of the clips that changed."""
        return self.registry.choose_voices(chosen)

    def voice_failed(self, failure: VoiceFailed) -> None:
        """A voice could not be loaded: its languages fall back to the default voice, and the
        clips (and pages) that named it are made again with that one."""
        changed = self.registry.voice_failed(failure.voice, failure.reason)
        if changed:
            self._keys_changed(changed)

    # Clips, synthesized on demand with back-pressure.
    def clip_path(self, key: str) -> Path:
        """The valid clip file of a registered `key` (UnknownClip otherwise), synthesized now if
        need be; SpeechBusy when `queue` requests wait for the engine already."""
        try:
            return self.synthesizer.clip_path(key, self.registry.job(key))
        except VoiceFailed as failure:
            self.voice_failed(failure)
            raise

    def preview_path(self, key: str) -> Path:
        """The clip of a preview key (UnknownClip for any other), synthesized now if need be.
        A voice that fails here is only said to fail (staff hear its sample before choosing it)."""
        return self.synthesizer.clip_path(key, self.registry.preview_job(key))

    # The render scheduler.
    def missing(self) -> list[str]:
        return self.scheduler.missing()

    def counts(self) -> dict[str, ClipCount]:
        return self.scheduler.counts()

    def prerender(self, progress: Callable[[int, int], None] | None = None) -> int:
        return self.scheduler.prerender(progress)

    def status(self) -> dict:
        return self.scheduler.status()

    def close(self) -> None:
        self.synthesizer.close()


def change_lexicon(app, lang: str, new: Lexicon) -> bool:
    """Keep `new` as `lang`'s lexicon: save its file in the instance folder, then lexicons_changed().

    True when clips changed (a background render was asked for)."""
    lexicon_files.save(app.instance_path, lang, new)
    return lexicons_changed(app, _state(app).speech.lexicons.replaced(lang, new))


def lexicons_changed(app, lexicons: Lexicons) -> bool:
    """Say words by `lexicons` from now on, mark stale the kept pages that name a clip this
    changed, and start the background render of those clips and then those pages.

    True when clips changed (a background render was asked for)."""
    return keys_changed(app, _state(app).speech.use_lexicons(lexicons))


def choose_voices(app, chosen: dict[str, str]) -> bool:
    """Speak each language with staff's chosen voice (staff/settings.py) from now on, and render
    the clips that changed and the pages that name them. True when clips changed."""
    return keys_changed(app, _state(app).speech.choose_voices(chosen))


def keys_changed(app, changed: frozenset[str]) -> bool:
    """Clips got new keys (the lexicon or a voice changed): drop the kept pages that name the
    old ones and start the background render of the new clips and then those pages.

    True when clips changed (a background render was asked for)."""
    if not changed:
        return False
    state = _state(app)
    speech = state.speech
    # Only the pages that name a changed clip: issue 28 rendered every page of every language
    # again for one English word, and p99 went from 141 ms to over 2 s for half a minute.
    # Kept and served until rendered again (kiosk/web/page_cache.py says why), where the
    # background can render them; dropped where it cannot.
    if speech.enabled:
        state.background_render.start_or_again(state.page_cache.mark_stale_naming(changed))
    else:
        state.page_cache.drop_naming(changed)
    return True


def _state(app):
    # Imported here: kiosk.state imports Flask, and a speech worker imports this package but
    # never Flask (see kiosk/__init__.py).
    from ..state import app_state

    return app_state(app)
