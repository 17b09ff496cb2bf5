#!/usr/bin/env bash
# Installs what the realtime benchmark needs: picows (PyPI) for the Python load client, nginx with
# the nchan module (Debian) as the peer, and builds the C subscriber (wssub) and the raw-socket
# ceiling server (wsceil, needs libssl-dev for SHA-1). Idempotent; needs root for apt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python3 -c "import picows" 2>/dev/null || python3 -m pip install --quiet "picows>=1.6"
if ! [ -e /usr/lib/nginx/modules/ngx_nchan_module.so ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light libnginx-mod-nchan >/dev/null \
    || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx libnginx-mod-nchan >/dev/null
  systemctl disable --now nginx 2>/dev/null || service nginx stop 2>/dev/null || true
fi
if ! [ -e /usr/include/openssl/sha.h ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libssl-dev >/dev/null
fi
cc -O2 -Wall -o "$here/wssub" "$here/wssub.c"
cc -O2 -Wall -o "$here/wsceil" "$here/wsceil.c" -lcrypto
