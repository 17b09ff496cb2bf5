#!/usr/bin/env bash
# The console and room page in a real browser: headless Chromium (Debian's chromium and
# chromium-driver) driven by Selenium (PyPI) from pytest, against a live debug server on a fresh
# database with the demo data and a copy of Scripts/ (plus a test activity that ranks gift
# senders, and room for the tests to break and fix files). Run after the debug build (`make
# test` builds it): bash Tests/browser/run.sh
#
# SHOWRUNNER_SCREENSHOTS=docs/screenshots: also save each page's screenshot there (the README's).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"

SELENIUM_VERSION=4.51.0
PYTEST_VERSION=9.0.3
VENV="${SHOWRUNNER_BROWSER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/showrunner/browser-$SELENIUM_VERSION}"
BIN=.build/debug/showrunner

log() { printf '== browser tests: %s\n' "$*"; }

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 \
    || ! command -v curl >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    log "installing chromium, chromium-driver, curl and python3-venv"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver curl python3 python3-venv
fi
if ! "$VENV/bin/python" -c "import selenium, pytest; assert selenium.__version__ == '$SELENIUM_VERSION'" 2>/dev/null; then
    log "installing selenium $SELENIUM_VERSION and pytest $PYTEST_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "selenium==$SELENIUM_VERSION" "pytest==$PYTEST_VERSION"
fi
[ -x "$BIN" ] || swift build --product showrunner

. "$ROOT/.ci/live-server.sh"

# The tests edit this copy (a broken file, an added one); Scripts/ is never touched.
cp -R Scripts "$WORK/scripts"
cat > "$WORK/scripts/activities/room_gifts.lua" <<'LUA'
-- Browser tests: a board of gift senders, live whatever the date.
return activity {
  id = "room-gifts",
  title = "Room gifts",
  leaderboards = { senders = { order = "desc", reset = "never" } },
  on = {
    gift = function(ctx, gift)
      ctx.leaderboard("senders"):add(gift.sender_id, gift.value_coins)
    end,
  },
}
LUA

live_server_start "$WORK/scripts"

export SHOWRUNNER_BASE="$BASE" SHOWRUNNER_SCRIPTS="$WORK/scripts"
SHOWRUNNER_TOKEN_OPS="$("$BIN" token issue --user ops-1 --role operator --ttl 900)"
SHOWRUNNER_TOKEN_VIEWER1="$("$BIN" token issue --user viewer-1 --role viewer --ttl 900)"
SHOWRUNNER_TOKEN_VIEWER2="$("$BIN" token issue --user viewer-2 --role viewer --ttl 900)"
SHOWRUNNER_TOKEN_VIEWER3="$("$BIN" token issue --user viewer-3 --role viewer --ttl 900)"
SHOWRUNNER_TOKEN_STREAMER="$("$BIN" token issue --user streamer-ava --role streamer --ttl 900)"
SHOWRUNNER_TOKEN_STREAMER_BO="$("$BIN" token issue --user streamer-bo --role streamer --ttl 900)"
SHOWRUNNER_TOKEN_ADMIN="$("$BIN" token issue --user admin-1 --role admin --ttl 900)"
export SHOWRUNNER_TOKEN_OPS SHOWRUNNER_TOKEN_VIEWER1 SHOWRUNNER_TOKEN_VIEWER2 SHOWRUNNER_TOKEN_VIEWER3
export SHOWRUNNER_TOKEN_STREAMER SHOWRUNNER_TOKEN_STREAMER_BO SHOWRUNNER_TOKEN_ADMIN
if [ -n "${SHOWRUNNER_SCREENSHOTS:-}" ]; then
    SHOWRUNNER_SCREENSHOTS="$(cd "$ROOT" && mkdir -p "$SHOWRUNNER_SCREENSHOTS" && cd "$SHOWRUNNER_SCREENSHOTS" && pwd)"
    export SHOWRUNNER_SCREENSHOTS
fi

log "running against $BASE"
status=0
(cd "$ROOT/Tests/browser" && PYTHONDONTWRITEBYTECODE=1 SE_OFFLINE=true "$VENV/bin/python" -m pytest -p no:cacheprovider -q "$@") || status=$?
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    tail -50 "$WORK/server.log"
    log "the server died"
    SERVER_PID=""
    exit 1
fi
[ "$status" = 0 ] || { tail -30 "$WORK/server.log"; log "failed"; }
exit "$status"
