#!/usr/bin/env bash
# Overhead of the budgeted string/table/utf8 functions against the stock ones on small inputs,
# in one process, alternating, best of 7 rounds. Usage: benchmarks/lua-budget/run.sh [calls]
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
gcc -O2 -std=gnu11 -I Sources/CLuaShim/include $(pkg-config --cflags lua5.4) \
    benchmarks/lua-budget/harness.c Sources/CLuaShim/*.c -o "$out/harness" $(pkg-config --libs lua5.4)
echo "date: $(date -u +%Y-%m-%dT%H:%MZ), cores: $(nproc), load: $(cut -d' ' -f1-3 /proc/loadavg)"
taskset -c 1 "$out/harness" benchmarks/lua-budget/overhead.lua "${1:-300000}"
rm -rf "$out"
