#!/usr/bin/env bash
# Quick start: set up, then serve the kiosk on http://localhost:8000/.
# Extra arguments go to `kiosk serve` (for example --port 8080).
# PYTHON and VENV choose the interpreter and the environment, as for scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec "${VENV:-.venv}/bin/kiosk" serve "$@"
