#!/usr/bin/env bash
# The benchmark suite: set up (test tools, Chromium, wrk), then run bench/run.py,
# which prints every figure and writes bench/RESULTS.md. Arguments go to bench/run.py
# (for example --quick). Figures, not tests: nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --bench
exec .venv/bin/python bench/run.py "$@"
