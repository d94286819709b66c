#!/usr/bin/env bash
# Quick start: set up (test tools included), then run the whole test suite.
# Extra arguments go to pytest (for example -k section or -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# Two processes on CI's 2 cores (and at most 4 on a bigger machine): a browser test
# spends much of its time waiting for Chromium and audio, so the suite takes about
# two thirds of the time. Whole files go to one process (--dist loadfile), so each
# file's servers and browser start once. Every test is written for a busy machine.
exec "${VENV:-.venv}/bin/python" -m pytest -n auto --maxprocesses=4 --dist loadfile "$@"
