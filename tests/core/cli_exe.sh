#!/usr/bin/env bash
# Runs the built aelab-cli executable (native, or wasm under node) on the course's 2D example
# and on a bad input: exit codes and messages as documented. Values are checked in-process by
# tests/core/test_cli.cpp; this checks the program itself (argv, files, exit status).
#   tests/core/cli_exe.sh GOLDEN_DIR TMP_DIR CLI [launcher args...]
set -u
golden=$1 tmp=$2
shift 2
cli=("$@")
fail() { echo "FAIL: $*"; exit 1; }
out=$("${cli[@]}" op conv2d --input "$golden/cli/conv2d_course/x.npy" --weight "$golden/cli/conv2d_course/w.npy" \
      --out "$tmp/exe_course.npy" 2>&1) || fail "conv2d exited $?: $out"
[[ $out == *"(1, 1, 5, 5) -> (1, 1, 3, 3)"* ]] || fail "unexpected output: $out"
[ -s "$tmp/exe_course.npy" ] || fail "no output file"
err=$("${cli[@]}" op conv2d --input "$golden/cli/conv2d_course/x.npy" --weight "$golden/cli/conv3d/w.npy" \
      --out "$tmp/exe_bad.npy" 2>&1)
code=$?
[ $code = 1 ] || fail "mismatched weight: exit code $code, wanted 1 ($err)"
[[ $err == *conv2d* ]] || fail "message does not name the op: $err"
"${cli[@]}" op nonsense >/dev/null 2>&1
code=$?
[ $code = 2 ] || fail "unknown op: exit code $code, wanted 2"
echo "aelab-cli executable: ok (${cli[*]})"
