#!/usr/bin/env bash
# Desktop smoke test: runs the native app under Xvfb for a fixed number of frames on the home
# page, on every built lesson (also embedded), on an unknown lesson and with a missing or
# corrupt dataset; each run must exit 0 and leave a screenshot that is not blank.
#   tests/desktop/smoke.sh BUILD_DIR [SCREENSHOT_DIR]
set -euo pipefail
build=$(cd "${1:?usage: smoke.sh BUILD_DIR [SCREENSHOT_DIR]}" && pwd)
shots=${2:-$build/../screenshots/desktop}
mkdir -p "$shots"
shots=$(cd "$shots" && pwd)
app="$build/aelab"
[ -x "$app" ] || { echo "smoke: $app not built"; exit 1; }
command -v xvfb-run >/dev/null || { echo "smoke: xvfb-run missing (tools/setup.sh installs xvfb)"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'AELABDS\0not a dataset' > "$tmp/corrupt.aelab"
lessons=$("$app" --list-lessons)

failures=0
run() {  # name, then the app's arguments
    local name=$1; shift
    local png="$shots/$name.png"
    rm -f "$png"
    if ! timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 40 --screenshot "$png" "$@" \
            >"$tmp/$name.log" 2>&1; then
        echo "FAIL $name: exit code $? ($(tail -3 "$tmp/$name.log" | tr '\n' ' '))"
        failures=$((failures + 1))
        return
    fi
    # A rendered page has many distinct colours; a black or blank frame has one or two.
    local colours
    colours=$(python3 -c 'import sys,zlib,struct
d=open(sys.argv[1],"rb").read(); assert d[:8]==b"\x89PNG\r\n\x1a\n"
w,h=struct.unpack(">II",d[16:24]); i=8; idat=b""
while i<len(d):
    n=struct.unpack(">I",d[i:i+4])[0]; t=d[i+4:i+8]
    if t==b"IDAT": idat+=d[i+8:i+8+n]
    i+=12+n
raw=zlib.decompress(idat); stride=w*4+1
print(len({raw[r*stride+1+c*4:r*stride+1+c*4+3] for r in range(0,h,7) for c in range(0,w,7)}))' "$png" 2>/dev/null || echo 0)
    if [ "$colours" -lt 20 ]; then
        echo "FAIL $name: screenshot looks blank ($colours colours)"
        failures=$((failures + 1))
        return
    fi
    echo "ok   $name ($colours colours)"
}

run home
for id in $lessons; do
    run "lesson-$id" --lesson "$id"
    run "lesson-$id-embed" --lesson "$id" --embed
done
run unknown-lesson --lesson no-such-lesson
run missing-dataset --lesson tensors --data "$tmp/nonexistent.aelab"
run corrupt-dataset --lesson tensors --data "$tmp/corrupt.aelab"
# --report: one JSON line at exit with the frame times and the lesson's status (training runs
# natively as in the page: train=1 must have taken steps within 120 frames).
if timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 120 --report --lesson autoencoder --train 1 \
        >"$tmp/report.log" 2>&1 &&
   python3 -c 'import json,sys
r=json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])
assert r["frames"]==120 and r["frame_ms_median"]>0, r
assert int(r["status"]["step"])>0 and float(r["status"]["loss"])<float(r["status"]["first_loss"]), r["status"]' "$tmp/report.log"; then
    echo "ok   --report ($(grep '^{' "$tmp/report.log" | tail -1 | cut -c1-100)...)"
else
    echo "FAIL --report: $(tail -3 "$tmp/report.log" | tr '\n' ' ')"
    failures=$((failures + 1))
fi
# Redrawing only on change: an idle lesson keeps ticking (--frames counts ticks) but draws only
# its first second and then a few frames a second; --redraw always draws every tick.
if timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 240 --report --lesson convolution \
        >"$tmp/idle.log" 2>&1 &&
   timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 60 --report --lesson convolution --redraw always \
        >"$tmp/always.log" 2>&1 &&
   python3 -c 'import json,sys
last=lambda f: json.loads([l for l in open(f) if l.startswith("{")][-1])
i, a = last(sys.argv[1]), last(sys.argv[2])
assert i["frames"]==240 and 0 < i["drawn"] < i["frames"] - 40, i
assert a["frames"]==60 and a["drawn"]==60, a' "$tmp/idle.log" "$tmp/always.log"; then
    echo "ok   redraw on change ($(grep -o '"frames": [0-9]*, "drawn": [0-9]*' "$tmp/idle.log" | tail -1); always: every tick)"
else
    echo "FAIL redraw on change: $(tail -2 "$tmp/idle.log" | tr '\n' ' ') / $(tail -2 "$tmp/always.log" | tr '\n' ' ')"
    failures=$((failures + 1))
fi
# Themes, and the text view panel (View > Text view) with its words written out by --text-out.
run theme-light --lesson convolution --theme light
run theme-contrast --lesson convolution --theme contrast
run text-view --lesson convolution --textview 1 --text-out "$tmp/text-view.txt"
if grep -qx '# Convolution' "$tmp/text-view.txt" && grep -qF 'y[0] = 1*1 + 4*2 + 3*1 = 12' "$tmp/text-view.txt" &&
   grep -qF '[button] Next step' "$tmp/text-view.txt" && grep -qF '[value] stride S = 1' "$tmp/text-view.txt"; then
    echo "ok   text view words ($(wc -l <"$tmp/text-view.txt") lines)"
else
    echo "FAIL text view words: $(head -c 300 "$tmp/text-view.txt" | tr '\n' '|')"
    failures=$((failures + 1))
fi
# A lesson that throws mid-frame (test hook) is dropped with a message and a way back; the app runs on.
if AELAB_TEST_THROW_AT_FRAME=10 timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 40 --lesson pooling \
        --textview 1 --text-out "$tmp/thrown.txt" >"$tmp/thrown.log" 2>&1 &&
   grep -qF 'Pooling & unpooling stopped: injected by AELAB_TEST_THROW_AT_FRAME' "$tmp/thrown.txt" &&
   grep -qF '[button] Reopen the lesson' "$tmp/thrown.txt"; then
    echo "ok   a lesson that throws is dropped with a message, the app runs on"
else
    echo "FAIL lesson error guard: $(tail -3 "$tmp/thrown.log" | tr '\n' ' ') $(head -c 300 "$tmp/thrown.txt" | tr '\n' '|')"
    failures=$((failures + 1))
fi
# --- Your own images: --image puts a PNG on the denoising canvas; a file that is not an image is
# refused with a message in the status, and the app runs on.
python3 -c 'import struct,sys,zlib
rows=b"".join(b"\0"+bytes([250 if not (8<=r<24 and 10<=c<22) else 30 for c in range(32) for _ in range(3)]) for r in range(40))
ch=lambda t,d: struct.pack(">I",len(d))+t+d+struct.pack(">I",zlib.crc32(t+d))
open(sys.argv[1],"wb").write(b"\x89PNG\r\n\x1a\n"+ch(b"IHDR",struct.pack(">IIBBBBB",32,40,8,2,0,0,0))+ch(b"IDAT",zlib.compress(rows))+ch(b"IEND",b""))' "$tmp/mine.png"
for case in "mine.png:ok" "corrupt.aelab:error"; do
    file=${case%%:*} want=${case##*:}
    if timeout 120 xvfb-run -a -s "-screen 0 1400x900x24" "$app" --frames 30 --report --lesson denoising --open 8 \
            --image "$tmp/$file" >"$tmp/image.log" 2>&1 &&
       python3 -c 'import json,sys
st=json.loads([l for l in open(sys.argv[1]) if l.startswith("{")][-1])["status"]
assert st["upload"]==sys.argv[2], st
if sys.argv[2]=="ok": assert st["upload_size"]=="32 x 40" and st["denoise_input"]=="your image", st
else: assert st["upload_error"].startswith("corrupt.aelab: not a PNG or JPEG image"), st' "$tmp/image.log" "$want"; then
        echo "ok   --image $file ($want)"
    else
        echo "FAIL --image $file: $(tail -3 "$tmp/image.log" | tr '\n' ' ')"
        failures=$((failures + 1))
    fi
done
AELAB_FRAMES=5 timeout 60 xvfb-run -a "$app" >/dev/null 2>&1 && echo "ok   AELAB_FRAMES" || { echo "FAIL AELAB_FRAMES"; failures=$((failures + 1)); }

[ "$failures" = 0 ] && echo "desktop smoke test passed; screenshots in $shots" || { echo "$failures desktop run(s) failed"; exit 1; }
