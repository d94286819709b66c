"""Start-up figures (issues 17 and 18): how soon `kiosk serve` answers its first page, and how a
page fares right after a restart while two first-clip requests wait for the crawl of every page.

    .venv/bin/python bench/bench_start_up.py [--repeats N]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from common import LEAFLET, ROOT, free_port, get, kiosk_serve, prerendered_instance, wait_for_start_up

FIRST = f"/en/{LEAFLET}/what-to-expect"
LATER = f"/en/{LEAFLET}/what-is-a-trigger-point-injection"
# The baseline: the same Python, Flask and waitress answering a one-line page.
BARE_APP = """
from flask import Flask
import waitress
app = Flask("bare")
app.add_url_rule("/", "index", lambda: "<!doctype html><title>bare</title>")
waitress.serve(app, host="127.0.0.1", port={port}, threads=8)
"""


def seconds_to_first_page(command: list[str], port: int, env: dict) -> float:
    """From starting `command` to the first 200 answer to GET / on `port`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                connection.request("GET", "/", headers={"Host": "localhost"})
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return time.perf_counter() - start
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"{command} exited with {process.returncode} before it answered")
                time.sleep(0.005)
    finally:
        process.terminate()
        process.wait(30)


def kiosk_first_page(instance: str) -> float:
    port = free_port()
    return seconds_to_first_page(
        [sys.executable, "-c", "from kiosk.cli import main; main()", "serve", "--port", str(port)], port,
        {**os.environ, "KIOSK_INSTANCE_PATH": instance, "KIOSK_IDLE_SECONDS": "86400"})


def bare_first_page() -> float:
    port = free_port()
    return seconds_to_first_page([sys.executable, "-c", BARE_APP.format(port=port)], port, dict(os.environ))


def time_to_first_page(repeats: int) -> dict:
    """The kiosk over an empty and over a full audio cache, and the bare app, taken in turn."""
    runs: dict[str, list[float]] = {"empty": [], "full": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="bench-start-full-") as full:
        prerendered_instance(full)
        for _ in range(repeats):
            with tempfile.TemporaryDirectory(prefix="bench-start-empty-") as empty:
                runs["empty"].append(kiosk_first_page(empty))
            runs["full"].append(kiosk_first_page(full))
            runs["bare"].append(bare_first_page())
    return {"repeats": repeats, "runs": runs, **{name: statistics.median(times) for name, times in runs.items()}}


def page_during_first_clips(repeats: int) -> dict:
    """A section page asked for right after a restart, while two clip requests from before it
    (which wait for the crawl that registers every clip) are in flight; and the same page once
    the start-up work is done. Over a full audio cache, so the clips cost no synthesis."""
    during, after = [], []
    with tempfile.TemporaryDirectory(prefix="bench-start-clips-") as instance:
        prerendered_instance(instance)
        with kiosk_serve(instance=instance) as (port, _, server):
            clips = re.findall(r'data-clip="([^"]+)"', get(port, FIRST)[3].decode())[:2]
            wait_for_start_up(server)
        for _ in range(repeats):
            with kiosk_serve(instance=instance) as (port, _, server):  # yields once / has answered
                threads = [threading.Thread(target=get, args=(port, clip)) for clip in clips]
                for thread in threads:
                    thread.start()
                status, seconds, _, _ = get(port, LATER)
                assert status == 200
                during.append(seconds)
                for thread in threads:
                    thread.join()
                wait_for_start_up(server)
                after.append(get(port, LATER)[1])
    return {"repeats": repeats, "during_ms": statistics.median(during) * 1000,
            "after_ms": statistics.median(after) * 1000, "runs_ms": [round(s * 1000, 1) for s in during]}


def run(repeats: int) -> dict:
    return {"first_page": time_to_first_page(repeats), "first_clips": page_during_first_clips(repeats)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    print(run(parser.parse_args().repeats))
