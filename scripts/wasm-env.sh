# wasm-env.sh — the wasm32 toolchain, shared by check-wasm.sh, build-wasm.sh and
# browser-deps.sh. Source it (bash); it defines functions and variables and runs nothing
# except finding the workspace root.
#
# Two routes to a Rust compiler for wasm32-unknown-unknown, tried in this order:
#
#   1. "rustup": the active rustup toolchain already has the wasm32-unknown-unknown
#      standard library installed (`rustup target list --installed` lists it), so a plain
#      `cargo build --target wasm32-unknown-unknown` works. This is the usual case on a
#      developer laptop after `rustup target add wasm32-unknown-unknown`.
#
#   2. "debian-build-std": on the project's CI/dev machines rustup cannot download the wasm32
#      std (`rustup target add` hangs, so these scripts never call it). Instead we use Debian's
#      own Rust packages (rustc-web/cargo-web 1.96, whose rustc knows the wasm32 target), the
#      matching std sources (rust-web-src) and LLVM's wasm-ld (lld-19), and build std from
#      source with `-Zbuild-std`. See /work/shared/notes/wasm-toolchain.md for the recipe.
#
# Use:
#   source scripts/wasm-env.sh
#   WASM_LOG_PREFIX=build-wasm
#   wasm_toolchain                      # picks the route, installs Debian's packages if needed
#   wasm_cargo build --profile wasm -p shequ-wasm     # --target (and build-std) added
#   wasm_out_dir wasm                   # where that build's artifacts are
#
# Environment knobs (all optional):
#   WASM_FORCE_DEBIAN=1 (or the older WASM_CHECK_FORCE_DEBIAN=1)
#       skip route 1 even if rustup has the wasm32 target.

WASM_TARGET=wasm32-unknown-unknown
WASM_LOG_PREFIX=${WASM_LOG_PREFIX:-wasm}

# Debian toolchain locations (installed by the apt packages below).
DEB_CARGO=/usr/bin/cargo
DEB_RUSTC=/usr/bin/rustc
DEB_RUST_SRC=/usr/lib/rustlib/src/rust
DEB_WASM_LD=/usr/lib/llvm-19/bin/wasm-ld
DEB_PACKAGES=(rustc-web cargo-web rust-web-src lld-19)

wasm_log() {
    echo "$WASM_LOG_PREFIX: $*"
}
wasm_die() {
    echo "$WASM_LOG_PREFIX: ERROR: $*" >&2
    exit 1
}

# --- The workspace root (this file lives in <root>/scripts/) -------------------------------
REPO_ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
[ -f "$REPO_ROOT/Cargo.toml" ] && [ -f "$REPO_ROOT/core/Cargo.toml" ] \
    || wasm_die "cannot find the workspace at $REPO_ROOT"

# `cargo install` puts programs here; make sure they are found even when a login shell did
# not add it to PATH.
WASM_CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
    *":$WASM_CARGO_BIN:"*) ;;
    *) PATH="$PATH:$WASM_CARGO_BIN" ;;
esac
export PATH

# --- apt, for this and the browser dependencies --------------------------------------------
# wasm_apt_install PKG... — installs the Debian packages that are not installed yet.
wasm_apt_install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        wasm_log "Debian packages already installed: $*"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 \
        || wasm_die "apt-get not found: installing ${missing[*]} needs a Debian machine"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || wasm_die "need root (or sudo) to apt-get install ${missing[*]}"
        sudo=(sudo)
    fi
    wasm_log "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
        || wasm_die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
        || wasm_die "apt-get install ${missing[*]} failed"
}

# --- Choosing the route --------------------------------------------------------------------
# wasm_toolchain — sets WASM_ROUTE (rustup | debian-build-std) and WASM_TARGET_DIR, installing
# Debian's toolchain when route 1 is not available.
wasm_toolchain() {
    local force=${WASM_FORCE_DEBIAN:-${WASM_CHECK_FORCE_DEBIAN:-0}}
    # Capture the list first (rather than piping into `grep -q`) so pipefail/SIGPIPE cannot
    # bite. `timeout` guards against a rustup that tries to reach the network and hangs.
    if [ "$force" != 1 ] && command -v rustup >/dev/null 2>&1; then
        local installed_targets
        installed_targets=$(timeout 60 rustup target list --installed 2>/dev/null || true)
        if grep -qx "$WASM_TARGET" <<<"$installed_targets"; then
            WASM_ROUTE=rustup
            WASM_TARGET_DIR="$REPO_ROOT/target"
            wasm_log "route 1 (rustup): the $WASM_TARGET std is installed; building with rustup's cargo"
            return 0
        fi
        wasm_log "rustup has no $WASM_TARGET std installed; falling back to Debian's toolchain + build-std"
    else
        wasm_log "using Debian's toolchain + build-std (rustup not found or WASM_FORCE_DEBIAN=1)"
    fi

    WASM_ROUTE=debian-build-std
    # A separate target dir so Debian's cargo 1.96 and rustup's cargo do not invalidate each
    # other's fingerprints/artifacts in target/.
    WASM_TARGET_DIR="$REPO_ROOT/target/wasm-debian"

    if [ -x "$DEB_CARGO" ] && [ -x "$DEB_RUSTC" ] && [ -d "$DEB_RUST_SRC" ] && [ -x "$DEB_WASM_LD" ]; then
        wasm_log "Debian toolchain already present; skipping apt-get"
    else
        wasm_apt_install "${DEB_PACKAGES[@]}"
    fi

    # Sanity-check what we are about to use, so failures say what is wrong.
    [ -x "$DEB_CARGO" ] || wasm_die "$DEB_CARGO missing (package cargo-web)"
    [ -x "$DEB_RUSTC" ] || wasm_die "$DEB_RUSTC missing (package rustc-web)"
    [ -x "$DEB_WASM_LD" ] || wasm_die "$DEB_WASM_LD missing (package lld-19)"
    [ -f "$DEB_RUST_SRC/library/std/Cargo.toml" ] \
        || wasm_die "std sources missing under $DEB_RUST_SRC/library (package rust-web-src)"
    "$DEB_RUSTC" --print target-list | grep -qx "$WASM_TARGET" \
        || wasm_die "$DEB_RUSTC ($("$DEB_RUSTC" --version)) does not know the $WASM_TARGET target; install rustc-web"
    wasm_log "using $("$DEB_CARGO" --version) / $("$DEB_RUSTC" --version)"
}

# wasm_cargo SUBCOMMAND ARGS... — runs cargo for wasm32 by the chosen route (call
# wasm_toolchain first). `--target` is added, and for route 2 `-Zbuild-std`.
#
# Route 2 details:
#  * RUSTC_BOOTSTRAP=1 unlocks the nightly-only -Zbuild-std on the stable Debian compiler.
#  * -Zbuild-std=std,panic_abort compiles std for wasm32 from $DEB_RUST_SRC (found via
#    `rustc --print sysroot` = /usr). The first run builds std (a minute or two on 2 cores);
#    later runs reuse it from the target dir (once per profile).
#  * Explicit RUSTC/RUSTDOC and /usr/bin first on PATH: rustup's proxies (~/.cargo/bin) come
#    first on PATH on these machines and must not be picked up by cargo or build scripts.
#  * Unset variables a parent rustup/cargo may have exported (RUSTUP_TOOLCHAIN, CARGO,
#    RUSTC_WRAPPER, RUSTC_WORKSPACE_WRAPPER) so they cannot redirect the build to rustup's
#    toolchain, which lacks the wasm32 std.
#  * Workspace compatibility: the workspace Cargo.lock is `version = 4` and the manifests use
#    `[workspace.package]`/`[workspace.lints]`/`rust-version = "1.85"`; Debian's cargo 1.96
#    accepts all of these as-is. (If a future Debian cargo were *older* than the lockfile
#    format, no env var or --config flag can make it read a newer Cargo.lock; the fix would
#    be to upgrade cargo-web.)
#  * wasm32 defaults to panic=abort, which is why panic_abort is in the build-std list.
wasm_cargo() {
    local sub=$1
    shift
    case "${WASM_ROUTE:-}" in
        rustup)
            cargo "$sub" --target "$WASM_TARGET" "$@"
            ;;
        debian-build-std)
            env -u RUSTUP_TOOLCHAIN -u CARGO -u RUSTC_WRAPPER -u RUSTC_WORKSPACE_WRAPPER \
                PATH="/usr/bin:$PATH" \
                RUSTC_BOOTSTRAP=1 \
                RUSTC="$DEB_RUSTC" \
                RUSTDOC=/usr/bin/rustdoc \
                CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER="$DEB_WASM_LD" \
                CARGO_TARGET_DIR="$WASM_TARGET_DIR" \
                "$DEB_CARGO" "$sub" --target "$WASM_TARGET" -Zbuild-std=std,panic_abort "$@"
            ;;
        *) wasm_die "wasm_cargo called before wasm_toolchain" ;;
    esac
}

# wasm_out_dir PROFILE — the folder of a wasm32 build's artifacts for a cargo profile.
wasm_out_dir() {
    local dir=$1
    [ "$dir" = dev ] && dir=debug
    echo "$WASM_TARGET_DIR/$WASM_TARGET/$dir"
}

# wasm_host_cargo — the cargo that builds programs for this machine (`cargo install`):
# rustup's when there is one, else Debian's.
wasm_host_cargo() {
    if command -v cargo >/dev/null 2>&1; then
        command -v cargo
    elif [ -x "$DEB_CARGO" ]; then
        echo "$DEB_CARGO"
    else
        wasm_die "no cargo found to install host tools with"
    fi
}
