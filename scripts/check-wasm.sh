#!/usr/bin/env bash
# check-wasm.sh — check that the core crate (`shequ`) compiles for wasm32-unknown-unknown.
#
# Two routes, tried in this order:
#
#   1. "rustup": the active rustup toolchain already has the wasm32-unknown-unknown
#      standard library installed (`rustup target list --installed` lists it), so a plain
#      `cargo build --target wasm32-unknown-unknown` works. This is the usual case on a
#      developer laptop after `rustup target add wasm32-unknown-unknown`.
#
#   2. "debian-build-std": on the project's CI/dev machines rustup cannot download the wasm32
#      std (`rustup target add` hangs, so this script never calls it). Instead we use Debian's
#      own Rust packages (rustc-web/cargo-web 1.96, whose rustc knows the wasm32 target), the
#      matching std sources (rust-web-src) and LLVM's wasm-ld (lld-19), and build std from
#      source with `-Zbuild-std`. See /work/shared/notes/wasm-toolchain.md for the recipe.
#
# The core crate is an rlib, so no .wasm file is produced; success means "the crate and all
# its dependencies compiled for wasm32". The script prints the route used and the rlib size.
#
# Usage: bash scripts/check-wasm.sh          (from any directory; runs as root in CI)
#
# Environment knobs (all optional):
#   WASM_CHECK_FORCE_DEBIAN=1   skip route 1 even if rustup has the wasm32 target.
set -euo pipefail

TARGET=wasm32-unknown-unknown
CRATE=shequ                      # package name of /core
RLIB_NAME=lib${CRATE}.rlib

# Debian toolchain locations (installed by the apt packages below).
DEB_CARGO=/usr/bin/cargo
DEB_RUSTC=/usr/bin/rustc
DEB_RUST_SRC=/usr/lib/rustlib/src/rust
DEB_WASM_LD=/usr/lib/llvm-19/bin/wasm-ld
DEB_PACKAGES=(rustc-web cargo-web rust-web-src lld-19)

die() {
    echo "check-wasm: ERROR: $*" >&2
    exit 1
}
log() {
    echo "check-wasm: $*"
}

# Any unexpected failure (set -e) still ends with a clear message.
trap 'rc=$?; if [ "$rc" -ne 0 ]; then echo "check-wasm: FAILED (exit $rc) — the shequ crate was NOT verified to build for $TARGET" >&2; fi' EXIT

# --- Go to the workspace root (this script lives in <root>/scripts/) -----------------------
SCRIPT_DIR=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd -- "$SCRIPT_DIR/.." && pwd)
cd "$REPO_ROOT"
[ -f Cargo.toml ] && [ -f core/Cargo.toml ] || die "cannot find the workspace at $REPO_ROOT"

START=$SECONDS

# Print the final summary line for a successful build.
report() {
    local route=$1 rlib=$2
    [ -f "$rlib" ] || die "build reported success but $rlib does not exist"
    local bytes human
    bytes=$(stat -c %s "$rlib")
    human=$(du -h "$rlib" | cut -f1)
    log "OK: route=$route — crate '$CRATE' compiled for $TARGET in $((SECONDS - START))s;" \
        "rlib $rlib is $bytes bytes ($human). (rlib only: no .wasm is linked for a library crate.)"
}

# --- Route 1: rustup already has the wasm32 std ---------------------------------------------
# Capture the list first (rather than piping into `grep -q`) so pipefail/SIGPIPE cannot bite.
# `timeout` guards against a rustup that tries to reach the network and hangs.
if [ "${WASM_CHECK_FORCE_DEBIAN:-0}" != 1 ] && command -v rustup >/dev/null 2>&1; then
    installed_targets=$(timeout 60 rustup target list --installed 2>/dev/null || true)
    if grep -qx "$TARGET" <<<"$installed_targets"; then
        log "route 1 (rustup): $TARGET std is installed; building with rustup's cargo"
        cargo build --target "$TARGET" -p "$CRATE" --release \
            || die "route 1 (rustup): cargo build --target $TARGET -p $CRATE --release failed (see errors above)"
        report rustup "target/$TARGET/release/$RLIB_NAME"
        exit 0
    fi
    log "rustup has no $TARGET std installed; falling back to Debian's toolchain + build-std"
else
    log "using Debian's toolchain + build-std (rustup not found or WASM_CHECK_FORCE_DEBIAN=1)"
fi

# --- Route 2: Debian's rustc/cargo + -Zbuild-std -------------------------------------------
# 2a. Install the Debian packages only if something is missing.
if [ -x "$DEB_CARGO" ] && [ -x "$DEB_RUSTC" ] && [ -d "$DEB_RUST_SRC" ] && [ -x "$DEB_WASM_LD" ]; then
    log "Debian toolchain already present; skipping apt-get"
else
    log "installing Debian packages: ${DEB_PACKAGES[*]}"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this fallback needs a Debian machine (or install the $TARGET target with rustup)"
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to apt-get install ${DEB_PACKAGES[*]}"
        SUDO=(sudo)
    fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
        || die "apt-get update failed"
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${DEB_PACKAGES[@]}" \
        || die "apt-get install ${DEB_PACKAGES[*]} failed"
fi

# 2b. Sanity-check what we are about to use, so failures say what is wrong.
[ -x "$DEB_CARGO" ]    || die "$DEB_CARGO missing (package cargo-web)"
[ -x "$DEB_RUSTC" ]    || die "$DEB_RUSTC missing (package rustc-web)"
[ -x "$DEB_WASM_LD" ]  || die "$DEB_WASM_LD missing (package lld-19)"
[ -f "$DEB_RUST_SRC/library/std/Cargo.toml" ] \
    || die "std sources missing under $DEB_RUST_SRC/library (package rust-web-src)"
"$DEB_RUSTC" --print target-list | grep -qx "$TARGET" \
    || die "$DEB_RUSTC ($("$DEB_RUSTC" --version)) does not know the $TARGET target; install rustc-web"
log "using $("$DEB_CARGO" --version) / $("$DEB_RUSTC" --version)"

# 2c. Build.
#  * RUSTC_BOOTSTRAP=1 unlocks the nightly-only -Zbuild-std on the stable Debian compiler.
#  * -Zbuild-std=std,panic_abort compiles std for wasm32 from $DEB_RUST_SRC (found via
#    `rustc --print sysroot` = /usr). The first run builds std (a minute or two on 2 cores);
#    later runs reuse it from the target dir.
#  * Explicit RUSTC/RUSTDOC and /usr/bin first on PATH: rustup's proxies (~/.cargo/bin) come
#    first on PATH on these machines and must not be picked up by cargo or build scripts.
#  * A separate target dir (target/wasm-debian) so Debian's cargo 1.96 and rustup's cargo do
#    not invalidate each other's fingerprints/artifacts in target/.
#  * Unset variables a parent rustup/cargo may have exported (RUSTUP_TOOLCHAIN, CARGO,
#    RUSTC_WRAPPER, RUSTC_WORKSPACE_WRAPPER) so they cannot redirect the build to rustup's
#    toolchain, which lacks the wasm32 std.
#  * Workspace compatibility: the workspace Cargo.lock is `version = 4` and the manifests use
#    `[workspace.package]`/`[workspace.lints]`/`rust-version = "1.85"`; Debian's cargo 1.96
#    accepts all of these as-is, so no Cargo.toml/Cargo.lock workaround is needed. (If a
#    future Debian cargo were *older* than the lockfile format, no env var or --config flag
#    can make it read a newer Cargo.lock; the fix would be to upgrade cargo-web.) We do not
#    pass --locked, matching the plain `cargo build` of route 1.
#  * The workspace [profile.release] (lto = true, codegen-units = 1) applies; wasm32 defaults
#    to panic=abort, which is why panic_abort is in the build-std list.
WASM_TARGET_DIR="$REPO_ROOT/target/wasm-debian"
log "route 2 (debian-build-std): building $CRATE for $TARGET into $WASM_TARGET_DIR"
env -u RUSTUP_TOOLCHAIN -u CARGO -u RUSTC_WRAPPER -u RUSTC_WORKSPACE_WRAPPER \
    PATH="/usr/bin:$PATH" \
    RUSTC_BOOTSTRAP=1 \
    RUSTC="$DEB_RUSTC" \
    RUSTDOC=/usr/bin/rustdoc \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$DEB_WASM_LD" \
    CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
    "$DEB_CARGO" build --release --target "$TARGET" -Zbuild-std=std,panic_abort -p "$CRATE" \
    || die "route 2 (debian-build-std): $DEB_CARGO build --release --target $TARGET -Zbuild-std=std,panic_abort -p $CRATE failed (see errors above)"

report debian-build-std "$WASM_TARGET_DIR/$TARGET/release/$RLIB_NAME"
