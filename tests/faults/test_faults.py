"""Fault tests: the worker paused or killed, clips corrupted, the cache read-only or full.

Each runs the kiosk behind waitress with the settings of `kiosk serve`, and checks what a
patient would meet: pages keep coming, and a clip is either right or honestly unavailable.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import threading

import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
import soundfile

from kiosk.jobs.crawl import ensure_registered
from kiosk.speech import ogg

from helpers import wait_until

from .conftest import read_only, tmpfs
from kiosk.state import app_state

SECTION = "/en/trigger-point-injections/what-to-expect"


@dataclass
class Answer:
    status_code: int
    headers: dict
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")

    def json(self):
        import json

        return json.loads(self.content)


def get(url: str, timeout: float = 60) -> Answer:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers), error.read())


def clip_url(base: str, key: str) -> str:
    return f"{base}/audio/{key}.ogg"


def english_keys(app, n: int, besides: frozenset[str] = frozenset()) -> list[str]:
    """`n` registered English clips that are not cached yet, none of `besides`."""
    ensure_registered(app)
    speech = app_state(app).speech
    keys = [key for key in speech.missing()
            if speech.job(key).voice == speech.voice_for("en") and key not in besides]
    assert len(keys) >= n
    return keys[:n]


def says(body: bytes, text: str) -> bool:
    """Whether a fake clip's bytes are a whole clip saying `text`."""
    with soundfile.SoundFile(io.BytesIO(body)) as clip:
        return clip.frames > 0 and clip.comment == text


def jobs(state) -> list[str]:
    path = state / "jobs"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.slow
def test_pages_answer_while_every_clip_waits_for_a_paused_worker(make_kiosk, tmp_path):
    """The real engine, paused with SIGSTOP: the queue fills, the rest get 503 at once, pages carry on."""
    with make_kiosk(tmp_path / "audio", SPEECH_ENGINE=None) as (app, base):
        speech = app_state(app).speech
        first, *others = english_keys(app, 13)
        assert get(clip_url(base, first), timeout=60).status_code == 200  # the worker is up
        worker = espeak_executor(speech).pid
        os.kill(worker, signal.SIGSTOP)
        answers: dict[str, Answer] = {}
        try:
            threads = [threading.Thread(target=lambda k=k: answers.__setitem__(k, get(clip_url(base, k), timeout=120)))
                       for k in others]
            for thread in threads:
                thread.start()
            wait_until(lambda: len(answers) == len(others) - speech.queue, "every request beyond the queue answered")
            busy = list(answers.values())
            assert {r.status_code for r in busy} == {503}
            assert all(int(r.headers["Retry-After"]) > 0 for r in busy)
            assert speech.status()["waiting"] == speech.queue

            page = get(base + SECTION, timeout=60)
            # The page came while the queued clips were still waiting behind the paused worker.
            assert speech.status()["waiting"] == speech.queue
            assert page.status_code == 200 and "What Should You Expect" in page.text
        finally:
            os.kill(worker, signal.SIGCONT)
        for thread in threads:
            thread.join()
        waited = [answers[k] for k in others if answers[k].status_code != 503]
        assert len(waited) == speech.queue
        for response in waited:
            assert response.status_code == 200
            assert soundfile.info(io.BytesIO(response.content)).frames > 0


def test_a_worker_killed_mid_clip_is_replaced_and_the_clip_served(make_kiosk, tmp_path, fault_state):
    (fault_state / "mode").write_text("hang")
    with make_kiosk(tmp_path / "audio") as (app, base):
        (key,) = english_keys(app, 1)
        answer = {}
        thread = threading.Thread(target=lambda: answer.update(r=get(clip_url(base, key), timeout=120)))
        thread.start()
        wait_until(lambda: len(jobs(fault_state)) == 1, "the first job to start")
        (fault_state / "mode").write_text("ok")
        os.kill(int((fault_state / "worker.pid").read_text()), signal.SIGKILL)
        thread.join()
        assert answer["r"].status_code == 200
        assert says(answer["r"].content, app_state(app).speech.job(key).text)
        assert espeak_executor(app_state(app).speech).starts == 2
        assert not list((tmp_path / "audio").glob(".*.part"))


@pytest.mark.parametrize("damage", ["empty", "half", "zeros"])
def test_corrupt_clips_are_never_served_and_heal(make_kiosk, tmp_path, fault_state, damage):
    cache = tmp_path / "audio"
    with make_kiosk(cache) as (app, base):
        (key,) = english_keys(app, 1)
        text = app_state(app).speech.job(key).text
        assert says(get(clip_url(base, key), timeout=60).content, text)
        path = cache / f"{key}.ogg"
        data = path.read_bytes()
        path.write_bytes({"empty": b"", "half": data[: len(data) // 2], "zeros": b"\0" * len(data)}[damage])
        again = get(clip_url(base, key), timeout=60)
        assert again.status_code == 200 and says(again.content, text)
        assert ogg.check(path, text, app_state(app).speech.rate)
        assert len(jobs(fault_state)) == 2


@pytest.mark.slow
def test_corrupt_clips_are_found_by_prerender_after_a_restart(make_kiosk, tmp_path, fault_state):
    cache = tmp_path / "audio"
    with make_kiosk(cache) as (app, base):
        keys = english_keys(app, 2)
        for key in keys:
            get(clip_url(base, key), timeout=60)
    (cache / f"{keys[0]}.ogg").write_bytes(b"\0" * 1000)
    with make_kiosk(cache) as (app, base):
        ensure_registered(app)
        speech = app_state(app).speech
        assert keys[0] in speech.missing() and keys[1] not in speech.missing()


@pytest.mark.root
def test_a_read_only_cache_serves_what_it_has_and_renders_the_rest_elsewhere(make_kiosk, tmp_path, fault_state, caplog):
    with tmpfs(tmp_path / "audio") as cache:
        with make_kiosk(cache) as (app, base):
            cached, *missing = english_keys(app, 3)
            assert get(clip_url(base, cached), timeout=60).status_code == 200
        read_only(cache)
        with caplog.at_level(logging.ERROR), make_kiosk(cache) as (app, base):
            speech = app_state(app).speech
            assert says(get(clip_url(base, cached), timeout=60).content, speech.job(cached).text)
            for key in missing:
                response = get(clip_url(base, key), timeout=60)
                assert response.status_code == 200 and says(response.content, speech.job(key).text)
            written = [line.split(" ", 1)[1] for line in jobs(fault_state)[1:]]
            assert len(written) == 2 and not any(path.startswith(str(cache)) for path in written)
            assert speech.status()["fallback"] and speech.status()["ok"]
        notices = [r for r in caplog.records if "cannot be written" in r.getMessage()]
        assert len(notices) == 1 and "Read-only file system" in notices[0].getMessage()


@pytest.mark.root
def test_a_full_cache_renders_elsewhere(make_kiosk, tmp_path, fault_state):
    with tmpfs(tmp_path / "audio", size="64k") as cache:
        with make_kiosk(cache) as (app, base):
            (key,) = english_keys(app, 1)
            response = get(clip_url(base, key), timeout=60)
            assert response.status_code == 200 and says(response.content, app_state(app).speech.job(key).text)
            assert not (cache / f"{key}.ogg").exists()
            assert jobs(fault_state) and str(cache) not in jobs(fault_state)[0]


@pytest.mark.root
def test_no_folder_to_write_answers_503_without_asking_the_engine(make_kiosk, tmp_path, fault_state, monkeypatch):
    with tmpfs(tmp_path / "audio") as cache, tmpfs(tmp_path / "tmp") as tmp:
        read_only(cache)
        read_only(tmp)
        monkeypatch.setattr("tempfile.tempdir", str(tmp))
        with make_kiosk(cache) as (app, base):
            keys = english_keys(app, 3)
            for key in keys:
                assert get(clip_url(base, key), timeout=60).status_code == 503
            assert get(base + SECTION, timeout=60).status_code == 200
            assert jobs(fault_state) == []
            assert app_state(app).speech.status()["ok"] is False
            assert get(base + "/healthz", timeout=60).json()["status"] != "ok"


def espeak_executor(speech):
    """The eSpeak NG worker's executor: with Piper's voices looked for, the speech layer's
    executor is the router in front of it (kiosk/speech/engines.py)."""
    return getattr(speech.executor, "default", speech.executor)
