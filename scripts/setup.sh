#!/usr/bin/env bash
# Set up everything the kiosk needs in this checkout. Safe to run again.
#   scripts/setup.sh          the kiosk: Python venv, npm assets, compiled catalogs and fonts
#   scripts/setup.sh --test   also the test tools: pytest extras, Debian's Chromium and nginx
#   scripts/setup.sh --bench  the test tools and Debian's wrk, for the benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python=$candidate; break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)." >&2
  exit 1
fi

extras=""
case "${1:-}" in --test | --bench) extras="[test]" ;; esac

step "Python packages (.venv)"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras}"

step "Browser assets: htmx and fonts from the npm registry (node_modules)"
command -v npm >/dev/null || { echo "Node.js with npm is needed: apt-get install nodejs npm" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error

step "Translations: compiling the catalogs, and the Chinese and Korean fonts cut to them"
.venv/bin/kiosk catalog compile

# Install Debian's PACKAGES when PROGRAM is missing (as root; else say what to run).
debian_package() {
  local program=$1; shift
  [ -x "$program" ] && return
  if [ "$(id -u)" -ne 0 ]; then
    echo "$program is missing: run 'sudo apt-get install $*' once." >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if [ -n "$extras" ]; then
  step "Test browser: Debian's Chromium (Playwright drives it; it downloads no browser)"
  debian_package /usr/bin/chromium chromium fonts-dejavu-core
  step "Test web server: Debian's nginx (the export test starts its own; no service is used)"
  debian_package /usr/sbin/nginx nginx
fi
if [ "${1:-}" = "--bench" ]; then
  step "Load generator: Debian's wrk (for bench/run.py)"
  debian_package /usr/bin/wrk wrk
fi
