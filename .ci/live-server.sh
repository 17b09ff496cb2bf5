# A live server for the contract fuzz (.ci/schemathesis.sh) and the browser tests
# (Tests/browser/run.sh), sourced by both after they set BIN and define log(). Sets WORK (a
# scratch folder removed on exit, with the server stopped) and real random secrets; then
# `live_server_start SCRIPTS` seeds a fresh database with the demo data, serves it with SCRIPTS
# on a free port and waits for /healthz (sets DB, PORT, BASE, SERVER_PID).

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# Real secrets of 32 random bytes (44 base64 characters), as a production server would have.
SHOWRUNNER_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
SHOWRUNNER_PAYMENT_SECRET="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
export SHOWRUNNER_SECRET SHOWRUNNER_PAYMENT_SECRET

live_server_start() {
    local scripts="$1"
    DB="$WORK/showrunner.sqlite"
    PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    BASE="http://127.0.0.1:$PORT"
    "$BIN" demo seed --db "$DB" > /dev/null
    "$BIN" serve --db "$DB" --scripts "$scripts" --port "$PORT" --log-level warning > "$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        live_server_healthy && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; log "the server did not start"; exit 1; }
        sleep 0.2
    done
    live_server_healthy || { cat "$WORK/server.log"; log "the server does not answer /healthz"; exit 1; }
}

live_server_healthy() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$BASE/healthz")" = 200 ]; }
