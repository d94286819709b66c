#!/usr/bin/env bash
# Set up everything the kiosk needs in this checkout. Safe to run again.
#   scripts/setup.sh          the kiosk: Python venv, npm assets, compiled catalogs and fonts
#   scripts/setup.sh --test   also the test tools: pytest extras, Debian's Chromium and nginx
#   scripts/setup.sh --bench  the test tools and Debian's wrk, for the benchmarks
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

# The kiosk runs on Python 3.11, 3.12 and 3.13 (Debian 12, Ubuntu 24.04, Debian 13).
# PYTHON=/path/to/python3.X chooses one; else the newest that runs is taken (a pyenv shim
# for a version that is not selected is on PATH but fails, so each is tried, not trusted).
# VENV=.venv-3.12 keeps a second virtual environment beside the first (CI tests each version).
supported() { "$1" -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' 2>/dev/null; }
python=${PYTHON:-}
if [ -n "$python" ]; then
  supported "$python" || { echo "PYTHON=$python is not Python 3.11, 3.12 or 3.13." >&2; exit 1; }
else
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null && supported "$candidate"; then
      python=$candidate; break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "Python 3.11, 3.12 or 3.13 is needed (set PYTHON=/path/to/python3.X)." >&2
  exit 1
fi
venv=${VENV:-.venv}

extras=""
case "${1:-}" in --test | --bench) extras="[test]" ;; esac

step "Python packages ($venv, $("$python" --version))"
version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
if [ -x "$venv/bin/python" ] && [ -n "${PYTHON:-}" ] && [ "$(version "$venv/bin/python")" != "$(version "$python")" ]; then
  # Taking the old environment would quietly test or serve another Python than the one named.
  echo "$venv is Python $(version "$venv/bin/python"), not PYTHON's $(version "$python"):" \
       "set VENV=.venv-$(version "$python") to keep both, or remove $venv." >&2
  exit 1
fi
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e ".${extras}"

step "Browser assets: htmx and fonts from the npm registry (node_modules)"
command -v npm >/dev/null || { echo "Node.js with npm is needed: apt-get install nodejs npm" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error

step "Translations: compiling the catalogs, and the Chinese and Korean fonts cut to them"
"$venv/bin/kiosk" catalog compile

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
