#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md on one release build, with the flags its results used.
# Each benchmark measures a peer in the same process or the same run and reports ratios; every
# command is printed before its output. Run it with nothing else on the machine.
#
# Usage: benchmarks/run.sh [NAME...]      (no NAME: all of them, in the order below)
#   gifts        durable gifts over HTTP vs Redis EVALSHA
#   gifts-engine durable gift sends in process (no HTTP) vs the same Redis EVALSHA
#   ws-fanout    WebSocket fan-out vs nginx + nchan and the raw C writer, 1,000 and 10,000 subscribers
#   liveops      gift events through the activity and task consumers on Scripts/
#   facts-floor  the derived task_completed facts alone through SQLite (the live-ops floor)
#   leaderboard  RankedSet vs a Redis sorted set: uniform, zipf 1, 10,000,000 members
#   runtime      a handler call through the runtime vs a raw lua_pcall, on one core
#   reload       reloading 200 files under constant calls
#   journal      group commit vs one transaction per durable journal append
#   ingest       danmaku through limits, filter and durable append vs the append alone
#   fanout       the room bus alone, in process (no sockets)
#   queues       the fan-medal queue gate through the runtime vs a raw lua_pcall; queue applies per second
#   settle       closing a month of 10,000,000 gift facts for 50,000 streamers vs sqlite3's aggregate SQL
#
# Peers: gifts and leaderboard start redis-server themselves on loopback and stop it; ws-fanout
# starts nginx + nchan (benchmarks/realtime/nchan.sh) and the C writer wsceil itself and stops
# them. What they need is installed with apt-get only when missing (through sudo unless root).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(gifts gifts-engine ws-fanout liveops facts-floor leaderboard runtime reload journal ingest fanout queues settle)
SCRATCH=.build-release
BENCH=$SCRATCH/release/showrunner-bench
SERVER=$SCRATCH/release/showrunner
SUDO=""
[ "$(id -u)" = "0" ] || SUDO=sudo

# The servers the harnesses start refuse to run without secrets (or --dev); these serve only
# loopback servers that live for one benchmark. An operator's own values win when set.
export SHOWRUNNER_SECRET="${SHOWRUNNER_SECRET:-bench-token-secret-loopback-only-0000}"
export SHOWRUNNER_PAYMENT_SECRET="${SHOWRUNNER_PAYMENT_SECRET:-bench-payment-secret-loopback-only-00}"

usage() {
  sed -n '/^# Usage:/,/^#$/p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

chosen=("$@")
[ ${#chosen[@]} -eq 0 ] && chosen=("${all[@]}")
for b in "${chosen[@]}"; do
  case " ${all[*]} " in *" $b "*) ;; *) echo "unknown benchmark: $b" >&2; usage ;; esac
done
wants() {
  local b n
  for b in "${chosen[@]}"; do
    for n in "$@"; do [ "$b" = "$n" ] && return 0; done
  done
  return 1
}

# Prints a command, then runs it.
show() {
  printf '$'
  printf ' %q' "$@"
  printf '\n'
  "$@"
}

# Installs Debian packages when the file that shows each is present is missing: FILE PACKAGE...
need() {
  local file=$1
  shift
  [ -e "$file" ] && return 0
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Peers and tools, only for the benchmarks asked for.
if wants facts-floor ws-fanout && ! command -v python3 >/dev/null; then need /usr/bin/python3 python3; fi
if wants settle && ! command -v sqlite3 >/dev/null; then need /usr/bin/sqlite3 sqlite3; fi
if wants gifts gifts-engine leaderboard && ! [ -x /usr/bin/redis-server ]; then
  need /usr/bin/redis-server redis-server
  # The package may start its own service; the benchmarks start theirs.
  $SUDO systemctl disable --now redis-server 2>/dev/null || $SUDO service redis-server stop 2>/dev/null || true
fi
if wants ws-fanout; then
  if ! [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
    need /usr/lib/nginx/modules/ngx_nchan_module.so nginx-light libnginx-mod-nchan \
      || need /usr/lib/nginx/modules/ngx_nchan_module.so nginx libnginx-mod-nchan
    $SUDO systemctl disable --now nginx 2>/dev/null || $SUDO service nginx stop 2>/dev/null || true
  fi
  need /usr/include/openssl/sha.h libssl-dev
  # 10,000 subscribers and 10,000 idle connections need the descriptors.
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi

# One release build of both executables (the scratch path keeps it apart from debug builds).
show swift build -c release --scratch-path "$SCRATCH"

# Waits (up to 30 s) until something listens on 127.0.0.1:PORT.
wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# The live-ops floor runs on a store migrated by starting `showrunner serve --db FILE` once.
# Runs in its own subshell (see the loop below), so the trap is its own.
facts_floor() {
  floor_pid=""
  floor_dir=$(mktemp -d)
  trap '[ -z "$floor_pid" ] || kill "$floor_pid" 2>/dev/null; rm -rf "$floor_dir"' EXIT
  echo "\$ $SERVER serve --db $floor_dir/facts.sqlite --port 18082 --scripts Scripts --log-level error   # stopped once it listens"
  "$SERVER" serve --db "$floor_dir/facts.sqlite" --port 18082 --scripts Scripts --log-level error &
  floor_pid=$!
  wait_port 18082
  kill "$floor_pid"
  wait "$floor_pid" || true
  floor_pid=""
  show python3 benchmarks/liveops/facts_sql_floor.py "$floor_dir/facts.sqlite"
}

run() {
  case "$1" in
    gifts) show "$BENCH" gifts --server "$SERVER" --senders 64 --seconds 10 ;;
    gifts-engine) show "$BENCH" gifts-engine --senders 64 --seconds 10 ;;
    ws-fanout)
      # picows for the publisher; builds the C subscriber (wssub) and the C writer (wsceil).
      show bash benchmarks/realtime/setup.sh
      show "$BENCH" ws-fanout --server "$SERVER" \
        --subscribers 1000 --rates 500,1000,2000,4000 --seconds 5 --idle 10000 --pub-conns 64 --nchan --ceiling
      show "$BENCH" ws-fanout --server "$SERVER" \
        --subscribers 10000 --rates 20,50,100,200 --seconds 5 --idle 0 --pub-conns 64 --nchan --ceiling ;;
    liveops) show "$BENCH" liveops --events 100000 ;;
    facts-floor) facts_floor ;;
    leaderboard)
      show "$BENCH" leaderboard
      show "$BENCH" leaderboard --zipf 1
      show "$BENCH" leaderboard --members 10000000 --ops 1000000 ;;
    # One core: the server-side design target is per-core throughput.
    runtime) show taskset -c 1 "$BENCH" runtime --calls 1000000 --rounds 5 ;;
    reload) echo "\$ $BENCH reload --files 200 --reloads 10 --callers 4 2>/dev/null"
      "$BENCH" reload --files 200 --reloads 10 --callers 4 2>/dev/null ;;
    journal) show "$BENCH" journal --writers 64 --appends 100 --synchronous full ;;
    queues) show "$BENCH" queues --checks 200000 --rounds 3 --applies 20000 --concurrency 64 ;;
    settle) show "$BENCH" settle --facts 10000000 --streamers 50000 ;;
    ingest) show "$BENCH" ingest ;;
    fanout) show "$BENCH" fanout ;;
  esac
}

echo "date: $(date -u +%Y-%m-%dT%H:%MZ), cores: $(nproc), commit: $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
failed=()
for b in "${chosen[@]}"; do
  echo
  echo "## $b ($(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  # A subshell per benchmark: its first failing command ends it, and the next one still runs.
  # (Not inside `if` or `||`, where bash would ignore `set -e`.)
  set +e
  (set -e; run "$b")
  status=$?
  set -e
  if [ "$status" -ne 0 ]; then
    failed+=("$b")
    echo "$b: failed (exit $status)" >&2
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
