#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz) for a while each: tools/fuzz.sh [seconds] [target...]
#   seconds  per target (default 60); targets default to all: npy model_file dataset params cli_ints
# Configures and builds the `fuzz` preset (clang, ASan + UBSan; ccache when installed; JOBS=N
# limits the build's parallel jobs), then runs each target on a scratch copy of its committed
# seed corpus (build/fuzz/run/<target>/corpus, so tests/fuzz/corpus stays small) with
# -max_total_time=<seconds> -rss_limit_mb=2048 -timeout=10 and its dictionary if it has one.
# Prints per target the seconds run, executions, coverage and corpus size (seeds -> after) and
# findings; a crashing, leaking, timing-out or out-of-memory input is saved in
# build/fuzz/findings/<target>/ (reproduce: build/fuzz/tests/fuzz/fuzz_<target> FILE).
# Exits non-zero if any target found something (or did not run).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(npy model_file dataset params cli_ints)
case $seconds in '' | *[!0-9]*) echo "usage: tools/fuzz.sh [seconds] [target...]" >&2; exit 2 ;; esac

launch=()
if command -v ccache >/dev/null 2>&1; then
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
  launch=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake --preset fuzz "${launch[@]}" >/dev/null
cmake --build --preset fuzz ${JOBS:+-j "$JOBS"} >/dev/null

failed=0
printf '%-11s %7s %11s %6s %15s  %s\n' target seconds executions cov corpus findings
for t in "${targets[@]}"; do
  exe=build/fuzz/tests/fuzz/fuzz_$t
  run=build/fuzz/run/$t
  findings=build/fuzz/findings/$t
  [ -x "$exe" ] || { echo "$t: no $exe" >&2; failed=1; continue; }
  rm -rf "$run" && mkdir -p "$run/corpus" "$findings"
  cp tests/fuzz/corpus/"$t"/* "$run/corpus/"
  seeds=$(ls "$run/corpus" | wc -l)
  before=$(ls "$findings" | wc -l)
  dict=()
  [ -f tests/fuzz/"$t".dict ] && dict=(-dict=tests/fuzz/"$t".dict)
  start=$(date +%s)
  rc=0
  "$exe" "$run/corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$findings/" -print_final_stats=1 "${dict[@]}" >"$run/log" 2>&1 || rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -n1)
  cov=$(grep -o 'cov: [0-9]*' "$run/log" | tail -n1 | cut -d' ' -f2)
  after=$(ls "$run/corpus" | wc -l)
  new=$(( $(ls "$findings" | wc -l) - before ))
  result=none
  if [ "$rc" != 0 ] || [ "$new" -gt 0 ]; then
    failed=1
    result="$new saved in $findings (exit $rc), see $run/log"
  fi
  printf '%-11s %7s %11s %6s %15s  %s\n' "$t" "$took" "${execs:-?}" "${cov:-?}" "$seeds -> $after" "$result"
  if [ "$rc" != 0 ]; then
    grep -m1 -E 'ERROR: |runtime error|fuzz finding|terminate called|uncaught' "$run/log" | sed 's/^/    /' || true
  fi
done
exit $failed
