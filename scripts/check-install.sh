#!/usr/bin/env bash
# The README's Production recipe, on an installed copy: build the wheel, install it into a
# fresh venv outside the checkout, then from another directory run `forum init`,
# `forum create-user`, gunicorn (a page, a static file, /healthz) and `forum worker --once`.
# Exits non-zero on any failure. Everything listens on 127.0.0.1 and is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKOUT=$PWD
PYTHON="${PYTHON:-python3}"
WORK=$(mktemp -d /tmp/forum-install.XXXXXX)
GUNICORN_PID=""
cleanup() {
  if [ -n "$GUNICORN_PID" ] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
    kill -TERM "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "check-install: $*" >&2; [ -f "$WORK/gunicorn.log" ] && tail -n 40 "$WORK/gunicorn.log" >&2; exit 1; }

echo "Building the wheel"
"$PYTHON" -m pip wheel --quiet --no-deps -w "$WORK/dist" "$CHECKOUT"
WHEEL=$(ls "$WORK"/dist/forum-*.whl)
"$PYTHON" - "$WHEEL" <<'PY' || fail "the wheel lacks templates, static or migrations"
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
for needed in ("forum/_data/templates/base.html", "forum/_data/migrations/env.py",
               "forum/_data/static/css/", "forum/wsgi.py"):
    assert any(n.startswith(needed) for n in names), needed
PY

echo "Installing it into a fresh venv"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install --quiet --upgrade pip
"$WORK/venv/bin/python" -m pip install --quiet "$WHEEL"
BIN="$WORK/venv/bin"

mkdir "$WORK/site" && cd "$WORK/site"   # outside the checkout: ./instance is here
unset FORUM_INSTANCE_PATH FORUM_DATABASE_URL FORUM_SEARCH_INDEX_DIR
export FORUM_JOBS_INLINE=false FORUM_SECRET_KEY=check-install
"$BIN/forum" init
[ -f instance/forum.db ] || fail "forum init did not create ./instance/forum.db"
[ -d instance/search_index ] || fail "no search index in ./instance/search_index"
"$BIN/forum" create-user admin@example.org --role admin >"$WORK/create-user.txt" \
  || fail "forum create-user"
grep -q "is an active admin" "$WORK/create-user.txt" || fail "forum create-user: $(cat "$WORK/create-user.txt")"
SET_PASSWORD=$(grep -o '/password/set/[^[:space:]]*' "$WORK/create-user.txt" | head -n 1)
[ -n "$SET_PASSWORD" ] || fail "no set-password link printed"

PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$PORT" forum.wsgi:app >"$WORK/gunicorn.log" 2>&1 &
GUNICORN_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 60); do
  "$PYTHON" -c "import urllib.request; urllib.request.urlopen('$BASE/healthz', timeout=2)" 2>/dev/null && break
  kill -0 "$GUNICORN_PID" 2>/dev/null || fail "gunicorn exited"
  sleep 0.5
done
"$PYTHON" - "$BASE" "$SET_PASSWORD" <<'PY' || fail "a page failed"
import sys, urllib.request, urllib.error
base = sys.argv[1]
def get(path):
    try:
        with urllib.request.urlopen(base + path, timeout=20) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
checks = {"/healthz": '"status"', "/login": 'name="password"', "/": "<html",
          "/join": 'name="email"', "/password/forgot": 'name="email"',
          "/static/favicon.svg": "<svg", "/static/css/forum.css": "{",
          sys.argv[2]: 'type="password"'}
for path, needle in checks.items():
    status, body = get(path)
    assert status == 200 and needle in body, f"{path}: {status} {body[:300]}"
    print(f"  {path}: {status}")
status, body = get("/static/css/does-not-exist.css")
assert status == 404, status
PY
"$BIN/forum" worker --once | grep -q "stopped after" || fail "forum worker --once"
kill -TERM "$GUNICORN_PID"; wait "$GUNICORN_PID" 2>/dev/null || true; GUNICORN_PID=""
grep -q "TemplateNotFound\|Traceback" "$WORK/gunicorn.log" && fail "errors in gunicorn's log"
"$BIN/python" -c 'import pathlib, forum, sys; sys.exit(pathlib.Path(forum.__file__).parent.parent.joinpath("instance").exists())' \
  || fail "an instance folder was made inside site-packages"
echo "Installed package: OK"
