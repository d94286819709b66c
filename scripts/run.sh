#!/usr/bin/env bash
# Quick start: set up, then serve the kiosk on http://localhost:8000/.
# Extra arguments go to `kiosk serve` (for example --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/kiosk serve "$@"
