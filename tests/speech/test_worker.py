"""The worker: the pyttsx3 save-file trap, and recovery from workers that die or hang."""

from __future__ import annotations

import pytest
import soundfile

from kiosk.speech import EngineError, ProcessExecutor, Speech, SpeechUnavailable
from kiosk.speech.synthesizer import synthesize_clip
from kiosk.speech.engine import Job
from kiosk.speech.produce import Unwritable

from . import fakes
from .samples import prefix, same_length, tolerance

# Growing, then shrinking again: in the trap each file got the previous (shorter or longer) utterance.
TRAP_SIZES = [1000, 1200, 1600, 2000, 1200, 1000]


@pytest.mark.slow
def test_each_file_holds_its_own_text_in_one_worker(references, out_dir):
    """Replays the measured trap: long utterances back to back in one fresh worker."""
    jobs = [Job(prefix(n), "gmw/en-us", 150) for n in TRAP_SIZES]
    refs = references(jobs)
    # The check below can only catch a swapped file if the texts' durations are far apart.
    lengths = sorted({refs[job].frames for job in jobs})
    assert all(b - a > 2 * tolerance(b) for a, b in zip(lengths, lengths[1:]))

    executor = ProcessExecutor()  # a fresh process: its first job is the one that came back empty
    try:
        results = [synthesize_clip(executor, job, out_dir / f"{i}.ogg", attempts=1) for i, job in enumerate(jobs)]
    finally:
        executor.close()

    assert executor.starts == 1  # no job failed and was retried behind our back
    for job, result in zip(jobs, results):
        ref = refs[job]
        assert result.words == ref.words  # eSpeak's word events: positions of every word of this text
        assert same_length(result.frames, ref.frames), (len(job.text), result.frames, ref.frames)


def test_voice_espeak_cannot_load_fails_the_job_instead_of_keeping_the_last_voice(real_executor, out_dir):
    real_executor.run(Job("مرحبا بكم في العيادة.", "sem/ar", 150), str(out_dir / "ar.wav"), str(out_dir / "ar.ogg"))
    with pytest.raises(EngineError, match="voice"):
        real_executor.run(Job("Welcome to the clinic.", "no/such-voice", 150),
                          str(out_dir / "bad.wav"), str(out_dir / "bad.ogg"))
    assert not (out_dir / "bad.ogg").exists()


def test_worker_hands_back_the_encoded_clip_and_removes_its_wav(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state)))
    try:
        words = executor.run(Job("Please take a seat.", "fake/en", 150), str(tmp_path / "a.wav"), str(tmp_path / "a.ogg"))
    finally:
        executor.close()
    assert words == ((1, len("Please take a seat.")),)
    assert soundfile.info(str(tmp_path / "a.ogg")).subtype == "VORBIS"
    assert fakes.spoken_text(tmp_path / "a.ogg") == "Please take a seat."
    assert not (tmp_path / "a.wav").exists()  # about seven times the clip's size


def test_a_clip_that_cannot_be_written_keeps_the_worker(tmp_path):
    """A full or read-only disk is not the engine's fault: restarting eSpeak would only cost time."""
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state)))
    job = Job("Hello.", "fake/en", 150)
    try:
        with pytest.raises(Unwritable):
            executor.run(job, str(tmp_path / "a.wav"), str(tmp_path / "no-such-folder" / "a.ogg"))
        executor.run(job, str(tmp_path / "b.wav"), str(tmp_path / "b.ogg"))
    finally:
        executor.close()
    assert executor.starts == 1
    assert not (tmp_path / "a.wav").exists()
    assert fakes.spoken_text(tmp_path / "b.ogg") == "Hello."


def test_worker_uses_the_wheel_library(real_executor):
    import espeakng_loader

    info = real_executor.info()
    assert info.library == espeakng_loader.get_library_path()
    assert "pyttsx3 2.99" in info.engine
    assert "eSpeak NG 1.52" in info.engine
    assert "espeakng-loader 0.2.4" in info.engine


@pytest.mark.parametrize("mode", ["die-once", "hang-once", "garbage-once"])
def test_job_survives_a_worker_that_dies_hangs_or_writes_garbage(mode, tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state), mode), timeout=3.0)
    speech = Speech(tmp_path / "audio", executor=executor)
    try:
        key = speech.register("The nurse will see you now.", "en")
        path = speech.clip_path(key)
    finally:
        speech.close()
    assert fakes.spoken_text(path) == "The nurse will see you now."
    assert executor.starts == 2
    ran_in = fakes.jobs(state)
    assert len(ran_in) == 2 and ran_in[0] != ran_in[1]  # the retry ran in a new process
    assert sorted(p.name for p in (tmp_path / "audio").iterdir()) == [f"{key}.ogg"]  # no temporary left


def test_engine_that_keeps_failing_gives_up_after_bounded_attempts(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state), "fail"), timeout=3.0)
    speech = Speech(tmp_path / "audio", executor=executor, attempts=3)
    try:
        key = speech.register("Hello.", "en")
        with pytest.raises(SpeechUnavailable):
            speech.clip_path(key)
    finally:
        speech.close()
    assert len(fakes.jobs(state)) == 3
    assert executor.starts == 3  # the first job ran in the worker that listed the voices; each retry in a new one
    assert not list((tmp_path / "audio").iterdir())  # no file, not even a temporary one


def test_engine_that_cannot_start_means_no_voices_not_a_crash(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state), "fail-start"))
    speech = Speech(tmp_path / "audio", executor=executor)
    try:
        assert speech.voice_for("en") is None
        assert speech.register("Hello.", "en") is None
        with pytest.raises(EngineError, match="cannot start"):
            executor.info()
    finally:
        speech.close()


def test_worker_with_other_engine_versions_is_refused(tmp_path):
    """Keys were computed from the first worker's versions; a later worker must match them."""
    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state), version_per_start=True))
    try:
        assert executor.info().engine == "fake start 1"
        executor.discard()
        with pytest.raises(EngineError, match="engine changed"):
            executor.info()
    finally:
        executor.close()


def test_a_worker_yields_the_cpu_to_the_web_server(tmp_path):
    """On 2 cores, the bulk render after a pronunciation save took a core from the pages."""
    import os

    from kiosk.speech.worker import WORKER_NICENESS

    state = tmp_path / "state"
    state.mkdir()
    executor = ProcessExecutor(fakes.ProcessFake(str(state)))
    try:
        executor.run(Job("Hello.", "fake/en", 150), str(tmp_path / "a.wav"), str(tmp_path / "a.ogg"))
        worker = int(fakes.jobs(state)[0])
        assert os.getpriority(os.PRIO_PROCESS, worker) == os.getpriority(os.PRIO_PROCESS, 0) + WORKER_NICENESS > 0
    finally:
        executor.close()
