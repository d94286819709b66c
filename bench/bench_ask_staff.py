"""Ask staff about this (issue 20): the time from a patient's tap on "Ask staff about this" until
the question shows on the staff screen in another browser, which learns of it by htmx's poll
(QUESTIONS_POLL_SECONDS, 1 s). The target is 2 seconds.

`kiosk serve`'s server (waitress, 8 threads) on loopback, speech off (the flag needs none), and
Debian's Chromium through Playwright: one context is the kiosk, the other the questions board
opened with the PIN. Each round asks about a sentence, waits for it on the board, then marks it
done there. The figure is poll-bound: on average half an interval plus a request, at most one.

    .venv/bin/python bench/bench_ask_staff.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

from common import LEAFLET, ROOT

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from helpers import serving  # noqa: E402
from kiosk import create_app  # noqa: E402
from kiosk.staff import pin  # noqa: E402

PIN = "482913"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
SECTION = "what-are-trigger-points"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as instance:
        app = create_app({"SPEECH_ENABLED": False}, instance_path=instance)
        pin.save(instance, PIN)
        with serving(app, threads=8) as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            board = browser.new_context().new_page()
            board.goto(url + "/staff/")
            board.get_by_label("Staff PIN").fill(PIN)
            board.get_by_role("button", name="Open the staff screen").click()
            board.wait_for_selector("table.languages")
            board.goto(url + "/staff/questions")
            kiosk = browser.new_context().new_page()
            kiosk.goto(f"{url}/es/{LEAFLET}/{SECTION}")
            times = []
            for n in range(args.rounds):
                kiosk.locator("#main .sentence[data-sentence]").nth(n % 8).click()
                start = time.perf_counter()
                kiosk.locator('[data-sentence-action="ask"]').click()
                board.wait_for_selector("#questions .question", timeout=30_000)
                times.append(time.perf_counter() - start)
                board.locator("#questions .question button").first.click()
                board.wait_for_selector("#questions .no-questions", timeout=30_000)
                # Start the next round at another point of the poll's second.
                board.wait_for_timeout(137 * (n % 7))
            browser.close()
    times.sort()
    print(f"flag to staff screen, {len(times)} rounds: median {statistics.median(times):.2f} s, "
          f"slowest {times[-1]:.2f} s, fastest {times[0]:.2f} s (target 2 s; poll every "
          f"{app.config['QUESTIONS_POLL_SECONDS']} s)")


if __name__ == "__main__":
    main()
