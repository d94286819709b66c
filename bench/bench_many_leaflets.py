"""The kiosk with 1 leaflet and with 40 (issue 31): how each figure grows with the number of
leaflets. The 40 are the shipped leaflet and 39 renamed copies with their catalogs
(many_leaflets.py); every ratio is against the 1-leaflet kiosk measured in the same run.
It prints figures and writes bench/RESULTS-many-leaflets.md; it does not pass or fail.

    .venv/bin/python bench/bench_many_leaflets.py [--repeats N] [--sample N] [--count 40]

Figures, for each kiosk:
- `kiosk serve` started -> first page answered (empty audio cache), median of `repeats`;
- the crawl that renders every page once and registers every clip (what a restart does in
  the background, and prerender and export first), and how many pages and clips;
- synthesis per clip: a sample of the clips (the same seed for both), each made by the real
  speech worker; a whole prerender of 40 leaflets on this 2-core machine would take as long
  again as the crawl and says nothing more per clip;
- `kiosk export` without audio: files and bytes of the pages and assets; the clips' bytes are
  their number times the sample's mean clip size (an export with audio must make every clip);
- a section page (the shipped leaflet's) against a static file of the same bytes, from the
  same server once the crawl is done: median of sequential requests each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bench_start_up import seconds_to_first_page
from common import LEAFLET, ROOT, free_port, get
from many_leaflets import make_leaflets

RESULTS = Path(__file__).resolve().parent / "RESULTS-many-leaflets.md"
SECTION = f"/en/{LEAFLET}/what-to-expect"


def first_page(settings: dict, repeats: int) -> list[float]:
    """Seconds from starting `kiosk serve` to its first page, each over a new, empty instance."""
    runs = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory(prefix="bench-many-start-") as instance:
            port = free_port()
            env = {**os.environ, "KIOSK_INSTANCE_PATH": instance, "KIOSK_IDLE_SECONDS": "86400",
                   **{f"KIOSK_{name}": value for name, value in settings.items()}}
            runs.append(seconds_to_first_page(
                [sys.executable, "-c", "from kiosk.cli import main; main()", "serve", "--port", str(port)], port, env))
    return runs


def crawl_and_synthesis(settings: dict, sample: int) -> dict:
    """The crawl (every page once, every clip registered) and `sample` clips synthesized."""
    from kiosk import create_app
    from kiosk.jobs.crawl import ensure_registered, page_urls
    from kiosk.state import app_state

    with tempfile.TemporaryDirectory(prefix="bench-many-crawl-") as instance:
        app = create_app({**settings, "IDLE_SECONDS": 86400}, instance_path=instance)
        speech = app_state(app).speech
        try:
            start = time.perf_counter()
            clips = ensure_registered(app)
            crawl = time.perf_counter() - start
            pages = len(page_urls(app))
            keys = random.Random(31).sample(sorted(speech.missing()), sample)
            seconds, sizes = [], []
            for key in keys:
                start = time.perf_counter()
                path = speech.clip_path(key)
                seconds.append(time.perf_counter() - start)
                sizes.append(path.stat().st_size)
        finally:
            speech.close()
    return {"crawl_s": crawl, "pages": pages, "clips": clips, "per_clip_s": statistics.mean(seconds),
            "clip_bytes": statistics.mean(sizes), "sample": sample}


def export_and_pages(settings: dict, requests: int) -> dict:
    """`kiosk export` without audio, then the same app served as `kiosk serve` serves it: a section
    page against a static file of its bytes, `requests` sequential requests of each, in turn."""
    from kiosk import create_app
    from kiosk.jobs.export import export
    from kiosk.web.server import create as kiosk_server
    from waitress import wasyncore

    with tempfile.TemporaryDirectory(prefix="bench-many-export-") as scratch:
        app = create_app({**settings, "IDLE_SECONDS": 86400, "SPEECH_ENABLED": False},
                         instance_path=str(Path(scratch) / "instance"))
        start = time.perf_counter()
        report = export(app, Path(scratch) / "export")
        export_s = time.perf_counter() - start
        files = [p for p in (Path(scratch) / "export").rglob("*") if p.is_file()]
        exported = {"export_s": export_s, "files": len(files), "bytes": sum(p.stat().st_size for p in files),
                    "pages": len(report.pages)}
        server = kiosk_server(app, host="127.0.0.1", port=0, threads=8)
        port = server.socket.getsockname()[1]
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        baseline = ROOT / "static" / f"bench-many-baseline-{os.getpid()}.html"
        try:
            status, _, _, body = get(port, SECTION)
            assert status == 200
            baseline.write_bytes(body)
            static = f"/static/{baseline.name}"
            page_s, static_s = [], []
            for _ in range(requests):
                page_s.append(get(port, SECTION)[1])
                static_s.append(get(port, static)[1])
        finally:
            baseline.unlink(missing_ok=True)
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
            thread.join(60)
            server.task_dispatcher.shutdown()
    return {**exported, "page_ms": statistics.median(page_s) * 1000, "static_ms": statistics.median(static_s) * 1000,
            "size": len(body), "requests": requests}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def report(figures: dict, args: argparse.Namespace) -> str:
    one, many = figures[1], figures[args.count]
    n = args.count
    rows = [
        ("`kiosk serve` started → first page answered, empty audio cache "
         f"(median of {args.repeats})", "first_s", lambda v: f"{v:.2f} s", "1.5× (issue 31's limit)"),
        ("pages a patient can reach (every language)", "pages", lambda v: f"{v:,}", f"{n}× (linear)"),
        ("the crawl after a restart: every page rendered once, every clip registered", "crawl_s",
         lambda v: f"{v:.1f} s", f"{n}× (linear)"),
        ("the crawl, per page", "crawl_per_page_ms", lambda v: f"{v:.1f} ms", "1× (flat)"),
        ("clips registered (every text in every voice)", "clips", lambda v: f"{v:,}", f"{n}× (linear)"),
        (f"synthesis per clip, real speech worker (a sample of {args.sample}, seed 31)", "per_clip_s",
         lambda v: f"{v * 1000:.0f} ms", "1× (flat)"),
        ("whole prerender, estimated: clips × synthesis per clip", "prerender_s", lambda v: f"{v:.0f} s",
         f"{n}× (linear)"),
        ("`kiosk export` without audio: time", "export_s", lambda v: f"{v:.0f} s", f"{n}× (linear)"),
        ("`kiosk export` without audio: time per page", "export_per_page_ms", lambda v: f"{v:.1f} ms", "1× (flat)"),
        ("`kiosk export` without audio: files", "files", lambda v: f"{v:,}", f"{n}× (linear)"),
        ("`kiosk export` without audio: size", "bytes", lambda v: f"{v / 2**20:.1f} MiB", f"{n}× (linear)"),
        ("`kiosk export` with audio, estimated: + clips × the sample's mean clip size", "export_bytes",
         lambda v: f"{v / 2**20:.1f} MiB", f"{n}× (linear)"),
        (f"section page, sequential requests (median of {args.requests})", "page_ms",
         lambda v: f"{v:.2f} ms", "1× (flat)"),
        ("page ÷ static file of the same bytes, same server", "page_vs_static", lambda v: f"{v:.2f}×", "1× (flat)"),
    ]
    lines = [
        f"# {n} leaflets against 1",
        "",
        f"Written by `bench/bench_many_leaflets.py` on {figures['when']} (load average before: {figures['load']}). "
        f"The {n} are the shipped leaflet and {n - 1} renamed copies with their catalogs "
        "(`bench/many_leaflets.py`); each ratio is the "
        f"{n}-leaflet kiosk's figure over the 1-leaflet kiosk's, both measured in this run. "
        "On a shared 2-core machine absolute times drift; compare ratios.",
        "",
        f"| figure | 1 leaflet | {n} leaflets | ratio | for comparison |",
        "|---|---|---|---|---|",
        *(f"| {name} | {shown(one[key])} | {shown(many[key])} | {ratio(many[key], one[key])} | {bound} |"
          for name, key, shown, bound in rows),
        "",
        f"A copy repeats the shipped leaflet's texts but for its title, so the {n} leaflets add one clip per "
        "copy and voice, not a leaflet's worth: clips and the prerender grow far slower than the pages. "
        "A clinic's own leaflets would each add their own texts; per clip the cost is the same.",
        "",
        "The 1-leaflet kiosk's crawl and export take a few seconds, and on this shared machine such "
        "times vary by half from one run to the next: read their rows per page, and as noisy.",
        "",
    ]
    return "\n".join(lines)


def measure(count: int, folder: Path, args: argparse.Namespace) -> dict:
    settings = make_leaflets(folder / "leaflets", count, translations=folder / "translations")
    print(f"== {count} leaflet(s): first page", flush=True)
    first = first_page(settings, args.repeats)
    print(f"== {count} leaflet(s): crawl and synthesis", flush=True)
    crawl = crawl_and_synthesis(settings, args.sample)
    print(f"== {count} leaflet(s): export and pages", flush=True)
    pages = export_and_pages(settings, args.requests)
    found = {"first_s": statistics.median(first), "first_runs": first, **crawl, **pages,
             "page_vs_static": pages["page_ms"] / pages["static_ms"]}
    found["prerender_s"] = found["clips"] * found["per_clip_s"]
    found["crawl_per_page_ms"] = found["crawl_s"] * 1000 / found["pages"]
    found["export_per_page_ms"] = found["export_s"] * 1000 / found["pages"]
    found["export_bytes"] = found["bytes"] + found["clips"] * found["clip_bytes"]
    print(found, flush=True)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=3, help="start-ups of each kiosk")
    parser.add_argument("--sample", type=int, default=20, help="clips synthesized of each kiosk")
    parser.add_argument("--requests", type=int, default=200, help="requests of the page and of the file")
    args = parser.parse_args()
    figures = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
               "load": ", ".join(f"{load:.2f}" for load in os.getloadavg())}
    with tempfile.TemporaryDirectory(prefix="bench-many-") as scratch:
        for count in (1, args.count):
            figures[count] = measure(count, Path(scratch) / str(count), args)
    RESULTS.write_text(report(figures, args))
    print(f"\nWrote {RESULTS}")


if __name__ == "__main__":
    main()
