"""WAV checks: only whole files of about the right length get into the cache."""

from __future__ import annotations

import os
import wave

import pytest

from kiosk.speech import wav


TEXT = "Please take a seat; the nurse will call your name soon."  # 11 words: 4.4 s at 150 wpm


def make(path, seconds: float, *, channels: int = 1, width: int = 2, rate: int = 22050) -> str:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"\1" * int(seconds * rate) * channels * width)
    return str(path)


def test_accepts_a_plausible_file(tmp_path):
    info = wav.check(make(tmp_path / "a.wav", 4.0), TEXT, 150)
    assert (info.frames, info.framerate) == (88200, 22050)


@pytest.mark.parametrize("seconds", [0.0, 0.5, 40.0])
def test_rejects_implausible_length(tmp_path, seconds):
    with pytest.raises(wav.InvalidAudio):
        wav.check(make(tmp_path / "a.wav", seconds), TEXT, 150)


def test_rate_sets_the_expected_length(tmp_path):
    path = make(tmp_path / "a.wav", 20.0)
    with pytest.raises(wav.InvalidAudio):
        wav.check(path, TEXT, 450)
    assert wav.check(path, TEXT, 80).frames == 441000


def test_rejects_stereo_and_8_bit(tmp_path):
    with pytest.raises(wav.InvalidAudio, match="format"):
        wav.check(make(tmp_path / "a.wav", 4.0, channels=2), TEXT, 150)
    with pytest.raises(wav.InvalidAudio, match="format"):
        wav.check(make(tmp_path / "b.wav", 4.0, width=1), TEXT, 150)


def test_rejects_truncated_file(tmp_path):
    path = make(tmp_path / "a.wav", 4.0)
    os.truncate(path, os.path.getsize(path) - 1000)
    with pytest.raises(wav.InvalidAudio, match="shorter"):
        wav.check(path, TEXT, 150)


@pytest.mark.parametrize("content", [b"", b"RIFF", b"not a wav file at all"])
def test_rejects_non_wav(tmp_path, content):
    path = tmp_path / "a.wav"
    path.write_bytes(content)
    with pytest.raises(wav.InvalidAudio):
        wav.check(path, TEXT, 150)


def test_rejects_missing_file(tmp_path):
    with pytest.raises(wav.InvalidAudio):
        wav.check(tmp_path / "none.wav", TEXT, 150)


@pytest.mark.parametrize(
    ("text", "units"),
    [("Hello there, doctor.", 3), ("你好，医生现在就来看你。", 10), ("안녕하세요, 의사 선생님.", 10), ("?!", 0)],
)
def test_speech_units(text, units):
    assert wav.speech_units(text) == units
