"""Clips as the browser gets them: Ogg Vorbis, about a seventh of the engine's WAV.

The engine writes 16-bit PCM (about 44 KB a second at eSpeak's 22,050 Hz), and
every page preloads its first clip: in WAV that one clip was most of a first
visit's bytes. Vorbis keeps any sample rate (Opus would need eSpeak's output
resampled), and Chromium, Firefox and current Safari all play Ogg Vorbis.
"""

from __future__ import annotations

import os

from .wav import InvalidAudio, WavInfo, check_length

SUFFIX = ".ogg"
MIMETYPE = "audio/ogg"
# libsndfile's scale: 0 is Vorbis's best quality, 1 its smallest. Synthetic speech
# at 0.8 is about 40 kbit/s, and sounds no different from the WAV through a kiosk's
# headphones.
COMPRESSION = 0.8
BLOCK = 4096  # frames handed to the encoder at a time
# An Ogg page is at most 65,307 bytes; the last one carries the end-of-stream flag.
_LAST_PAGE = 65307
_END_OF_STREAM = 0x04


def _soundfile():
    """soundfile, imported when first needed: with numpy it takes a third to half a second,
    which `kiosk serve` and a speech worker spent before they could answer (issue 18), for
    clips that may all be cached."""
    import soundfile

    return soundfile


def encode(wav: str | os.PathLike, dest: str | os.PathLike) -> None:
    """Encode the checked WAV `wav` as Ogg Vorbis into `dest` (OSError if that cannot be done)."""
    soundfile = _soundfile()
    try:
        with soundfile.SoundFile(os.fspath(wav)) as source:
            with soundfile.SoundFile(os.fspath(dest), "w", source.samplerate, 1, "VORBIS", format="OGG",
                                     compression_level=COMPRESSION) as out:
                # An engine's own tags (a fake engine in the tests names its text here) travel with the audio.
                if source.comment:
                    out.comment = source.comment
                # The trap: libvorbis takes a stack buffer (alloca) as large as what it is handed at
                # once, so a whole clip in one write overflows a thread's stack and kills the server
                # (libsndfile issues #1023, #1095). Small blocks keep it small.
                for block in source.blocks(BLOCK, dtype="int16"):
                    out.write(block)
    except soundfile.LibsndfileError as exc:
        raise OSError(f"could not encode the clip: {exc}") from exc


def check(path: str | os.PathLike, text: str, rate: int, said: str | None = None) -> WavInfo:
    """Check `path` is a whole mono Ogg Vorbis clip about as long as `text` (or `said`, the text
    as the engine was handed it: wav.check_length) at `rate` wpm."""
    soundfile = _soundfile()
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - _LAST_PAGE))
            tail = f.read()
        info = soundfile.info(os.fspath(path))
    except (OSError, RuntimeError) as exc:
        raise InvalidAudio(f"not a readable Ogg Vorbis file: {exc}") from exc
    # A file cut short at a page boundary still parses, with fewer frames: only its
    # last page's flag tells that the stream was written to its end.
    last = tail.rfind(b"OggS")
    if last < 0 or len(tail) < last + 6 or not tail[last + 5] & _END_OF_STREAM:
        raise InvalidAudio("the Ogg stream was cut short (no end-of-stream page)")
    if (info.format, info.subtype, info.channels) != ("OGG", "VORBIS", 1) or not 8000 <= info.samplerate <= 48000:
        raise InvalidAudio(f"unexpected format: {info.format}/{info.subtype}, {info.channels} channel(s), "
                           f"{info.samplerate} Hz")
    if info.frames <= 0:
        raise InvalidAudio("no audio frames")
    clip = WavInfo(info.frames, info.samplerate)
    check_length(clip.seconds, text, rate, said)
    return clip
