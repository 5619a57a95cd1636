#!/usr/bin/env bash
# size.sh — the download size of the WebAssembly package: raw and gzip -9 bytes of each
# optimised module and of its JS glue, as a browser fetches them (the web build). Reads
# bindings-wasm/pkg (run `make wasm` first). Prints a table; `--tsv` prints
# module<TAB>file<TAB>raw<TAB>gzip lines for scripts.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd)
PKG="$ROOT/bindings-wasm/pkg"
[ -f "$PKG/package.json" ] || { echo "size.sh: no $PKG: run make wasm first" >&2; exit 1; }
tsv=0
[ "${1:-}" = --tsv ] && tsv=1

row() { # module label file
    local raw gz
    raw=$(stat -c %s "$3")
    gz=$(gzip -9c "$3" | wc -c)
    if [ "$tsv" = 1 ]; then
        printf '%s\t%s\t%d\t%d\n' "$1" "$2" "$raw" "$gz"
    else
        printf '%-7s %-26s %10d %10d\n' "$1" "$2" "$raw" "$gz"
    fi
}

[ "$tsv" = 1 ] || printf '%-7s %-26s %10s %10s\n' module file raw gzip-9
for m in form editor; do
    row "$m" "shequ_wasm_bg.wasm" "$PKG/$m/web/shequ_wasm_bg.wasm"
    row "$m" "web glue (shequ_wasm.js)" "$PKG/$m/web/shequ_wasm.js"
    # what a browser loads in all: glue, entry, module
    total_raw=0 total_gz=0
    for f in "$PKG/$m/web/shequ_wasm_bg.wasm" "$PKG/$m/web/shequ_wasm.js" "$PKG/$m/web/index.js"; do
        total_raw=$((total_raw + $(stat -c %s "$f")))
        total_gz=$((total_gz + $(gzip -9c "$f" | wc -c)))
    done
    if [ "$tsv" = 1 ]; then
        printf '%s\t%s\t%d\t%d\n' "$m" total "$total_raw" "$total_gz"
    else
        printf '%-7s %-26s %10d %10d\n' "$m" "total fetched" "$total_raw" "$total_gz"
    fi
done
