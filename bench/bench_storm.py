"""Storm benchmark: how long a page takes while a crowd asks for clips nobody has rendered yet,
against the same page on the same server at idle (the baseline, measured in this run).

`kiosk serve` runs as its own process over an empty instance folder (so every clip is
uncached and its background render is busy too), with the real eSpeak NG engine.
Not a test: it prints figures and ratios.

    .venv/bin/python bench/bench_storm.py [--clients 50] [--pages 200]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = "trigger-point-injections"
PAGE = f"/en/{LEAFLET}/what-to-expect"
CLIP = re.compile(r"/audio/[0-9a-f]{64}\.wav")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, float, dict]:
    """Status, seconds taken and headers of one GET on a fresh connection (as a kiosk's browser may)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - start, dict(response.getheaders())
    finally:
        conn.close()


def page_latencies(port: int, n: int) -> list[float]:
    times = []
    for _ in range(n):
        status, seconds, _ = get(port, PAGE)
        assert status == 200, status
        times.append(seconds)
    return times


def clip_paths(port: int) -> list[str]:
    """Every clip a patient can ask for, from the pages themselves (in every language)."""
    languages = [row["tag"] for row in json.loads(fetch(port, "/healthz"))["languages"]]
    sections = re.findall(rf'href="/en/{LEAFLET}/([a-z0-9-]+)"', fetch(port, f"/en/{LEAFLET}/"))
    found: dict[str, None] = {}
    for tag in languages:
        for slug in dict.fromkeys(sections):
            for clip in CLIP.findall(fetch(port, f"/{tag}/{LEAFLET}/{slug}")):
                found[clip] = None
    return list(found)


def fetch(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Host": "localhost"})
        return conn.getresponse().read().decode("utf-8")
    finally:
        conn.close()


def summary(times: list[float]) -> str:
    ms = sorted(1000 * t for t in times)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    return f"p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"


def storm_phase(port: int, clips: list[str], args, idle: list[float], polite: bool) -> None:
    stop = threading.Event()
    outcomes: dict[int, int] = {}
    lock = threading.Lock()
    # In turn, again and again: the first pass finds nothing cached.
    queue = itertools.cycle(clips)

    def storm() -> None:
        path = None
        while not stop.is_set():
            if path is None:
                with lock:
                    path = next(queue)
            try:
                status, _, headers = get(port, path)
            except OSError:
                status, headers = 0, {}
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1
            if polite and status == 503:
                stop.wait(int(headers.get("Retry-After", "1")))
            else:
                path = None

    crowd = [threading.Thread(target=storm, daemon=True) for _ in range(args.clients)]
    for thread in crowd:
        thread.start()
    time.sleep(1)  # let the queue fill
    during = page_latencies(port, args.pages)
    stop.set()
    for thread in crowd:
        thread.join()
    name = "polite" if polite else "rude"
    print(f"page during a {name:6} storm  {summary(during)}   "
          f"p50 {statistics.median(during) / statistics.median(idle):5.2f}x idle")
    print("    clip answers meanwhile: "
          + ", ".join(f"{count} x {status or 'connection error'}" for status, count in sorted(outcomes.items())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="clients asking for uncached clips at once")
    parser.add_argument("--pages", type=int, default=200, help="page requests timed in each phase")
    args = parser.parse_args()

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-storm-") as instance:
        env = {**os.environ, "KIOSK_INSTANCE_PATH": instance}
        server = subprocess.Popen(
            [sys.executable, "-c", "from kiosk.cli import main; main()", "serve", "--port", str(port)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if get(port, "/")[0] == 200:
                        break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("kiosk serve did not start:\n" + (server.stderr.read() if server.poll() is not None else ""))
                    time.sleep(0.2)
            clips = clip_paths(port)
            print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; kiosk serve on loopback, "
                  f"{len(clips)} clips, none cached at the start; {args.pages} pages per phase\n")

            page_latencies(port, 20)  # warm up
            idle = page_latencies(port, args.pages)
            print(f"page at idle                 {summary(idle)}")
            # Polite: each client asks for the next clip, and after a 503 waits Retry-After and
            # asks again, as the kiosk's player does. Rude: asks for the next clip at once.
            for polite in (True, False):
                storm_phase(port, clips, args, idle, polite)
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
