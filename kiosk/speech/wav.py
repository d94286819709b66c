"""Check the WAV an engine rendered before it is encoded (ogg.py): whole, and about the right length."""

from __future__ import annotations

import os
import re
import wave
from dataclasses import dataclass

# Characters spoken about one syllable each and written without spaces between words
# (CJK ideographs, kana, Hangul): counted one by one, not as one long "word".
_SYLLABIC = re.compile(r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"\w+")

# How far a real rendering strays from words / rate: numbers and abbreviations are read out
# longer, pauses are added at punctuation. Wide on purpose: this catches empty, cut-off and
# wildly wrong files, while waiting for each utterance's own end is what keeps texts apart.
MIN_RATIO = 0.25
MAX_RATIO = 5.0
MAX_SLACK = 5.0  # seconds


class InvalidAudio(ValueError):
    """The file is not a complete, plausible rendering of the text."""


@dataclass(frozen=True)
class WavInfo:
    frames: int
    framerate: int

    @property
    def seconds(self) -> float:
        return self.frames / self.framerate


def speech_units(text: str) -> int:
    """Roughly how many words a voice will say for `text`."""
    units = 0
    for word in _WORD.findall(text):
        syllabic = len(_SYLLABIC.findall(word))
        units += syllabic + (1 if syllabic < len(word) else 0)
    return units


def check(path: str | os.PathLike, text: str, rate: int) -> WavInfo:
    """Parse `path` as 16-bit mono PCM and check it is whole and about as long as `text` at `rate` wpm."""
    try:
        with wave.open(os.fspath(path), "rb") as w:
            channels, width, framerate, frames = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
    except (wave.Error, EOFError, OSError) as exc:
        raise InvalidAudio(f"not a readable WAV file: {exc}") from exc
    if (channels, width) != (1, 2) or not 8000 <= framerate <= 48000:
        raise InvalidAudio(f"unexpected format: {channels} channel(s), {8 * width}-bit, {framerate} Hz")
    if frames == 0:
        raise InvalidAudio("no audio frames")
    # The header's frame count comes from the data chunk's size field; a file cut short
    # (writer killed, disk full) still parses, so compare with what is really on disk.
    if os.path.getsize(path) < 44 + frames * width:
        raise InvalidAudio("file is shorter than its header says")
    info = WavInfo(frames, framerate)
    check_length(info.seconds, text, rate)
    return info


def check_length(seconds: float, text: str, rate: int, said: str | None = None) -> None:
    """InvalidAudio unless `seconds` is about how long `text` takes at `rate` wpm, or `said`.

    `said` is the text as the engine was handed it, when pronunciation entries changed it
    (lexicon.said): a respelling may be many times as long as the word it stands for (issue 28:
    "TPI" respelled to 200 characters made every clip with it fail this check, for good)."""
    ranges = []
    for words in (text, said) if said is not None and said != text else (text,):
        expected = speech_units(words) * 60.0 / rate
        ranges.append((MIN_RATIO * expected, MAX_RATIO * expected + MAX_SLACK))
        if ranges[-1][0] <= seconds <= ranges[-1][1]:
            return
    low, high = min(r[0] for r in ranges), max(r[1] for r in ranges)
    raise InvalidAudio(f"{seconds:.2f} s of audio for {len(text)} characters; expected {low:.1f}-{high:.1f} s")
