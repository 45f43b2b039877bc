#!/usr/bin/env bash
# Install everything the test suite needs, then run it.
#   scripts/test.sh            -> SQLite
#   FORUM_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test scripts/test.sh
# Extra arguments go to pytest (e.g. scripts/test.sh -k thread).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# Browser tests drive Debian's Chromium (never a downloaded browser) and axe-core from npm.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install the Debian package 'chromium' (sudo apt-get install chromium)." >&2
    exit 1
  fi
fi
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4 >/dev/null
fi

exec .venv/bin/python -m pytest "$@"
