"""Storm benchmark: how long a page takes while clip requests wait for synthesis, against the
same page on the same server at idle (the baseline, measured in this run).

`kiosk serve` runs as its own process over an empty instance folder (so every clip is uncached
and its background render is busy too), with the real eSpeak NG engine. Three phases:
- paused: the speech worker is stopped (SIGSTOP) while 50 requests for uncached clips are sent,
  so every admitted one waits for synthesis (the issue: a page took 10 s behind 8 of them);
- polite storm: 50 clients ask for every clip in turn and, after a 503, wait Retry-After, as
  the kiosk's player does;
- rude storm: the same 50 clients ask again at once, saturating both cores.
Not a test: it prints figures and ratios.

    .venv/bin/python bench/bench_storm.py [--clients 50] [--pages 200]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LEAFLET, get, kiosk_serve  # noqa: E402

PAGE = f"/en/{LEAFLET}/what-to-expect"
CLIP = re.compile(r"/audio/[0-9a-f]{64}\.ogg")


def page_latencies(port: int, n: int) -> list[float]:
    times = []
    for _ in range(n):
        status, seconds, _, _ = get(port, PAGE)
        assert status == 200, status
        times.append(seconds)
    return times


def text(port: int, path: str) -> str:
    return get(port, path)[3].decode("utf-8")


def clip_paths(port: int) -> list[str]:
    """Every clip a patient can ask for, from the pages themselves (in every language)."""
    languages = [row["tag"] for row in json.loads(text(port, "/healthz"))["languages"]]
    sections = dict.fromkeys(re.findall(rf'href="/en/{LEAFLET}/([a-z0-9-]+)"', text(port, f"/en/{LEAFLET}/")))
    found: dict[str, None] = {}
    for tag in languages:
        for slug in sections:
            found.update(dict.fromkeys(CLIP.findall(text(port, f"/{tag}/{LEAFLET}/{slug}"))))
    return list(found)


def speech_worker(server_pid: int) -> int:
    """The pid of the server's speech worker (its child process running the engine)."""
    for task in Path(f"/proc/{server_pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if "multiprocessing" in Path(f"/proc/{child}/cmdline").read_text():
                return int(child)
    raise SystemExit("no speech worker found")


def summary(times: list[float]) -> dict:
    ms = sorted(1000 * t for t in times)
    return {"p50": statistics.median(ms), "p95": ms[int(0.95 * (len(ms) - 1))], "max": ms[-1]}


def show(name: str, figures: dict, idle: dict | None = None) -> None:
    ratio = f"   p50 {figures['p50'] / idle['p50']:5.2f}x idle" if idle else ""
    print(f"page {name:<24} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
          f"max {figures['max']:7.1f} ms{ratio}")


def crowd(port: int, clips, clients: int, polite: bool, stop: threading.Event, outcomes: dict) -> list[threading.Thread]:
    lock = threading.Lock()

    def client() -> None:
        path = None
        while not stop.is_set():
            if path is None:
                with lock:
                    path = next(clips, None)
                if path is None:
                    return
            try:
                status, _, headers, _ = get(port, path)
            except OSError:
                status, headers = 0, {}
            with lock:
                outcomes[status] = outcomes.get(status, 0) + 1
            if polite and status == 503:
                stop.wait(int(headers.get("Retry-After", "1")))
            else:
                path = None

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return threads


def answers(outcomes: dict) -> str:
    return ", ".join(f"{n} x {status or 'connection error'}" for status, n in sorted(outcomes.items()))


def run(clients: int = 50, pages: int = 200) -> dict:
    results: dict = {"clients": clients, "pages": pages}
    with kiosk_serve() as (port, _instance, server):
        clips = clip_paths(port)
        results["clips"] = len(clips)
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; kiosk serve on loopback, "
              f"{len(clips)} clips, none cached at the start; {pages} pages per phase\n")
        page_latencies(port, 20)  # warm up
        idle = summary(page_latencies(port, pages))
        results["idle"] = idle
        show("at idle", idle)

        # Paused: every admitted clip request waits for a worker that does not answer.
        worker = speech_worker(server.pid)
        os.kill(worker, signal.SIGSTOP)
        stop, outcomes = threading.Event(), {}
        try:
            threads = crowd(port, iter(clips[-clients:]), clients, False, stop, outcomes)
            time.sleep(1)
            paused = summary(page_latencies(port, min(pages, 50)))
        finally:
            os.kill(worker, signal.SIGCONT)
        stop.set()
        for thread in threads:
            thread.join()
        results["paused"] = {**paused, "answers": outcomes}
        show("behind a paused worker", paused, idle)
        print(f"    {clients} clip requests meanwhile: {answers(outcomes)}")

        for polite in (True, False):
            stop, outcomes = threading.Event(), {}
            threads = crowd(port, itertools.cycle(clips), clients, polite, stop, outcomes)
            time.sleep(1)  # let the queue fill
            during = summary(page_latencies(port, pages))
            stop.set()
            for thread in threads:
                thread.join()
            name = "polite" if polite else "rude"
            results[name] = {**during, "answers": outcomes}
            show(f"during a {name} storm", during, idle)
            print(f"    clip answers meanwhile: {answers(outcomes)}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="clients asking for uncached clips at once")
    parser.add_argument("--pages", type=int, default=200, help="page requests timed in each phase")
    args = parser.parse_args()
    run(args.clients, args.pages)


if __name__ == "__main__":
    main()
