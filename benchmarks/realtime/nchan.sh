#!/usr/bin/env bash
# Starts (start CPU) or stops (stop) the nginx + nchan peer with benchmarks/realtime/nchan.conf.
set -euo pipefail
conf="$(cd "$(dirname "$0")" && pwd)/nchan.conf"
case "${1:-start}" in
  start)
    mkdir -p /tmp/showrunner-nchan/body
    ulimit -n 20000
    taskset -c "${2:-0}" nginx -c "$conf" </dev/null >/dev/null 2>&1
    for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/8091) 2>/dev/null && exit 0; sleep 0.1; done
    echo "nchan did not start" >&2; exit 1 ;;
  stop) [ -f /tmp/showrunner-nchan/nginx.pid ] && kill "$(cat /tmp/showrunner-nchan/nginx.pid)" || true ;;
esac
