"""The clip registry: what the pages need said (text, language), and so which clips exist.

A page registers each text it shows as it renders (kiosk.patient.read_aloud, phrases); the
registry picks the voice, the pronunciation entries that touch the text, and so the clip key
(clip_key) and the Job a synthesizer needs. It never synthesizes anything itself
(synthesizer.py does), and it is the one place that knows which keys may be served: a clip
key that no page registered is UnknownClip, whatever is in the cache folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from dataclasses import replace
from typing import Callable

from . import voices as voice_table
from .engine import EngineInfo, Job, LexiconEntry
from .lexicon import Lexicon, Lexicons

log = logging.getLogger(__name__)

# Bump when the clip pipeline changes in a way the engine versions do not show.
SCHEMA = "kiosk-speech-1"
KEY = re.compile(r"[0-9a-f]{64}")
# eSpeak NG's own limits for the rate parameter (espeakRATE_MINIMUM/MAXIMUM).
MIN_RATE, MAX_RATE = 80, 450
DEFAULT_RATE = 150  # words per minute (SPEECH_RATE): defined here only
# Staff previews of a lexicon entry kept at once (the word and up to 12 sentences, before and after).
PREVIEWS = 64
# Clips retired by lexicon changes and still served (a patient's open page may name them): the
# newest this many, so that fifty saves do not keep fifty sets of old jobs.
RETIRED = 5000


class UnknownClip(KeyError):
    """Not a clip key, or a key nobody registered."""


def clip_key(text: str, voice: str, rate: int, engine: str, lexicon: tuple[LexiconEntry, ...] = ()) -> str:
    """Hex SHA-256 of everything that decides the audio, so a cached file can never be stale.

    `lexicon` is the pronunciation entries that change this text's words: named only when there
    are some, so a text no entry touches keeps its key (and its clip) whatever else the lexicon
    holds, and removing an entry brings back the key from before it was added."""
    fields: list = [SCHEMA, engine, voice, rate, text]
    if lexicon:
        fields.append([[e.grapheme, e.say] for e in lexicon])
    material = json.dumps(fields, ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ClipRegistry:
    """The clips of one app's pages, and the staff's previews, each as its key and Job.

    `engine_info()` answers which engine runs and its voices (None while it cannot start); the
    registry asks it once per language, for the voice, and names its engine in every key."""

    def __init__(
        self,
        *,
        rate: int = DEFAULT_RATE,
        voices: dict[str, str | None] | None = None,
        engine_info: Callable[[], EngineInfo | None],
    ) -> None:
        if not MIN_RATE <= int(rate) <= MAX_RATE:
            raise ValueError(f"SPEECH_RATE must be {MIN_RATE}-{MAX_RATE} words per minute, not {rate}")
        self.rate = int(rate)
        self._overrides = {voice_table.normalize(tag): voice for tag, voice in (voices or {}).items()}
        self._engine_info = engine_info
        self._engine: str | None = None  # the engine every key names, once its voices were looked up
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._tags: dict[str, str] = {}  # key -> the language tag it was registered for
        # Clips of pages from before the lexicon last changed: still served (a patient's page may
        # name them) but neither counted nor synthesized in bulk any more.
        self._retired: dict[str, Job] = {}
        self._previews: dict[str, Job] = {}  # staff previews of lexicon entries, newest last
        self.lexicons = Lexicons()
        self._voice_ids: dict[str, str | None] = {}
        # Per voice: the engine its keys name (a Piper voice names its own, engine.VoiceInfo),
        # and whether it takes the lexicon's eSpeak phoneme entries.
        self._voice_engines: dict[str, str] = {}
        self._voice_phonemes: dict[str, bool] = {}
        self._chosen: dict[str, str] = {}  # staff's voice per language tag (normalized), kept in their settings
        self._failed: dict[str, str] = {}  # voices that could not be loaded, and why: their languages fell back
        # Counts the changes of which voice speaks a language (choose_voices, voice_failed,
        # voice_works): a clip registered across one is registered again (register()).
        self._voices_changed = 0

    def voice_for(self, locale_tag: str) -> str | None:
        """The voice id for `locale_tag`, or None when no installed voice speaks that language.

        Staff's choice (choose_voices) when it is installed, speaks the language and has not
        failed; else the default engine's voice (SPEECH_VOICES, else voices.pick). A voice of a
        second engine is never picked on its own, and no voice of another language ever is."""
        tag = voice_table.normalize(locale_tag)
        with self._lock:
            if tag in self._voice_ids:
                return self._voice_ids[tag]
            chosen = self._chosen.get(tag)
        info = self._engine_info()
        if info is None:
            return None  # engine unavailable: the page goes without audio, and we try again later
        voice = None
        if chosen is not None and chosen not in self._failed:
            voice = next((v.id for v in info.voices if v.id == chosen and voice_table.speaks(tag, v)), None)
            if voice is None:
                log.error("the voice %r chosen for %r is not installed: %s speaks with the default engine",
                          chosen, locale_tag, locale_tag)
        if voice is None:
            voice = self._default_voice(tag, locale_tag, info)
        with self._lock:
            self._engine = info.engine
            for v in info.voices:
                self._voice_engines[v.id] = v.engine or info.engine
                self._voice_phonemes[v.id] = v.phonemes
            self._voice_ids[tag] = voice
        return voice

    def _default_voice(self, tag: str, locale_tag: str, info: EngineInfo) -> str | None:
        own = [v for v in info.voices if v.engine is None]  # the default engine's (eSpeak NG's)
        installed = {v.id.lower(): v.id for v in own}
        if tag in self._overrides:
            wanted = self._overrides[tag]
            voice = installed.get(wanted.lower()) if wanted else None
            if wanted and voice is None:
                log.error("SPEECH_VOICES[%r] = %r is not an installed voice", locale_tag, wanted)
            return voice
        return voice_table.pick(tag, own)

    def _entries_for(self, voice: str, entries: tuple[LexiconEntry, ...]) -> tuple[LexiconEntry, ...]:
        """The entries `voice` can take: a voice that takes no eSpeak phonemes (Piper) gets the
        respellings only, so a phoneme entry neither changes its clip's key nor its audio."""
        if self._voice_phonemes.get(voice, True):
            return entries
        return tuple(e for e in entries if e.phonemes is None)

    def _key(self, text: str, voice: str, entries: tuple[LexiconEntry, ...]) -> tuple[str, Job]:
        entries = self._entries_for(voice, entries)
        engine = self._voice_engines.get(voice, self._engine)
        return clip_key(text, voice, self.rate, engine, entries), Job(text, voice, self.rate, entries)

    def choose_voices(self, chosen: dict[str, str]) -> frozenset[str]:
        """Staff's voice per language tag from now on (a language not named: the default engine's);
        return the keys of the clips that changed, re-keyed in place as use_lexicons does."""
        chosen = {voice_table.normalize(tag): voice for tag, voice in chosen.items()}
        with self._lock:
            changed = {tag for tag in {*chosen, *self._chosen} if chosen.get(tag) != self._chosen.get(tag)}
            self._chosen = chosen
            for tag in changed:
                self._voice_ids.pop(tag, None)
            self._voices_changed += 1
        return self._rekey(changed)

    def voice_failed(self, voice: str, reason: str) -> frozenset[str]:
        """`voice` cannot be loaded: its languages speak with the default engine from now on (until
        staff choose again); return the keys of the clips that changed."""
        with self._lock:
            if voice in self._failed:
                return frozenset()
            self._failed[voice] = reason
            tags = {tag for tag, used in self._voice_ids.items() if used == voice}
            for tag in tags:
                del self._voice_ids[tag]
            self._voices_changed += 1
        log.error("voice %s cannot be used, so its languages fall back to the default voice: %s", voice, reason)
        return self._rekey(tags)

    def voice_works(self, voice: str) -> frozenset[str]:
        """`voice`, which failed, loads again (staff chose it again, and its sample was made): the
        languages staff chose it for speak with it again; return the keys of the clips that changed."""
        with self._lock:
            if self._failed.pop(voice, None) is None:
                return frozenset()
            tags = {tag for tag, chosen in self._chosen.items() if chosen == voice}
            for tag in tags:
                self._voice_ids.pop(tag, None)
            self._voices_changed += 1
        return self._rekey(tags)

    def chosen(self, locale_tag: str) -> str | None:
        """Staff's choice for `locale_tag`, whether or not it is used (voice_for says which is)."""
        with self._lock:
            return self._chosen.get(voice_table.normalize(locale_tag))

    def failed(self, voice: str) -> str | None:
        """Why `voice` could not be used (None if it can, as far as is known)."""
        with self._lock:
            return self._failed.get(voice)

    def _rekey(self, tags: set[str]) -> frozenset[str]:
        """Give the registered clips of `tags` their language's voice now; retire the old keys."""
        if not tags or self._engine is None:
            return frozenset()  # nothing was registered yet: every key is made with the new voice
        voices = {tag: self.voice_for(tag) for tag in tags}
        retired = []
        with self._lock:
            for key, job in list(self._jobs.items()):
                tag = voice_table.normalize(self._tags[key])
                voice = voices.get(tag)
                if tag not in voices or voice is None or voice == job.voice:
                    continue
                new_key, new_job = self._key(job.text, voice, self.lexicons.matching(tag, job.text))
                del self._jobs[key]
                original_tag = self._tags.pop(key)
                self._retired.pop(key, None)
                self._retired[key] = job  # the newest last
                retired.append(key)
                self._jobs[new_key] = new_job
                self._tags.setdefault(new_key, original_tag)
            while len(self._retired) > RETIRED:
                del self._retired[next(iter(self._retired))]
        return frozenset(retired)

    def register(self, text: str, locale_tag: str) -> str | None:
        """Remember `text` for later synthesis and return its clip key; None when it cannot be spoken."""
        if not text or not text.strip():
            return None
        while True:
            lexicons, voices_changed = self.lexicons, self._voices_changed
            voice = self.voice_for(locale_tag)
            if voice is None:
                return None
            key, job = self._key(text, voice, lexicons.matching(locale_tag, text))
            with self._lock:
                # The lexicon or a language's voice changed meanwhile (use_lexicons and _rekey
                # re-keyed what was registered before): this text's key may have changed too.
                if self.lexicons is not lexicons or self._voices_changed != voices_changed:
                    continue
                self._jobs[key] = job
                self._tags.setdefault(key, locale_tag)
            return key

    def use_lexicons(self, lexicons: Lexicons) -> frozenset[str]:
        """Say words as `lexicons` has them from now on; return the keys of the clips that changed.

        Each registered clip whose words an entry now says differently gets its new key here, in
        place (issue 28: every page of every language was rendered again to find them, for one
        English word). The old keys are retired: still served to a page that names them, but no
        longer counted or synthesized in bulk. The pages that name them are the caller's to
        render again (service.lexicon_changed)."""
        with self._lock:
            if lexicons.digest == self.lexicons.digest:
                return frozenset()
            old, self.lexicons = self.lexicons, lexicons
            changed_tags = {tag for tag in set(self._tags.values()) if old[tag] != lexicons[tag]}
            retired = []
            for key, job in list(self._jobs.items()):
                tag = self._tags[key]
                if tag not in changed_tags or self._engine is None:
                    continue
                entries = self._entries_for(job.voice, lexicons.matching(tag, job.text))
                if entries == job.lexicon:
                    continue
                del self._jobs[key], self._tags[key]
                self._retired.pop(key, None)
                self._retired[key] = job  # the newest last
                retired.append(key)
                new_key = clip_key(job.text, job.voice, job.rate, self._voice_engines.get(job.voice, self._engine),
                                   entries)
                self._jobs[new_key] = replace(job, lexicon=entries)
                self._tags.setdefault(new_key, tag)
            while len(self._retired) > RETIRED:
                del self._retired[next(iter(self._retired))]
        return frozenset(retired)

    def preview(self, text: str, locale_tag: str, lexicon: Lexicon | None = None,
                voice: str | None = None) -> str | None:
        """The key of a staff preview: `text` said with `lexicon` (None: the kiosk's own, as now)
        for `locale_tag`, in `voice` (None: the language's own now; else one that speaks it, as
        staff hear a voice's sample before choosing it); its Job is preview_job()'s, never a
        patient's, and forgotten after PREVIEWS."""
        own = self.voice_for(locale_tag)
        if voice is not None and voice != own:
            info = self._engine_info()
            if info is None or not any(v.id == voice and voice_table.speaks(locale_tag, v) for v in info.voices):
                return None  # never a voice of another language, not even in a preview
        voice = voice or own
        if voice is None or not text.strip():
            return None
        entries = (lexicon.matching(text) if lexicon is not None else self.lexicons.matching(locale_tag, text))
        key, job = self._key(text, voice, entries)
        with self._lock:
            self._previews.pop(key, None)
            self._previews[key] = job
            while len(self._previews) > PREVIEWS:
                del self._previews[next(iter(self._previews))]
        return key

    def preview_job(self, key: str) -> Job:
        """What the preview `key` says (UnknownClip for any other key)."""
        with self._lock:
            job = self._previews.get(key) if isinstance(key, str) else None
        if job is None:
            raise UnknownClip(key)
        return job

    def registered(self) -> int:
        """How many clips are known (registered by the pages rendered so far)."""
        with self._lock:
            return len(self._jobs)

    def keys(self) -> list[str]:
        """The keys of every registered clip (kiosk export copies their files)."""
        with self._lock:
            return list(self._jobs)

    def jobs(self) -> list[tuple[str, Job, str]]:
        """Every registered clip as (key, Job, language tag as registered); retired ones are not."""
        with self._lock:
            return [(key, job, self._tags[key]) for key, job in self._jobs.items()]

    def texts(self, locale_tag: str) -> list[str]:
        """Every registered text of one language (the sentences a lexicon entry may change)."""
        with self._lock:
            return [job.text for key, job in self._jobs.items() if self._tags[key] == locale_tag]

    def job(self, key: str) -> Job:
        """What the clip `key` says, in which voice (UnknownClip if no page registered it).

        Only registered keys: a hex digest cannot name a path outside the cache folder, and
        clips of texts no page shows any more (old translations) are not served."""
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise UnknownClip(key)
        with self._lock:
            job = self._jobs.get(key) or self._retired.get(key)
        if job is None:
            raise UnknownClip(key)
        return job
