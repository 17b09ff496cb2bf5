#!/usr/bin/env bash
# Runs the benchmark harness on a release build. Each benchmark measures a peer in the same
# process or the same run and reports ratios; paste the output into BENCHMARKS.md.
# Usage: benchmarks/run.sh [runtime|reload|journal ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product showrunner-bench
BENCH=.build/release/showrunner-bench
which=("$@")
[ ${#which[@]} -eq 0 ] && which=(runtime reload journal)
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), cores: $(nproc)"
for b in "${which[@]}"; do
  echo
  case "$b" in
    # One core: the server-side design target is per-core throughput.
    runtime) echo "\$ taskset -c 1 $BENCH runtime --calls 1000000 --rounds 5"; taskset -c 1 "$BENCH" runtime --calls 1000000 --rounds 5 ;;
    reload)  echo "\$ $BENCH reload --files 200 --reloads 20 --callers 4"; "$BENCH" reload --files 200 --reloads 20 --callers 4 2>/dev/null ;;
    journal) echo "\$ $BENCH journal --writers 64 --appends 200 --synchronous full"; "$BENCH" journal --writers 64 --appends 200 --synchronous full ;;
    *) "$BENCH" "$b" ;;
  esac
done
