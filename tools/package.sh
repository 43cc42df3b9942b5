#!/usr/bin/env bash
# Builds the Debian package of the desktop app, the CLI, the dataset and the models
# (cmake/package.cmake) with CPack into build/package/, and prints the .deb's path.
#   tools/package.sh [BUILD_DIR]     default build/native (configured with the native preset if
#                                    missing); AELAB_JOBS=N limits the build's parallel jobs
# Install it with `sudo apt install ./build/package/aelab_*.deb`, or unpack it anywhere with
# `dpkg-deb -x build/package/aelab_*.deb DIR` and run DIR/usr/bin/aelab.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/native}
jobs=${AELAB_JOBS:-$(nproc)}
if [ ! -f "$build/CMakeCache.txt" ]; then
    [ "$build" = "$root/build/native" ] || { echo "package: $build is not a configured build" >&2; exit 1; }
    (cd "$root" && cmake --preset native >&2)
fi
build=$(cd "$build" && pwd)
grep -q '^AELAB_BUILD_HOST:BOOL=ON' "$build/CMakeCache.txt" ||
    { echo "package: $build has no desktop app (AELAB_BUILD_HOST=OFF)" >&2; exit 1; }
grep -q '^AELAB_NATIVE_ARCH:BOOL=ON' "$build/CMakeCache.txt" &&
    echo "package: warning: $build uses -march=native (AELAB_NATIVE_ARCH=ON): the package may not run on other x86-64 machines" >&2
cmake --build "$build" --parallel "$jobs" --target aelab aelab-cli aelab_assets aelab_icon >&2
out="$root/build/package"
mkdir -p "$out"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
rm -f "$out"/aelab_"$version"_*.deb
(cd "$build" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >&2)
deb=$(ls "$out"/aelab_"$version"_*.deb)
echo "$deb"
