#!/usr/bin/env bash
# Installs what the realtime benchmark needs: picows (PyPI) for the load client, and nginx with
# the nchan module (Debian) as the peer. Idempotent; needs root for apt.
set -euo pipefail
python3 -c "import picows" 2>/dev/null || python3 -m pip install --quiet "picows>=1.6"
if ! [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-nchan >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx libnginx-mod-nchan >/dev/null
  systemctl disable --now nginx 2>/dev/null || service nginx stop 2>/dev/null || true
fi
