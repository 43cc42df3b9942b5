#!/usr/bin/env bash
# Sets everything up and runs every test (the README's test command; .ci/run calls it):
#   native build  (build/native): doctest suite + desktop smoke test under Xvfb + the Debian
#                 package unpacked and run (tests/desktop/package.sh)
#   web build     (build/wasm -> site in build/web): doctest suite as wasm under node +
#                 browser tests in headless Chromium
#   asan build    (build/asan): the core and CLI doctest suite under AddressSanitizer + UBSan
#                 (the lessons' tests run in the native and wasm builds)
#   fuzz build    (build/fuzz): each libFuzzer target (tests/fuzz) for 20 s from its seed corpus,
#                 so a parser regression fails here (tools/fuzz.sh 300 for a longer run)
# Both are single-threaded, so the ASan suite runs while the fuzz targets build and run (its
# output is printed after), and the native stage's three tests run two at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
export NODE_PATH=/usr/share/nodejs  # Debian's emscripten needs Debian's acorn
start=$(date +%s)
step() { printf '\n=== %s (%ds)\n' "$*" $(( $(date +%s) - start )); }

step "setup"
tools/setup.sh

step "native build"
cmake --preset native >/dev/null
cmake --build --preset native
step "native tests: doctest + desktop smoke test"
ctest --preset native -j2

step "web build"
cmake --preset web >/dev/null
cmake --build --preset web
step "web tests: doctest under node + browser tests"
ctest --preset web

step "asan build"
cmake --preset asan >/dev/null
cmake --build --preset asan --target aelab_tests
step "asan tests (core + CLI doctest) and, meanwhile, each libFuzzer target for 20 s"
asan_log=build/asan/ctest.log
ctest --preset asan -R aelab_tests >"$asan_log" 2>&1 &
asan_pid=$!
fuzz_rc=0
tools/fuzz.sh 20 || fuzz_rc=$?
asan_rc=0
wait $asan_pid || asan_rc=$?
echo "--- asan tests ($asan_log)"
cat "$asan_log"
[ $asan_rc = 0 ] || { echo "asan tests failed"; exit 1; }
[ $fuzz_rc = 0 ] || { echo "fuzzing found something (see above)"; exit 1; }

step "all tests passed"
