"""Pages while a pronunciation entry is saved (issue 28): their latency at idle, and while the
kiosk makes the changed clips and renders again the pages that name them.

`kiosk serve` with real eSpeak NG over a prerendered instance; a few patients' browsers (threads,
one request at a time each) ask for every patient page in turn, all the while. Staff save
"TPI" said a new way; the figures are split at the save and at the server's log line that
says the pages were rendered again. Issue 28 measured 141 ms p99 at idle and 2.1-2.3 s for
30 s after a save, when every page of every language was rendered again.

Measured on 2026-12-07, 2 cores, with other work running (load average 4-6), defaults:
                                   idle p50/p99   save → pages again p50/p99   30 s after p99
  changed pages dropped (8da1170^)   8 / 34 ms      24 / 382 ms                  25 ms
  stale pages served (8da1170)      12 / 92 ms      32 / 153 ms                  94 ms
                                     8 / 40 ms      16 /  69 ms                  25 ms
  and speech workers at nice 5       7 / 57 ms       8 / 110 ms                  58 ms
The window from the save until the pages are rendered again lasts 2-5 s and holds 200-500
requests, so its p99 is the slowest few: compare its median, and the ratio within one run.

    .venv/bin/python bench/bench_lexicon_save.py [--clients 4] [--idle 20] [--after 30]

Figures only: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse

from common import ROOT, kiosk_serve, prerendered_instance

sys.path.insert(0, str(ROOT))

from kiosk import create_app  # noqa: E402
from kiosk.jobs.crawl import page_urls  # noqa: E402
from kiosk.staff import pin  # noqa: E402

PIN = "482913"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SAYS = ("tee pee eye", "T. P. I.")


class LogWatch:
    """The server's log, read all along (a full pipe would stop it): when a line with `text` came."""

    def __init__(self, server) -> None:
        self._lines: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, args=(server,), daemon=True).start()

    def _read(self, server) -> None:
        for line in server.stderr:
            with self._lock:
                self._lines.append((time.monotonic(), line))

    def wait_for(self, text: str, after: float, timeout: float) -> float:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                for at, line in self._lines:
                    if at >= after and text in line:
                        return at
            time.sleep(0.05)
        raise SystemExit(f"no {text!r} in the server's log within {timeout:.0f} s")


class Staff:
    """One staff browser: its session cookie, and the CSRF token of the page it last read."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        headers = {"Host": "localhost", "Cookie": self.cookie, "Origin": "http://localhost",
                   "Referer": f"http://localhost{path}"}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            cookie = response.getheader("Set-Cookie")
            if cookie:
                self.cookie = cookie.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def token(self, path: str) -> str:
        return TOKEN.search(self.request("GET", path)[1]).group(1)


def patients(port: int, urls: list[str], stop: threading.Event, times: list, lock: threading.Lock, offset: int):
    """One patient's browser: every page in turn, one at a time, until `stop`."""
    n = offset
    while not stop.is_set():
        url = urls[n % len(urls)]
        n += 1
        start = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.request("GET", url, headers={"Host": "localhost", "Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            status = response.status
        finally:
            conn.close()
        with lock:
            times.append((start, time.monotonic() - start, status))


def figures(name: str, samples: list[tuple[float, float, int]]) -> None:
    if not samples:
        print(f"{name:42} no requests")
        return
    seconds = sorted(s[1] for s in samples)
    p99 = seconds[min(len(seconds) - 1, int(0.99 * len(seconds)))]
    errors = sum(1 for s in samples if s[2] != 200)
    print(f"{name:42} {len(seconds):6} pages  median {statistics.median(seconds) * 1000:6.0f} ms  "
          f"p99 {p99 * 1000:6.0f} ms  max {seconds[-1] * 1000:6.0f} ms  not 200: {errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4, help="patients' browsers at once")
    parser.add_argument("--idle", type=float, default=20, help="seconds measured before the save")
    parser.add_argument("--after", type=float, default=30, help="seconds measured after the save, at least")
    args = parser.parse_args()
    urls = page_urls(create_app({"SPEECH_ENABLED": False}, instance_path=tempfile.mkdtemp(prefix="bench-urls-")))
    with tempfile.TemporaryDirectory(prefix="bench-lexicon-") as instance:
        print("prerendering every clip (kiosk prerender)…", flush=True)
        prerendered_instance(instance)
        pin.save(instance, PIN)
        with kiosk_serve(instance=instance) as (port, _, server):
            log = LogWatch(server)
            log.wait_for("audio cache", 0, 600)
            staff = Staff(port)
            staff.request("POST", "/staff/login", {"pin": PIN, "csrf_token": staff.token("/staff/")})
            token = staff.token("/staff/lexicon/en/")
            # The first save makes both says' clips, so the measured one has only pages and
            # the few clips of a say heard before to find: the steady state of a kiosk in use.
            for say in SAYS:
                started = time.monotonic()
                status, page = staff.request("POST", "/staff/lexicon/en/save", {
                    "csrf_token": token, "grapheme": "TPI", "say": say, "replacing": "TPI"})
                assert status == 303, (status, page[:500])
                log.wait_for("pages rendered again", started, 600)
            for url in urls:  # every page kept again
                staff_free = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                staff_free.request("GET", url, headers={"Host": "localhost"})
                staff_free.getresponse().read()
                staff_free.close()

            times: list = []
            lock, stop = threading.Lock(), threading.Event()
            threads = [threading.Thread(target=patients, args=(port, urls, stop, times, lock, i * 7), daemon=True)
                       for i in range(args.clients)]
            for thread in threads:
                thread.start()
            time.sleep(args.idle)  # the idle figure's window: requests run all along
            staff.request("POST", "/staff/login", {"pin": PIN, "csrf_token": staff.token("/staff/")})
            token = staff.token("/staff/lexicon/en/")
            saved = time.monotonic()
            status, page = staff.request("POST", "/staff/lexicon/en/save", {
                "csrf_token": token, "grapheme": "TPI", "say": SAYS[0], "replacing": "TPI"})
            answered = time.monotonic()
            assert status == 303, (status, page[:500])
            rendered = log.wait_for("pages rendered again", saved, 600)
            time.sleep(max(0.0, saved + args.after - time.monotonic()))
            stop.set()
            for thread in threads:
                thread.join()
    print(f"{args.clients} patients' browsers, every patient page in turn; real eSpeak NG; "
          f"the save answered in {(answered - saved) * 1000:.0f} ms, and the pages were rendered again "
          f"{rendered - saved:.1f} s after it")
    figures("idle (before the save)", [s for s in times if s[0] < saved])
    figures("from the save until pages rendered again", [s for s in times if saved <= s[0] < rendered])
    figures(f"the {args.after:.0f} s after the save", [s for s in times if saved <= s[0] < saved + args.after])


if __name__ == "__main__":
    main()
