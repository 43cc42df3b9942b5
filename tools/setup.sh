#!/usr/bin/env bash
# Installs everything aelab needs on a fresh Debian bookworm machine, idempotently:
#   1. Debian packages (compilers, emscripten, SDL2/ImGui/xtensor headers, chromium, xvfb,
#      the Fashion-MNIST dataset, nlohmann-json for the CLI's --json lines, clang + its libFuzzer
#      runtime for tools/fuzz.sh, ccache); with --golden also PyTorch and NumPy, needed only to
#      regenerate tests/golden (tests/golden/make_golden.py, make_cli_golden.py): the golden data
#      is committed and the test suite never runs Python with torch;
#   2. Debian source packages of SDL2 and ImGui, and SDL2 built for wasm, cached outside the
#      build tree in $AELAB_CACHE (default ~/.cache/aelab), keyed by version;
#   3. npm packages for the browser tests (tests/browser/node_modules); playwright-core needs
#      node 20 or later (its package.json "engines"), Debian 12's nodejs is 18: checked below.
# Usage: tools/setup.sh [--no-browser] [--golden]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${AELAB_CACHE:-$HOME/.cache/aelab}
mkdir -p "$cache"
log() { printf '[setup] %s\n' "$*" >&2; }
browser=1 golden=0
for arg in "$@"; do
  case $arg in
    --no-browser) browser=0 ;;
    --golden) golden=1 ;;
    *) log "unknown option $arg (usage: tools/setup.sh [--no-browser] [--golden])"; exit 2 ;;
  esac
done

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(
  build-essential cmake ninja-build pkg-config git python3
  libsdl2-dev libxtensor-dev xtl-dev doctest-dev libstb-dev libgl-dev nlohmann-json3-dev
  emscripten nodejs
  chromium xvfb xauth libgl1-mesa-dri
  fonts-dejavu-core dataset-fashion-mnist
  clang libclang-rt-14-dev ccache
  # First page faster (issue 15): fontTools' subsetter (pyftsubset) for the page's font subset;
  # gzip for the site's precompressed copies (zopfli only with tools/precompress.sh --zopfli).
  python3-fonttools gzip
)
# PyTorch (hundreds of MB) only for whoever regenerates tests/golden.
[ $golden = 1 ] && packages+=(python3-torch python3-numpy)

# --- 1. Debian packages ----------------------------------------------------------------------
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node may come from elsewhere (nodesource); accept any node on PATH instead of Debian's (the browser tests need >= 20: checked in step 3).
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs/}")
fi
need_src=0
[ -f "$cache/src/.done-libsdl2" ] && [ -f "$cache/src/.done-imgui" ] || need_src=1
srclist=/etc/apt/sources.list.d/aelab-deb-src.sources
if [ $need_src = 1 ] && [ ! -f "$srclist" ]; then
  # A deb-src entry derived from the machine's own apt sources: no host names of our own.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | sudo_ tee "$srclist" >/dev/null
  elif [ -f /etc/apt/sources.list ]; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' | sudo_ tee /etc/apt/sources.list.d/aelab-deb-src.list >/dev/null
  fi
  updated=0
fi
if [ ${#missing[@]} -gt 0 ] && [ -n "$(printf '%s' "${missing[*]}" | tr -d ' ')" ] || [ "${updated:-1}" = 0 ]; then
  log "apt-get install: ${missing[*]:-none (updating for deb-src)}"
  sudo_ apt-get update -qq
  if [ -n "$(printf '%s' "${missing[*]}" | tr -d ' ')" ]; then
    sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ${missing[*]} >/dev/null
  fi
fi

# --- 2. Source packages and the SDL2 wasm build (cached) ---------------------------------------
mkdir -p "$cache/src"
fetch_src() {  # $1 = source package; leaves its orig tarball in $cache/src
  local pkg=$1
  [ -f "$cache/src/.done-$pkg" ] && return
  log "apt-get source $pkg"
  (cd "$cache/src" && apt-get source --download-only "$pkg" >/dev/null 2>&1) \
    || { log "apt-get source $pkg failed (is there a deb-src entry?)"; exit 1; }
  touch "$cache/src/.done-$pkg"
}
fetch_src libsdl2
fetch_src imgui

imgui_tar=$(ls "$cache"/src/imgui_*.orig.tar.* | head -n1)
imgui_ver=$(basename "$imgui_tar" | sed -E 's/^imgui_([^+]*)(\+ds)?\.orig.*/\1/')
imgui_dir="$cache/imgui-$imgui_ver"
if [ ! -f "$imgui_dir/imgui.h" ]; then
  log "unpacking ImGui $imgui_ver"
  rm -rf "$imgui_dir.tmp" && mkdir -p "$imgui_dir.tmp"
  tar -xf "$imgui_tar" -C "$imgui_dir.tmp" --strip-components=1
  rm -rf "$imgui_dir" && mv "$imgui_dir.tmp" "$imgui_dir"
fi
ln -sfn "$imgui_dir" "$cache/imgui"

sdl_tar=$(ls "$cache"/src/libsdl2_*.orig.tar.gz | head -n1)
sdl_ver=$(basename "$sdl_tar" | sed -E 's/^libsdl2_([^+]*)(\+dfsg)?\.orig.*/\1/')
em_ver=$(dpkg-query -W -f='${Version}' emscripten 2>/dev/null || echo unknown)
sdl_prefix="$cache/sdl2-wasm-$sdl_ver-em$em_ver"
if [ ! -f "$sdl_prefix/lib/cmake/SDL2/SDL2Config.cmake" ]; then
  log "building SDL2 $sdl_ver for wasm (once per machine, ~4 min)"
  work="$cache/sdl2-build-$sdl_ver"
  rm -rf "$work" && mkdir -p "$work/src"
  tar -xzf "$sdl_tar" -C "$work/src" --strip-components=1
  export NODE_PATH=/usr/share/nodejs
  (cd "$work" && emcmake cmake -S src -B build -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX="$sdl_prefix.tmp" \
      -DSDL_STATIC=ON -DSDL_SHARED=OFF -DSDL_TEST=OFF -DSDL_THREADS=OFF -DSDL_PTHREADS=OFF \
      -DSDL_AUDIO=OFF -DSDL_HAPTIC=OFF -DSDL_HIDAPI=OFF -DSDL_POWER=OFF -DSDL_SENSOR=OFF \
      >"$work/configure.log" 2>&1) || { tail -30 "$work/configure.log"; exit 1; }
  (cd "$work" && cmake --build build -j"$(nproc)" >"$work/build.log" 2>&1 && cmake --install build >>"$work/build.log" 2>&1) \
      || { tail -30 "$work/build.log"; exit 1; }
  rm -rf "$sdl_prefix" && mv "$sdl_prefix.tmp" "$sdl_prefix"
  # The installed CMake files name the .tmp prefix: rewrite them for the final one.
  grep -rl "$sdl_prefix.tmp" "$sdl_prefix" | xargs -r sed -i "s|$sdl_prefix.tmp|$sdl_prefix|g"
  rm -rf "$work"
fi
ln -sfn "$sdl_prefix" "$cache/sdl2-wasm"

# --- 3. npm packages for the browser tests --------------------------------------------------
node_major=$(node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || true)
if [ $browser = 1 ] && [ "${node_major:-0}" -lt 20 ] 2>/dev/null; then
  log "the browser tests need node 20 or later (playwright-core $(sed -nE 's/.*"playwright-core": "([^"]*)".*/\1/p' \
"$here/tests/browser/package.json") declares engines node >=20); this machine has $(node --version 2>/dev/null || echo 'no node')."
  log "Debian 12's nodejs is 18: install node 20 or later (e.g. from nodesource), or run with --no-browser."
  exit 1
fi
if [ $browser = 1 ] && [ -f "$here/tests/browser/package.json" ]; then
  if [ ! -d "$here/tests/browser/node_modules/playwright-core" ] || [ ! -d "$here/tests/browser/node_modules/axe-core" ]; then
    log "npm install (tests/browser)"
    (cd "$here/tests/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
  fi
fi
log "dependencies ready (cache: $cache)"
