#!/bin/bash
# A training lesson's steps/s in headless Chromium against the wasm CLI on the same job, in pairs
# (this machine is noisy: each round runs the page, then the CLI, and the ratio of the pair
# counts). For issue 16's figures; a measurement, not a test. Needs build/web and build/wasm-cli.
#   LESSON=denoising [EXTRA="steps=20000"] [ROUNDS=3] [SECS=5] [FPS_DELAY=3] tools/train_rates.sh
# The page's rate comes from tests/browser/fps.mjs (FPS_ONLY=train; FPS_DELAY waits past a job
# that builds for a while in its worker, e.g. the PCA of pca-linear-ae), the CLI's from
# `aelab-cli bench-train` on the job spec and evaluation interval the page reported.
set -u
cd "$(dirname "$0")/.."
id=${LESSON:-denoising}; SECS=${SECS:-5}; ROUNDS=${ROUNDS:-3}; EXTRA=${EXTRA:-}
export NODE_PATH=${NODE_PATH:-/usr/share/nodejs}
ratios=()
spec=""
for r in $(seq "$ROUNDS"); do
  out=$(cd tests/browser && FPS_ONLY=train timeout 300 node fps.mjs ../../build/web "$id" "$SECS" "$EXTRA" 2>&1)
  page=$(echo "$out" | grep -o '[0-9.]* steps/s' | head -1 | grep -o '^[0-9.]*')
  drawn=$(echo "$out" | grep -o '[0-9.]* frames drawn/s' | grep -o '^[0-9.]*')
  busy=$(echo "$out" | grep -o 'busy per drawn frame median [0-9.]*, p95 [0-9.]*' | sed 's/busy per drawn frame //')
  spec=$(echo "$out" | grep -o 'steps: [^ ]*$' | sed 's/^steps: //')
  every=$(echo "$out" | grep -o 'evaluating every [0-9]*' | grep -o '[0-9]*$')
  if [ -z "$page" ] || [ -z "$spec" ]; then echo "  $id round $r: no rate from the page: $out"; continue; fi
  cli=$(timeout 120 node --no-experimental-fetch build/wasm-cli/aelab-cli.js bench-train --job "$spec" \
        --eval-every "${every:-0}" --seconds "$SECS" --data build/web/data/fashion-mnist.aelab | grep -o '[0-9.]* steps/s' | grep -o '^[0-9.]*')
  ratio=$(python3 -c "print(f'{$page/$cli*100:.0f}')")
  ratios+=("$ratio")
  echo "  $id round $r: page $page steps/s ($drawn frames drawn/s, busy $busy ms), CLI $cli steps/s: $ratio%"
done
[ ${#ratios[@]} -gt 0 ] || exit 1
echo "$id ${EXTRA:+($EXTRA) }median page/CLI: $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')%  spec: $spec"
