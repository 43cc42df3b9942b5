#!/usr/bin/env bash
# Gzip-precompressed copies of the web site's larger files, next to them (aelab.wasm ->
# aelab.wasm.gz), for servers that send a file's .gz when the browser accepts gzip
# (tools/serve.mjs does; so can nginx's gzip_static or Apache's MultiViews). Run by the web build
# after linking the site; incremental: a copy is remade only when older than its file, and
# dropped when its file is gone or it would not be smaller.
#   tools/precompress.sh SITE_DIR [--zopfli]
# gzip -9 -n by default (a second or two for the whole site); --zopfli uses zopfli (Debian package
# zopfli) for copies about 5% smaller, at about 20 s for aelab.wasm alone.
set -euo pipefail
site=${1:?usage: tools/precompress.sh SITE_DIR [--zopfli]}
zopfli=0
[ "${2:-}" = --zopfli ] && zopfli=1
min=1024  # bytes: smaller files gain nothing worth a second file
find "$site" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.data' -o -name '*.html' -o -name '*.css' \
     -o -name '*.json' -o -name '*.ttf' -o -name '*.aelab' -o -name '*.aelabm' -o -name '*.md' -o -name LICENSE \) \
     -print0 | while IFS= read -r -d '' f; do
  gz="$f.gz"
  if [ "$(stat -c %s "$f")" -lt $min ]; then rm -f "$gz"; continue; fi
  [ -f "$gz" ] && [ "$gz" -nt "$f" ] && continue
  tmp="$gz.tmp.$$"
  if [ $zopfli = 1 ]; then zopfli -c "$f" > "$tmp"; else gzip -9 -n -c "$f" > "$tmp"; fi
  if [ "$(stat -c %s "$tmp")" -lt "$(stat -c %s "$f")" ]; then mv -f "$tmp" "$gz"; else rm -f "$tmp" "$gz"; fi
done
# A .gz whose file is gone would be served for nothing (serve.mjs checks, other servers may not).
find "$site" -type f -name '*.gz' -print0 | while IFS= read -r -d '' gz; do
  [ -f "${gz%.gz}" ] || rm -f "$gz"
done
