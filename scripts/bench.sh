#!/usr/bin/env bash
# The benchmark suite: set up (test tools, Chromium, wrk), then run bench/run.py,
# which prints every figure and writes bench/RESULTS.md. Arguments go to bench/run.py
# (for example --quick). Figures, not tests: nothing here passes or fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "wrk is missing: run 'sudo apt-get install wrk' once." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
exec .venv/bin/python bench/run.py "$@"
