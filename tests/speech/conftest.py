"""Fixtures for the speech tests: fake-engine Speech objects and apps, and real-engine references."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from kiosk.speech import ProcessExecutor, Speech, ThreadExecutor, init_app
from kiosk.speech.synthesizer import Synthesized, synthesize_clip
from kiosk.speech.engine import Job
from kiosk.state import attach

from .fakes import FakeEngine



@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def make_speech(tmp_path):
    """Build a Speech over a fake engine run on a thread; closed after the test."""
    made = []

    def make(engine: FakeEngine, **options) -> Speech:
        speech = Speech(tmp_path / "audio", executor=ThreadExecutor(lambda: engine), **options)
        made.append(speech)
        return speech

    yield make
    for speech in made:
        speech.close()


@pytest.fixture
def make_app(tmp_path):
    """A tiny Flask app with only speech on it, as the brief asks (not the kiosk's create_app)."""

    def make(engine: FakeEngine | None, **config) -> Flask:
        app = Flask(__name__, instance_path=str(tmp_path / "instance"))
        app.config.update(TESTING=True, SPEECH_CACHE_DIR=str(tmp_path / "audio"), **config)
        attach(app)  # the kiosk's state, where speech keeps its service
        init_app(app, executor=ThreadExecutor(lambda: engine) if engine is not None else None)
        return app

    return make


@pytest.fixture(scope="session")
def real_executor():
    """One real eSpeak worker for the session."""
    executor = ProcessExecutor()
    yield executor
    executor.close()


@pytest.fixture(scope="session")
def voice_ids(real_executor, tmp_path_factory):
    """locale tag -> voice id, as the real engine resolves them."""
    speech = Speech(tmp_path_factory.mktemp("voices"), executor=real_executor)
    return speech.voice_for


@pytest.fixture(scope="session")
def references(tmp_path_factory):
    """Render jobs each alone in a fresh worker process (the trap cannot touch a first utterance)."""
    folder = tmp_path_factory.mktemp("references")
    cache: dict[Job, Synthesized] = {}

    def alone(job: Job) -> Synthesized:
        executor = ProcessExecutor()
        try:
            return synthesize_clip(executor, job, folder / f"{uuid.uuid4().hex}.ogg", attempts=1)
        finally:
            executor.close()

    def get(jobs: list[Job]) -> dict[Job, Synthesized]:
        missing = [job for job in dict.fromkeys(jobs) if job not in cache]
        with ThreadPoolExecutor(2) as pool:  # two cores, two fresh workers at a time
            for job, rendered in zip(missing, pool.map(alone, missing)):
                cache[job] = rendered
        return {job: cache[job] for job in jobs}

    return get


@pytest.fixture
def out_dir(tmp_path) -> Path:
    path = tmp_path / "out"
    path.mkdir()
    return path
