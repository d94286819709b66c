"""What the benchmarks share: `kiosk serve` in a process of its own over a fresh instance folder."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = "trigger-point-injections"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, float, dict, bytes]:
    """Status, seconds taken, headers and body of one GET on a fresh connection."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": "localhost", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - start, dict(response.getheaders()), body
    finally:
        conn.close()


@contextmanager
def kiosk_serve(*args: str, instance: str | None = None, env: dict | None = None):
    """`kiosk serve` on a free loopback port; yields (port, instance folder, its Popen). Its audio
    cache starts empty unless `instance` names a folder that has one."""
    with tempfile.TemporaryDirectory(prefix="bench-instance-") as scratch:
        folder = instance or scratch
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", "from kiosk.cli import main; main()", "serve", "--port", str(port), *args],
            # No idle warning over a benchmark's page.
            cwd=ROOT, env={**os.environ, "KIOSK_INSTANCE_PATH": folder, "KIOSK_IDLE_SECONDS": "86400", **(env or {})},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(port, "/")[0] == 200:
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit("kiosk serve did not start:\n" + (server.stderr.read() or ""))
                    time.sleep(0.2)
            yield port, folder, server
        finally:
            server.terminate()
            server.wait(30)


def wait_for_start_up(server: subprocess.Popen, timeout: float = 300) -> None:
    """Wait until `kiosk serve` (from kiosk_serve) has done its start-up work: every page
    rendered once, then every missing clip, which it logs as "audio cache ready" (or
    "incomplete"). That work runs beside the requests, on the same cores and GIL: a figure
    taken meanwhile measures start-up, and its baseline, taken later, does not.

    The server's log is read from here on, so that a full pipe never stops it."""
    done = threading.Event()

    def read() -> None:
        for line in server.stderr:
            if "audio cache" in line or "rendering audio failed" in line:
                done.set()

    threading.Thread(target=read, daemon=True).start()
    if not done.wait(timeout):
        raise SystemExit(f"kiosk serve did not finish its start-up work within {timeout:.0f} s")


def prerendered_instance(folder: str) -> None:
    """Fill `folder`'s audio cache with every clip (kiosk prerender), so figures measure serving, not synthesis."""
    subprocess.run([sys.executable, "-c", "from kiosk.cli import main; main()", "prerender"],
                   cwd=ROOT, env={**os.environ, "KIOSK_INSTANCE_PATH": folder}, check=True,
                   stdout=subprocess.DEVNULL)
