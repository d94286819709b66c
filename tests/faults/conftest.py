"""Fixtures for fault tests: a kiosk behind waitress as `kiosk serve` runs it, and real mounts.

A read-only folder must be a read-only *mount*: chmod does not stop root, and CI runs as root.
"""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk import create_app

from helpers import serving
from kiosk.state import app_state

ENGINE = "faults.engine:FaultEngine"


@pytest.fixture
def fault_state(tmp_path, monkeypatch):
    """The folder that steers FaultEngine; its worker inherits the variable."""
    state = tmp_path / "fault-state"
    state.mkdir()
    monkeypatch.setenv("KIOSK_FAULT_STATE", str(state))
    return state


@pytest.fixture
def make_kiosk(tmp_path, serve_settings):
    """Build the kiosk over `cache` (FaultEngine unless told otherwise) and serve it; yields (app, url)."""
    apps = []

    @contextmanager
    def make(cache: Path, **config):
        app = create_app({"TESTING": True, "SPEECH_CACHE_DIR": str(cache), "SPEECH_ENGINE": ENGINE, **config},
                         instance_path=str(tmp_path / f"instance-{len(apps)}"))
        apps.append(app)
        with serving(app, **serve_settings) as url:
            yield app, url

    yield make
    for app in apps:
        app_state(app).speech.close()


def mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@contextmanager
def tmpfs(path: Path, size: str = "8m"):
    """A fresh tmpfs at `path` (root only: CI and this machine run tests as root)."""
    path.mkdir(parents=True, exist_ok=True)
    mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def read_only(path: Path) -> None:
    mount("-o", "remount,ro", str(path))
