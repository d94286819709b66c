"""The benchmark suite: every figure of the speed-and-scale issue, each against a baseline measured
in the same run, written to bench/RESULTS.md. It prints figures; it does not pass or fail.

    scripts/bench.sh            (set-up included: wrk and Chromium from Debian)
    .venv/bin/python bench/run.py [--quick]
    .venv/bin/python bench/run.py --only start-up   (those figures only: their rows are rewritten in place)
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_start_up  # noqa: E402
import bench_storm  # noqa: E402
import bench_synthesis  # noqa: E402
import browser_figures  # noqa: E402
from common import LEAFLET, ROOT, get, kiosk_serve, prerendered_instance, wait_for_start_up  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
# The 40-leaflet figures have a file of their own, written by bench_many_leaflets.py, which this
# script does not run (it takes some 20 minutes more on a 2-core machine, and measures something
# else: growth with the leaflets, not speed against a baseline). This file is written anew
# from scratch each run, so the link is written with it and is never lost.
MANY_LEAFLETS_LINK = ("The kiosk with 40 leaflets against 1 (start-up, crawl, synthesis per clip, export size, "
                      "a page against a static file): [RESULTS-many-leaflets.md](RESULTS-many-leaflets.md), "
                      "written by `bench/bench_many_leaflets.py`.")
SECTION = f"/en/{LEAFLET}/what-to-expect"
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    chromium = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{os.cpu_count()} cores ({cpu}){memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}; {chromium or 'Chromium not found'}")


UNANSWERED_AFTER = 5


def wrk(url: str, seconds: int, connections: int = 50) -> dict:
    # No Accept-Encoding: both answers then carry the same bytes (the page's gzip would
    # otherwise make it a fifth of the size of the file it is compared with).
    # A request with no answer within UNANSWERED_AFTER counts as unanswered (wrk's "timeout"):
    # a patient's page must never hang, whatever the p99.
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                          f"--timeout={UNANSWERED_AFTER}s", "-H", "Host: localhost", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct, value, unit in WRK_LATENCY.findall(out):
        latency[pct] = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = re.search(r"Socket errors:.*timeout (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": latency.get("50"), "p99": latency.get("99"),
            "unanswered": int(errors.group(1)) if errors else 0, "requests": requests}


def unanswered(port: int, seconds: int, rounds: int) -> dict:
    """Requests for a section page with no answer within UNANSWERED_AFTER, at 20 and at 50
    connections (the kiosk's turns once starved a waiting page for 5 s and more)."""
    found = {}
    for connections in (20, 50):
        runs = [wrk(f"http://127.0.0.1:{port}{SECTION}", seconds, connections) for _ in range(rounds)]
        found[connections] = {"unanswered": sum(r["unanswered"] for r in runs),
                              "requests": sum(r["requests"] for r in runs)}
    return found


def throughput(port: int, seconds: int, rounds: int = 5) -> dict:
    """A section page against a static file of the same size, from the same server: `rounds`
    runs of each, taken in turn, and the median of each figure (on a shared machine one run's
    slowest 1 % can be another process's doing)."""
    status, _, _, body = get(port, SECTION)
    assert status == 200
    baseline = ROOT / "static" / f"bench-baseline-{os.getpid()}.html"
    baseline.write_bytes(body)
    runs: dict[str, list[dict]] = {"page": [], "static": []}
    try:
        base = f"http://127.0.0.1:{port}"
        # Both warmed up: the first run against a file /static has not served yet came out at a
        # quarter of the later runs' rate (141 against 600 req/s), every time.
        wrk(base + SECTION, 2)
        wrk(f"{base}/static/{baseline.name}", 2)
        for _ in range(rounds):
            runs["page"].append(wrk(base + SECTION, seconds))
            runs["static"].append(wrk(f"{base}/static/{baseline.name}", seconds))
    finally:
        baseline.unlink()
    medians = {name: {figure: statistics.median(run[figure] for run in found) for figure in ("rps", "p50", "p99")}
               for name, found in runs.items()}
    return {"size": len(body), "rounds": rounds, **medians}


def prerender_scaling(workers: int, rounds: int) -> dict:
    """Wall time of `kiosk prerender` from an empty cache with 1 worker and with `workers`: the
    median of `rounds` runs of each, taken in turn (one run on this shared machine varied by
    a quarter from the next)."""
    runs: dict[int, list[float]] = {n: [] for n in sorted({1, workers})}
    machine_runs: list[float] = []
    for _ in range(rounds):
        machine_runs.append(cpu_scaling(workers))
        for n in runs:
            with tempfile.TemporaryDirectory(prefix="bench-prerender-") as instance:
                start = time.perf_counter()
                subprocess.run([sys.executable, "-c", "from kiosk.cli import main; main()", "prerender",
                                "--workers", str(n)],
                               cwd=ROOT, env={**os.environ, "KIOSK_INSTANCE_PATH": instance}, check=True,
                               stdout=subprocess.DEVNULL)
                runs[n].append(time.perf_counter() - start)
    return {"rounds": rounds, "runs": runs, **{n: statistics.median(times) for n, times in runs.items()},
            "machine": statistics.median(machine_runs), "machine_runs": machine_runs}


def _spin(count: int) -> int:
    total = 0
    for i in range(count):
        total += i * i
    return total


def cpu_scaling(workers: int, count: int = 15_000_000) -> float:
    """What this machine's cores give at best: pure Python work split over `workers` processes,
    against the same work in one (0.5 would be two whole cores). On a shared virtual machine
    the cores are not always whole; this says how far prerender could go in the same run."""
    with multiprocessing.Pool(workers) as pool:
        pool.map(_spin, [1] * workers)  # started, so neither side counts process start-up
        start = time.perf_counter()
        pool.map(_spin, [count * workers], chunksize=1)
        one = time.perf_counter() - start
        start = time.perf_counter()
        pool.map(_spin, [count] * workers, chunksize=1)
        split = time.perf_counter() - start
    return split / one


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def start_up_rows(start_up: dict) -> list[str]:
    first, clips = start_up["first_page"], start_up["first_clips"]
    return [
        f"| `kiosk serve` started → first page answered, empty audio cache (median of {first['repeats']}) | "
        f"{first['empty']:.2f} s | a bare Flask app on waitress, started the same way: {first['bare']:.2f} s | "
        f"{ratio(first['empty'], first['bare'])} | ≤ 1 s |",
        f"| the same, full audio cache | {first['full']:.2f} s | the bare app: {first['bare']:.2f} s | "
        f"{ratio(first['full'], first['bare'])} | ≤ 1 s |",
        f"| section page right after a restart, while two clip requests from before it wait for the crawl "
        f"(median of {clips['repeats']}) | {clips['during_ms']:.1f} ms | the same page once start-up is done: "
        f"{clips['after_ms']:.1f} ms | {ratio(clips['during_ms'], clips['after_ms'])} "
        f"(bound here: {3 * clips['after_ms'] + 100:.0f} ms) | ≤ 3× + 100 ms (issue 17: was 1,189 ms) |",
    ]


def row_key(row: str) -> str:
    """What names a figure's row whatever its numbers: its first cell up to any parenthesis."""
    return row.split("|")[1].split("(")[0].strip()


def rewrite_start_up_rows(start_up: dict, load: str) -> None:
    """Only the start-up rows of RESULTS.md, in place, with a line saying when and under what load."""
    rows = {row_key(row): row for row in start_up_rows(start_up)}
    lines = RESULTS.read_text().splitlines()
    found = set()
    for n, line in enumerate(lines):
        if line.startswith("| ") and row_key(line) in rows:
            found.add(row_key(line))
            lines[n] = rows[row_key(line)]
    if found != set(rows):
        raise SystemExit(f"RESULTS.md has no row for {sorted(set(rows) - found)}: run the whole suite")
    note = (f"The start-up rows were written again by `bench/run.py --only start-up` on "
            f"{datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} (load average {load}).")
    lines = [line for line in lines if not line.startswith("The start-up rows were written again")]
    table = next(n for n, line in enumerate(lines) if line.startswith("| figure"))
    lines[table - 1:table - 1] = [note]
    RESULTS.write_text("\n".join(lines) + "\n")


def report(figures: dict) -> str:
    tap, turn = figures["browser"]["tap"], figures["browser"]["turn"]
    thr = figures["throughput"]
    pre = figures["prerender"]
    storm = figures["storm"]
    synth = figures["synthesis"]
    cores = max(n for n in pre if isinstance(n, int))
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py{' --quick' if figures['quick'] else ''}` on {figures['when']}. "
        f"Machine: {figures['machine']}.",
        "Every ratio is against a baseline measured in the same run, on the same machine; a shared",
        "machine is noisy, so compare ratios, not absolute times, across runs.",
        "",
        "| figure | kiosk | baseline (same run) | ratio | target |",
        "|---|---|---|---|---|",
        f"| tap Play → `playing` (median of {tap['repeats']}) | {tap['kiosk_ms']:.1f} ms | bare preloaded `<audio>`, same clip: "
        f"{tap['bare_ms']:.1f} ms | {ratio(tap['kiosk_ms'], tap['bare_ms'])} | ≤ 1.5× or within 5 ms |",
        f"| page turn: Next → new heading focused (median of {turn['repeats']}) | {turn['turn_ms']:.1f} ms | full load of the same "
        f"URL: {turn['load_ms']:.1f} ms | {ratio(turn['turn_ms'], turn['load_ms'])} | ≤ 0.25× |",
        f"| section page, 50 connections (wrk, no compression; median of {thr['rounds']} runs of each) | {thr['page']['rps']:.0f} req/s, p50 {thr['page']['p50']:.1f} ms, "
        f"p99 {thr['page']['p99']:.1f} ms | static file of the same size ({thr['size']:,} B): {thr['static']['rps']:.0f} req/s, "
        f"p99 {thr['static']['p99']:.1f} ms | {ratio(thr['page']['rps'], thr['static']['rps'])} req/s, "
        f"{ratio(thr['page']['p99'], thr['static']['p99'])} p99 | ≥ 0.8× req/s, p99 ≤ 1.5× |",
    ]
    for connections, found in figures["unanswered"].items():
        lines.append(
            f"| section page requests with no answer within {UNANSWERED_AFTER} s, {connections} connections (wrk) | "
            f"{found['unanswered']} of {found['requests']:,} | — | — | 0 |")
    for visit in figures["browser"]["first_visit"]:
        lines.append(
            f"| first visit to `{visit['path']}` | {visit['total'] / 1024:.0f} KB on the wire ({visit['requests']} requests: "
            f"stylesheets {visit['stylesheets'] / 1024:.0f} KB, fonts {visit['fonts'] / 1024:.0f} KB, preloaded clip "
            f"{visit['audio'] / 1024:.0f} KB) | — | — | "
            f"{'≤ 200 KB' if visit['path'] == '/' else 'Latin ≤ 150 KB, Chinese ≤ 400 KB'} |")
    shift = figures["browser"]["shift"]
    lines.append(f"| layout shift (CLS) of a first visit to `{shift['path']}` | {shift['cls']:.3f} | — | — | < 0.1 |")
    lines += [
        f"| synthesis of a section's {synth['sentences']} sentences ({synth['chars']:,} characters; "
        f"{', '.join(synth['languages'])}), empty cache (median of {synth['repeats']}) | {synth['kiosk_s']:.2f} s | "
        f"libespeak-ng called directly, same sentences, voices and rate: {synth['baseline_s']:.2f} s | "
        f"{ratio(synth['kiosk_s'], synth['baseline_s'])} | ≤ 1.5× |",
        f"| the same synthesis, like with like | {synth['kiosk_s']:.2f} s | libespeak-ng called directly, then the kiosk's "
        f"Ogg Vorbis encoder on each WAV: {synth['baseline_encoded_s']:.2f} s | "
        f"{ratio(synth['kiosk_s'], synth['baseline_encoded_s'])} | (what the speech layer itself costs) |",
        f"| `kiosk prerender`, empty cache (median of {pre['rounds']} runs of each) | {cores} workers: {pre[cores]:.1f} s | "
        f"1 worker: {pre[1]:.1f} s | "
        f"{ratio(pre[cores], pre[1])} | ≤ 0.6× on 2 cores |",
        f"| the machine itself: pure Python work split over {cores} processes, against the same work in one "
        f"(median of {pre['rounds']}, taken between the prerender runs) | — | — | {pre['machine']:.2f}× | "
        f"(the best prerender could do in this run; 0.50× is {cores} whole cores) |",
        f"| page p50 while {storm['clients']} clip requests wait behind a paused speech worker | {storm['paused']['p50']:.1f} ms | "
        f"idle: {storm['idle']['p50']:.1f} ms | {ratio(storm['paused']['p50'], storm['idle']['p50'])} | idle speed |",
        f"| page p50 during a polite storm ({storm['clients']} clients honouring Retry-After) | {storm['polite']['p50']:.1f} ms | "
        f"idle: {storm['idle']['p50']:.1f} ms | {ratio(storm['polite']['p50'], storm['idle']['p50'])} | idle speed |",
        f"| page p50 during a rude storm ({storm['clients']} clients re-asking at once) | {storm['rude']['p50']:.1f} ms | "
        f"idle: {storm['idle']['p50']:.1f} ms | {ratio(storm['rude']['p50'], storm['idle']['p50'])} | (CPU-bound: both cores answer the storm) |",
        *start_up_rows(figures["start_up"]),
        "",
        f"Synthesis, the same speech on both sides: the kiosk's clips hold {synth['kiosk_audio_s']:.1f} s of audio, "
        f"libespeak-ng's {synth['baseline_audio_s']:.1f} s; {synth['clips_of_equal_length']} of "
        f"{synth['clips_compared']} clips are of equal length.",
        "",
        MANY_LEAFLETS_LINK,
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and shorter load runs")
    parser.add_argument("--only", choices=["start-up"],
                        help="run only these figures and rewrite only their rows of RESULTS.md")
    args = parser.parse_args()
    if args.only == "start-up":
        start_up = bench_start_up.run(3 if args.quick else 5)
        print(start_up)
        rewrite_start_up_rows(start_up, ", ".join(f"{load:.2f}" for load in os.getloadavg()))
        print(f"\nWrote the start-up rows of {RESULTS}")
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: run scripts/bench.sh, or apt-get install wrk")
    repeats, seconds = (5, 5) if args.quick else (15, 10)
    figures = {"when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
               "quick": args.quick}

    print("== synthesis: the kiosk against libespeak-ng called directly")
    figures["synthesis"] = bench_synthesis.run(repeats)
    print(figures["synthesis"])
    print("== prerender: 1 worker against one per core")
    figures["prerender"] = prerender_scaling(os.cpu_count() or 1, 1 if args.quick else 3)
    print(figures["prerender"])
    with tempfile.TemporaryDirectory(prefix="bench-instance-") as instance:
        prerendered_instance(instance)
        with kiosk_serve(instance=instance) as (port, _, server):
            wait_for_start_up(server)
            print("== throughput (wrk)")
            figures["throughput"] = throughput(port, seconds)
            print(figures["throughput"])
            print("== unanswered requests (wrk, 20 and 50 connections)")
            figures["unanswered"] = unanswered(port, 3 * seconds, 2 if args.quick else 3)
            print(figures["unanswered"])
            print("== browser figures (Chromium)")
            figures["browser"] = browser_figures.run(f"http://127.0.0.1:{port}", repeats)
            print(figures["browser"])
    print("== start-up: time to the first page, and a page beside the first clip requests")
    figures["start_up"] = bench_start_up.run(3 if args.quick else 5)
    print(figures["start_up"])
    print("== storm")
    figures["storm"] = bench_storm.run(50, 50 if args.quick else 200)
    RESULTS.write_text(report(figures))
    print(f"\nWrote {RESULTS}")


if __name__ == "__main__":
    main()
