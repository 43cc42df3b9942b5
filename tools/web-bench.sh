#!/bin/bash
# The benchmark in headless Chromium: `aelab-cli bench` run by the browser's WebAssembly engine
# on the web build's bench.html (build it first: tools/test.sh, or `cmake --build --preset web`).
#   tools/web-bench.sh [--json] [--only b,c,h] [--repeats N]
# The page itself is served with the lessons (tools/serve.sh, then open /bench.html).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ -f "$here/build/web/bench.html" ] || { echo "build/web/bench.html missing: cmake --build --preset web" >&2; exit 1; }
[ -d "$here/tests/browser/node_modules/playwright-core" ] || { echo "tests/browser/node_modules missing: tools/setup.sh" >&2; exit 1; }
exec node "$here/tests/browser/web-bench.mjs" "$here/build/web" "$@"
