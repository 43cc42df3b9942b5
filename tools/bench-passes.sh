#!/bin/bash
# Runs `aelab-cli bench --json` several times and prints, per case, the best and the middle of
# the per-pass medians and the fastest single run: steadier figures on a shared, noisy machine.
#   tools/bench-passes.sh build/native/aelab-cli [passes] [bench options, e.g. --only b,c]
#   tools/bench-passes.sh build/wasm-cli/aelab-cli.js [passes] [...]   (runs it under node)
set -euo pipefail
cli=${1:?usage: tools/bench-passes.sh <aelab-cli or aelab-cli.js> [passes]}
passes=${2:-5}
shift $(( $# < 2 ? $# : 2 ))
for ((i = 0; i < passes; i++)); do
  if [[ $cli == *.js ]]; then
    NODE_PATH=/usr/share/nodejs node --no-experimental-fetch "$cli" bench --json "$@" | tail -1
  else
    "$cli" bench --json "$@" | tail -1
  fi
done | python3 -c '
import json, sys
medians, fastest, peaks, kernels = {}, {}, [], set()
for line in sys.stdin:
    report = json.loads(line)
    peaks.append(report["peak_gflops"])
    kernels.add(report["gemm_kernel"])
    for c in report["cases"]:
        medians.setdefault(c["name"], []).append(c["ms"])
        fastest[c["name"]] = min(fastest.get(c["name"], c["min_ms"]), c["min_ms"])
peaks.sort()
print("SIMD peak: best %.1f GFLOP/s, middle %.1f; gemm kernel: %s" %
      (peaks[-1], peaks[len(peaks) // 2], ", ".join(sorted(kernels))))
print("%-6s %12s %12s %12s" % ("case", "best ms", "middle ms", "fastest ms"))
for name, ms in medians.items():
    ms.sort()
    print("%-6s %12.3f %12.3f %12.3f" % (name, ms[0], ms[len(ms) // 2], fastest[name]))
'
