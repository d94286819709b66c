"""Page benchmark: time to render each kind of page, and an htmx request for
a section against a plain request (the baseline, measured in this run): since
every page is the source of its own fragment, the two should cost the same.
Speech is on, with clips registered but not synthesised. Not a test.

    .venv/bin/python bench/bench_pages.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time

from kiosk import create_app
from kiosk.state import app_state

LEAFLET = "trigger-point-injections"
REPEATS = 50


def median_ms(fn) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    print(f"python {sys.version.split()[0]}, {sys.platform}; median of {REPEATS}\n")
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as instance:
        app = create_app(instance_path=instance)
        client = app.test_client()
        try:
            for tag in ("en", "ar", "zh-Hans"):
                section = f"/{tag}/{LEAFLET}/what-to-expect"
                client.get(section)  # warm: templates compiled, voices listed, clips registered
                full = median_ms(lambda: client.get(section))
                swap = median_ms(lambda: client.get(section, headers={"HX-Request": "true", "HX-Target": "main"}))
                overview = median_ms(lambda: client.get(f"/{tag}/{LEAFLET}/"))
                print(f"{tag:8} section {full:6.2f} ms   as an htmx swap {swap:6.2f} ms "
                      f"({swap / full:4.2f}x)   overview {overview:6.2f} ms")
            start = median_ms(lambda: client.get("/"))
            missing = median_ms(lambda: client.get("/en/no-such-page/"))
            print(f"\nstart screen {start:6.2f} ms   404 page {missing:6.2f} ms")
        finally:
            app_state(app).speech.close()


if __name__ == "__main__":
    main()
