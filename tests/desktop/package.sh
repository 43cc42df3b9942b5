#!/usr/bin/env bash
# The Debian package (tools/package.sh, cmake/package.cmake): builds it, unpacks it with
# dpkg-deb -x into a fresh folder (nothing installed system-wide) and runs the CLI and the app
# from there, from a working folder without data/ and without AELAB_DATA_DIR, so they must find
# the dataset and the model in the installed layout (usr/share/aelab/data); the CLI also runs
# with each kernel variant forced (AELAB_ISA).
#   tests/desktop/package.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: package.sh BUILD_DIR}" && pwd)
command -v xvfb-run >/dev/null || { echo "package: xvfb-run missing (tools/setup.sh installs xvfb)"; exit 1; }

deb=$(AELAB_JOBS=${AELAB_JOBS:-1} "$root/tools/package.sh" "$build" 2>"$build/package.log") ||
    { echo "FAIL tools/package.sh: $(tail -5 "$build/package.log")"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }
expect() {  # description, then a command that must succeed
    local what=$1; shift
    if "$@"; then ok "$what"; else fail "$what"; fi
}

# The package's fields and files.
expect "Package: aelab" test "$(dpkg-deb -f "$deb" Package)" = aelab
depends=$(dpkg-deb -f "$deb" Depends)
expect "Depends has libsdl2-2.0-0 and libgl1 ($depends)" \
    bash -c '[[ "$1" == *libsdl2-2.0-0* && "$1" == *libgl1* ]]' _ "$depends"
dpkg-deb -c "$deb" | awk '{print $6}' >"$tmp/files"
for f in usr/bin/aelab usr/bin/aelab-cli usr/share/aelab/data/fashion-mnist.aelab \
         usr/share/aelab/data/models/vae-2d.aelabm usr/share/applications/aelab.desktop \
         usr/share/icons/hicolor/256x256/apps/aelab.png usr/share/icons/hicolor/48x48/apps/aelab.png \
         usr/share/doc/aelab/LICENSE usr/share/doc/aelab/NOTICES.md; do
    grep -qx "./$f" "$tmp/files" || fail "the package lacks $f"
done

dpkg-deb -x "$deb" "$tmp/root"
bin="$tmp/root/usr/bin"
mkdir "$tmp/work"
cd "$tmp/work"
unset AELAB_DATA_DIR AELAB_ISA AELAB_FRAMES
if command -v desktop-file-validate >/dev/null; then
    expect "desktop-file-validate" desktop-file-validate "$tmp/root/usr/share/applications/aelab.desktop"
fi
expect "the icon is a 256x256 PNG" python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read(); assert d[:8]==b"\x89PNG\r\n\x1a\n" and struct.unpack(">II",d[16:24])==(256,256)' \
    "$tmp/root/usr/share/icons/hicolor/256x256/apps/aelab.png"

# The CLI: its version, the dataset from usr/share/aelab/data, and each kernel variant.
"$bin/aelab-cli" version >"$tmp/version.txt" 2>&1 || true
expect "aelab-cli version: $(tr '\n' ' ' <"$tmp/version.txt")" grep -qx "aelab-cli [0-9.]*" "$tmp/version.txt"
expect "aelab-cli train linear-ae finds the installed dataset" \
    bash -c '"$1" train linear-ae --steps 2 --json >"$2" 2>&1' _ "$bin/aelab-cli" "$tmp/train.txt"
mv "$tmp/root/usr/share/aelab/data" "$tmp/hidden-data"  # without it, the CLI says where it looked
if "$bin/aelab-cli" train linear-ae --steps 2 >"$tmp/missing.txt" 2>&1; then
    fail "aelab-cli ran without its data"
else
    expect "without the data the CLI names the installed path" \
        grep -qF "$tmp/root/usr/share/aelab/data/fashion-mnist.aelab" "$tmp/missing.txt"
fi
mv "$tmp/hidden-data" "$tmp/root/usr/share/aelab/data"
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then detected=avx2+fma; else detected=sse; fi
for isa in auto sse scalar; do
    want=$([ "$isa" = auto ] && echo "$detected" || echo "$isa")
    AELAB_ISA=$isa "$bin/aelab-cli" bench --only g --repeats 3 --warmup 1 >"$tmp/bench-$isa.txt" 2>&1 || true
    expect "AELAB_ISA=$isa: $(head -1 "$tmp/bench-$isa.txt" | cut -c1-70)" \
        grep -q "^aelab bench: $want, gemm kernel" "$tmp/bench-$isa.txt"
done

# The app under Xvfb: a lesson without data, one that needs the dataset, one that loads a model.
app() {  # name, then arguments; writes $tmp/name.log (the --report line last) and name.txt
    local name=$1; shift
    timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$bin/aelab" --report --textview 1 \
        --text-out "$tmp/$name.txt" "$@" >"$tmp/$name.log" 2>&1
}
report_has() {  # name, python condition on r (the --report JSON)
    python3 -c 'import json,sys
r=json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
assert eval(sys.argv[2]), r' "$tmp/$1.log" "$2" 2>>"$tmp/$1.log"
}
if app convolution --frames 30 --lesson convolution && report_has convolution 'r["frames"]==30'; then
    ok "aelab --frames 30 --lesson convolution"
else
    fail "convolution lesson: $(tail -3 "$tmp/convolution.log")"
fi
if app autoencoder --frames 60 --lesson autoencoder && report_has autoencoder '"mse_end_to_end" in r["status"]' &&
   grep -qF "Held-out MSE" "$tmp/autoencoder.txt" && ! grep -qF "cannot open" "$tmp/autoencoder.txt"; then
    ok "aelab --frames 60 --lesson autoencoder: the dataset found in the installed layout"
else
    fail "autoencoder lesson: $(tail -3 "$tmp/autoencoder.log") $(grep -m2 'cannot' "$tmp/autoencoder.txt")"
fi
if app vae --frames 30 --lesson vae && report_has vae 'r["status"]["pretrained"]=="loaded"' &&
   grep -qF "$tmp/root/usr/share/aelab/data/models/vae-2d.aelabm" "$tmp/vae.txt"; then
    ok "aelab --lesson vae: the pretrained model loaded from usr/share/aelab/data/models"
else
    fail "vae lesson: $(tail -3 "$tmp/vae.log")"
fi

[ "$failures" = 0 ] && echo "package test passed ($deb)" || { echo "$failures package check(s) failed"; exit 1; }
