#!/usr/bin/env bash
# Fuzzes a live debug server against docs/openapi.yaml with schemathesis, once per role, for a
# bounded time, then checks the server still answers /healthz. Fails on any 5xx, any response
# the document does not describe (status, content type, headers, body schema), or a server that
# died. Run after the debug build (`make test` builds it): bash .ci/schemathesis.sh
#
# SCHEMATHESIS_SECONDS: time budget of the fuzzing (default 200; split between the roles).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"

ST_VERSION=4.32.5
HYPOTHESIS_VERSION=6.170.17
VENV="${SHOWRUNNER_SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/showrunner/schemathesis-$ST_VERSION}"
BIN=.build/debug/showrunner
BUDGET="${SCHEMATHESIS_SECONDS:-200}"

log() { printf '== schemathesis: %s\n' "$*"; }

# What the script itself runs besides the server: curl for /healthz, Python with venv for schemathesis.
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
if ! command -v curl >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
    log "installing curl and python3-venv"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq curl python3 python3-venv
fi

if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
    log "installing schemathesis $ST_VERSION into $VENV"
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION" "hypothesis==$HYPOTHESIS_VERSION"
fi
[ -x "$BIN" ] || swift build --product showrunner

. .ci/live-server.sh

live_server_start Scripts

# A partner whose secret the hooks sign half the partner API's cases with.
SHOWRUNNER_PARTNER_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export SHOWRUNNER_PARTNER_SECRET
ops_token="$("$BIN" token issue --user ops-1 --role operator --ttl 600)"
curl -sf -o /dev/null -X POST "$BASE/v1/admin/partners" -H "Authorization: Bearer $ops_token" -H 'Content-Type: application/json' \
    -d "{\"id\":\"partner-1\",\"secret\":\"$SHOWRUNNER_PARTNER_SECRET\"}" || { log "could not register the partner"; exit 1; }

# One run per role, each with a demo user of that role; staff roles get the larger share, since
# the /v1/admin routes answer other roles 403 at once.
ROLES=(viewer:viewer-1:2 streamer:streamer-ava:2 partner:partner-1:1 operator:ops-1:3 admin:admin-1:3)
SHARES=11
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,ignored_auth
failed=()
started=$SECONDS
for entry in "${ROLES[@]}"; do
    IFS=: read -r role user share <<< "$entry"
    seconds=$(( BUDGET * share / SHARES ))
    token="$("$BIN" token issue --user "$user" --role "$role" --ttl 3600)"
    log "role $role (user $user), at most ${seconds}s"
    # Run from the scratch folder: schemathesis keeps its records of failing cases in ./.schemathesis.
    if ! (cd "$WORK" && SCHEMATHESIS_HOOKS=schemathesis_hooks PYTHONPATH="$ROOT/.ci" "$VENV/bin/st" run "$BASE/openapi.yaml" \
        --url "$BASE" \
        --header "Authorization: Bearer $token" \
        --checks "$CHECKS" \
        --phases examples,coverage,fuzzing \
        --max-examples 60 \
        --max-time "$seconds" \
        --workers 2 \
        --request-timeout 10 \
        --generation-database none \
        --no-color); then
        failed+=("$role")
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        tail -50 "$WORK/server.log"
        log "the server died during the $role run"
        SERVER_PID=""
        exit 1
    fi
done
log "fuzzing took $(( SECONDS - started ))s"

if ! live_server_healthy; then
    tail -50 "$WORK/server.log"
    log "the server no longer answers /healthz"
    exit 1
fi
kill -TERM "$SERVER_PID"
if ! wait "$SERVER_PID"; then
    SERVER_PID=""
    tail -50 "$WORK/server.log"
    log "the server did not stop cleanly"
    exit 1
fi
SERVER_PID=""

if [ "${#failed[@]}" -gt 0 ]; then
    log "failures in the runs of: ${failed[*]}"
    exit 1
fi
log "no failure; /healthz still 200"
