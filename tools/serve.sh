#!/usr/bin/env bash
# Sets everything up, builds the web bundle and serves it on 127.0.0.1 (the README's serve
# command). PORT=8000 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs
tools/setup.sh --no-browser
cmake --preset web >/dev/null
cmake --build --preset web --target aelab
exec node tools/serve.mjs build/web "${PORT:-8000}"
