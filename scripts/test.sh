#!/usr/bin/env bash
# Quick start: set up (test tools included), then run the whole test suite.
# Extra arguments go to pytest (for example -k section or -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
exec "${VENV:-.venv}/bin/python" -m pytest "$@"
