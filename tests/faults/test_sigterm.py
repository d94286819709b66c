"""SIGTERM while a clip is being rendered: `kiosk serve` exits, its worker with it, and no partial file is left."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from helpers import free_port
from helpers import wait_until

from .conftest import ENGINE

ROOT = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes (its parent has not reaped it yet).
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def test_sigterm_mid_render_stops_the_worker_and_removes_partial_files(tmp_path):
    state, instance = tmp_path / "state", tmp_path / "instance"
    state.mkdir()
    (state / "mode").write_text("hang")  # writes half a clip, then hangs until killed
    port = free_port()
    env = {
        **os.environ,
        "KIOSK_INSTANCE_PATH": str(instance),
        "KIOSK_SPEECH_ENGINE": ENGINE,
        "KIOSK_FAULT_STATE": str(state),
        # The worker imports the fault engine from the tests folder.
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests"), str(ROOT)]),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from kiosk.cli import main; main()", "serve", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/healthz") or server.poll() is not None, "the kiosk to start")
        assert server.poll() is None
        # The background render starts at once and gets stuck in its first clip.
        wait_until(lambda: (state / "jobs").exists(), "a clip to be started")
        audio = instance / "audio"
        wait_until(lambda: list(audio.glob(".*.part")), "the half-written clip")
        worker = int((state / "worker.pid").read_text())
        assert alive(worker)

        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, output
    assert "Traceback" not in output
    wait_until(lambda: not alive(worker), "the worker to be gone", limit=10)
    assert not list(audio.glob(".*.part"))
    assert not list(audio.glob("*.ogg"))  # and nothing half-done was taken for a clip
