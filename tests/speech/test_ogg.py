"""Ogg clips: what the engine said, a fraction of the WAV's size, and only whole files count."""

from __future__ import annotations

import threading

import numpy
import pytest
import soundfile

from kiosk.speech import ogg, wav

from .fakes import FRAMERATE, spoken_text, write_wav

TEXT = "Please take a seat; the nurse will call your name soon."  # 11 words: 4.4 s at 150 wpm


def speech_like(path, seconds: float, rate: int = 22050) -> str:
    """A WAV of a voice-like tone (encoders make silence tiny, which would prove nothing)."""
    t = numpy.arange(int(seconds * rate)) / rate
    tone = 8000 * numpy.sin(2 * numpy.pi * 180 * t) * (1 + numpy.sin(2 * numpy.pi * 3 * t)) / 2
    soundfile.write(str(path), tone.astype("int16"), rate, subtype="PCM_16")
    return str(path)


def test_the_clip_keeps_length_rate_and_tag_at_a_fraction_of_the_size(tmp_path):
    source = tmp_path / "engine.wav"
    write_wav(str(source), TEXT, 150)
    speech_like(tmp_path / "tone.wav", wav.check(source, TEXT, 150).seconds)
    ogg.encode(source, tmp_path / "clip.ogg")
    ogg.encode(tmp_path / "tone.wav", tmp_path / "tone.ogg")
    info = ogg.check(tmp_path / "clip.ogg", TEXT, 150)
    assert (info.frames, info.framerate) == (wav.check(source, TEXT, 150).frames, FRAMERATE)
    assert spoken_text(tmp_path / "clip.ogg") == TEXT
    assert (tmp_path / "tone.ogg").stat().st_size < (tmp_path / "tone.wav").stat().st_size / 5


def test_a_long_clip_encodes_on_a_small_thread_stack(tmp_path):
    # libvorbis puts a buffer as large as one write on the stack: a whole long clip at
    # once overflowed a server thread's stack (a segfault, not an exception).
    source = speech_like(tmp_path / "long.wav", 90.0)
    errors = []
    previous = threading.stack_size(256 * 1024)
    try:
        thread = threading.Thread(target=lambda: _encode_catching(source, tmp_path / "long.ogg", errors))
        thread.start()
        thread.join()
    finally:
        threading.stack_size(previous)
    assert errors == []
    assert soundfile.info(str(tmp_path / "long.ogg")).frames == 90 * 22050


def _encode_catching(source, dest, errors) -> None:
    try:
        ogg.encode(source, dest)
    except Exception as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)


@pytest.fixture
def clip(tmp_path):
    source = speech_like(tmp_path / "engine.wav", 4.0)
    ogg.encode(source, tmp_path / "clip.ogg")
    return tmp_path / "clip.ogg"


def test_a_clip_cut_at_a_page_boundary_is_refused(clip):
    data = clip.read_bytes()
    last_page = data.rfind(b"OggS")
    clip.write_bytes(data[:last_page])  # whole pages, all but the last
    with pytest.raises(wav.InvalidAudio, match="cut short"):
        ogg.check(clip, TEXT, 150)


@pytest.mark.parametrize("damage", ["empty", "half", "zeros", "wav"])
def test_a_damaged_clip_is_refused(clip, damage):
    data = clip.read_bytes()
    if damage == "wav":
        write_wav(str(clip), TEXT, 150)  # the right length, the wrong format
    else:
        clip.write_bytes({"empty": b"", "half": data[: len(data) // 2], "zeros": b"\0" * len(data)}[damage])
    with pytest.raises(wav.InvalidAudio):
        ogg.check(clip, TEXT, 150)


def test_a_clip_of_the_wrong_length_for_its_text_is_refused(clip):
    with pytest.raises(wav.InvalidAudio, match="expected"):
        ogg.check(clip, TEXT * 10, 150)


def test_an_encoder_failure_is_an_os_error(tmp_path):
    with pytest.raises(OSError, match="could not encode"):
        ogg.encode(tmp_path / "missing.wav", tmp_path / "clip.ogg")
