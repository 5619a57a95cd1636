#!/usr/bin/env bash
# check-wasm.sh — check that the core crate (`shequ`) compiles for wasm32-unknown-unknown.
#
# The toolchain (rustup's wasm32 target if installed, else Debian's rustc-web + build-std)
# is chosen and installed by scripts/wasm-env.sh, shared with build-wasm.sh; see there.
#
# The core crate is an rlib, so no .wasm file is produced; success means "the crate and all
# its dependencies compiled for wasm32". The script prints the route used and the rlib size.
# (`make wasm` builds the real modules: scripts/build-wasm.sh.)
#
# Usage: bash scripts/check-wasm.sh          (from any directory; runs as root in CI)
#
# Environment knobs (all optional):
#   WASM_FORCE_DEBIAN=1 (or WASM_CHECK_FORCE_DEBIAN=1)
#       skip route 1 even if rustup has the wasm32 target.
set -euo pipefail

WASM_LOG_PREFIX=check-wasm
# shellcheck source=scripts/wasm-env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/wasm-env.sh"

CRATE=shequ                      # package name of /core
RLIB_NAME=lib${CRATE}.rlib

# Any unexpected failure (set -e) still ends with a clear message.
trap 'rc=$?; if [ "$rc" -ne 0 ]; then echo "check-wasm: FAILED (exit $rc) — the shequ crate was NOT verified to build for $WASM_TARGET" >&2; fi' EXIT

cd "$REPO_ROOT"
START=$SECONDS

wasm_toolchain
# The workspace [profile.release] (lto = true, codegen-units = 1) applies. We do not pass
# --locked, matching a plain `cargo build`.
wasm_log "route $WASM_ROUTE: building $CRATE for $WASM_TARGET into $WASM_TARGET_DIR"
wasm_cargo build --release -p "$CRATE" \
    || wasm_die "route $WASM_ROUTE: cargo build --target $WASM_TARGET -p $CRATE --release failed (see errors above)"

rlib="$(wasm_out_dir release)/$RLIB_NAME"
[ -f "$rlib" ] || wasm_die "build reported success but $rlib does not exist"
bytes=$(stat -c %s "$rlib")
human=$(du -h "$rlib" | cut -f1)
wasm_log "OK: route=$WASM_ROUTE — crate '$CRATE' compiled for $WASM_TARGET in $((SECONDS - START))s;" \
    "rlib $rlib is $bytes bytes ($human). (rlib only: no .wasm is linked for a library crate.)"
