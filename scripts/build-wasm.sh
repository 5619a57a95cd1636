#!/usr/bin/env bash
# build-wasm.sh — build the npm package `shequ` (WebAssembly) into bindings-wasm/pkg/.
#
# From nothing on a fresh machine of the project's kind, it
#   1. picks and installs the wasm32 toolchain (scripts/wasm-env.sh: rustup's wasm32 target
#      if installed, else Debian's rustc-web + -Zbuild-std);
#   2. installs wasm-bindgen-cli at exactly the version of `wasm-bindgen` in Cargo.lock
#      (the CLI refuses a module made by another version), unless that version is on PATH;
#   3. installs the npm dev tools of bindings-wasm/package.json (binaryen's wasm-opt, and
#      the test tools) with `npm ci`, unless node_modules is current;
#   4. builds crate `shequ-wasm` twice with the size-oriented [profile.wasm]: the form module
#      (default features) and the editor module (`--features editor`);
#   5. runs wasm-bindgen for the bundler, web and nodejs targets, and `wasm-opt -Oz` on the
#      module (wasm-bindgen emits the same .wasm for the three targets, so it is optimised
#      once and copied; the two modules are optimised in parallel);
#   6. assembles pkg/: package.json (exports `shequ` → form, `shequ/editor` → editor, with
#      conditions for Node require/import, webpack and browsers), the ESM entry points from
#      bindings-wasm/js/, and a README;
#   7. prints the size (raw and gzip -9) of every optimised .wasm and of the JS glue.
#
# A module whose cargo output did not change since the last run is not re-bound nor
# re-optimised (a stamp in target/wasm-pkg/ holds its hash).
#
# Usage: bash scripts/build-wasm.sh         (or `make wasm`; from any directory)
#
# Environment knobs (all optional):
#   WASM_FORCE_DEBIAN=1   use Debian's toolchain even if rustup has the wasm32 target
#   WASM_PROFILE=wasm     the cargo profile (default `wasm`: release, opt-level z, abort)
#   WASM_OPT_FLAGS="-Oz"  the wasm-opt optimisation flags
set -euo pipefail

WASM_LOG_PREFIX=build-wasm
# shellcheck source=scripts/wasm-env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/wasm-env.sh"

trap 'rc=$?; if [ "$rc" -ne 0 ]; then echo "build-wasm: FAILED (exit $rc) — bindings-wasm/pkg is incomplete" >&2; fi' EXIT

cd "$REPO_ROOT"
START=$SECONDS
CRATE=shequ-wasm
LIB=shequ_wasm                          # the crate's file stem
PROFILE=${WASM_PROFILE:-wasm}
OPT_FLAGS=${WASM_OPT_FLAGS:--Oz}
BW="$REPO_ROOT/bindings-wasm"
PKG="$BW/pkg"
WORK="$REPO_ROOT/target/wasm-pkg"       # stamps and optimised modules, kept between runs
MODULES=(form editor)
declare -A FEATURES=([form]="" [editor]="editor")
# wasm-bindgen target → folder in pkg/<module>/
declare -A TARGET_DIR=([bundler]=bundler [web]=web [nodejs]=node)

phase() {
    wasm_log "[$((SECONDS - START))s] $*"
}

# --- 1. Rust for wasm32 --------------------------------------------------------------------
phase "toolchain"
wasm_toolchain

# --- 2. wasm-bindgen-cli, the version in Cargo.lock ----------------------------------------
WB_VERSION=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$WB_VERSION" ] || wasm_die "no wasm-bindgen in Cargo.lock (is bindings-wasm a workspace member?)"
INSTALL_ROOT=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}
wb_version_of() { "$1" --version 2>/dev/null | awk '{print $2}'; }
WASM_BINDGEN=""
for cand in "$(command -v wasm-bindgen || true)" "$INSTALL_ROOT/bin/wasm-bindgen"; do
    if [ -n "$cand" ] && [ -x "$cand" ] && [ "$(wb_version_of "$cand")" = "$WB_VERSION" ]; then
        WASM_BINDGEN=$cand
        break
    fi
done
if [ -n "$WASM_BINDGEN" ]; then
    phase "wasm-bindgen $WB_VERSION already installed: $WASM_BINDGEN"
else
    phase "installing wasm-bindgen-cli $WB_VERSION into $INSTALL_ROOT (a few minutes)"
    # Not --locked: one of the CLI's locked dependencies is not in the registry mirror.
    "$(wasm_host_cargo)" install wasm-bindgen-cli --version "$WB_VERSION" --root "$INSTALL_ROOT" \
        || wasm_die "cargo install wasm-bindgen-cli --version $WB_VERSION failed"
    WASM_BINDGEN="$INSTALL_ROOT/bin/wasm-bindgen"
    [ "$(wb_version_of "$WASM_BINDGEN")" = "$WB_VERSION" ] \
        || wasm_die "$WASM_BINDGEN is not version $WB_VERSION after installing it"
fi

# --- 3. npm dev tools (wasm-opt from binaryen) ---------------------------------------------
command -v npm >/dev/null 2>&1 || wasm_die "npm not found: install Node.js 20 or later"
WASM_OPT="$BW/node_modules/.bin/wasm-opt"
if [ -x "$WASM_OPT" ] && [ "$BW/node_modules/.package-lock.json" -nt "$BW/package-lock.json" ]; then
    phase "npm dev tools already installed"
else
    phase "npm ci in bindings-wasm (binaryen, typescript, playwright-core)"
    (cd "$BW" && npm ci --no-audit --no-fund) || wasm_die "npm ci in bindings-wasm failed"
fi
[ -x "$WASM_OPT" ] || wasm_die "$WASM_OPT missing after npm ci"
phase "using $("$WASM_OPT" --version)"

# --- 4-5. Build, bind, optimise each module ------------------------------------------------
OUT=$(wasm_out_dir "$PROFILE")
mkdir -p "$WORK"
rm -rf "$PKG"
mkdir -p "$PKG"
# 4. Both cargo builds first (the second reuses every dependency of the first).
for m in "${MODULES[@]}"; do
    feats=${FEATURES[$m]}
    phase "$m module: cargo build --profile $PROFILE${feats:+ --features $feats}"
    wasm_cargo build --profile "$PROFILE" -p "$CRATE" --locked ${feats:+--features "$feats"} \
        || wasm_die "cargo build of the $m module failed (see errors above)"
    raw="$OUT/$LIB.wasm"
    [ -f "$raw" ] || wasm_die "cargo reported success but $raw does not exist"
    mkdir -p "$WORK/$m"
    cp "$raw" "$WORK/$m/$LIB.wasm"
done

# 5. Bind each changed module, then optimise them side by side (wasm-opt is the slow step,
#    single-threaded per module here; the machines have 2 cores).
opt_pids=()
opt_mods=()
for m in "${MODULES[@]}"; do
    hash=$(cat "$WORK/$m/$LIB.wasm" "$WASM_BINDGEN" "$WASM_OPT" <(echo "$OPT_FLAGS") | sha256sum | cut -d' ' -f1)
    if [ -f "$WORK/$m/stamp" ] && [ "$(cat "$WORK/$m/stamp")" = "$hash" ] && [ -d "$WORK/$m/bound" ]; then
        phase "$m module unchanged since the last build: reusing its bound, optimised files"
        continue
    fi
    rm -rf "$WORK/$m/bound" "$WORK/$m/stamp"
    for t in "${!TARGET_DIR[@]}"; do
        "$WASM_BINDGEN" --target "$t" --out-dir "$WORK/$m/bound/${TARGET_DIR[$t]}" --out-name "$LIB" "$WORK/$m/$LIB.wasm" \
            || wasm_die "wasm-bindgen --target $t failed for the $m module"
    done
    # The three targets embed the same module; check that, then optimise it once.
    ref="$WORK/$m/bound/web/${LIB}_bg.wasm"
    for d in node bundler; do
        cmp -s "$ref" "$WORK/$m/bound/$d/${LIB}_bg.wasm" \
            || wasm_die "wasm-bindgen made different modules for web and $d; optimise each"
    done
    echo "$hash" >"$WORK/$m/hash"
    phase "$m module: wasm-opt $OPT_FLAGS"
    # The features Rust enables by default for wasm32 (since 1.82): binaryen must accept
    # them (reference types carry wasm-bindgen's externref table).
    "$WASM_OPT" $OPT_FLAGS \
        --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-reference-types --enable-multivalue \
        -o "$WORK/$m/${LIB}_bg.opt.wasm" "$ref" &
    opt_pids+=($!)
    opt_mods+=("$m")
done
for i in "${!opt_pids[@]}"; do
    m=${opt_mods[$i]}
    wait "${opt_pids[$i]}" || wasm_die "wasm-opt failed for the $m module"
    for d in web node bundler; do
        cp "$WORK/$m/${LIB}_bg.opt.wasm" "$WORK/$m/bound/$d/${LIB}_bg.wasm"
    done
    mv "$WORK/$m/hash" "$WORK/$m/stamp"
done
[ "${#opt_pids[@]}" -eq 0 ] || phase "wasm-opt done"

for m in "${MODULES[@]}"; do
    cp -r "$WORK/$m/bound" "$PKG/$m"
    # wasm-bindgen declares `[Symbol.dispose]()` on classes, which needs TypeScript's
    # esnext.disposable lib (TS 5.2+); say so in the declarations themselves, so that a
    # project whose `lib` stops at ES2022 type-checks them without skipLibCheck.
    for d in "$PKG/$m"/*/; do
        sed -i '1i /// <reference lib="esnext.disposable" />' "$d$LIB.d.ts"
    done
done

# --- 6. The package ------------------------------------------------------------------------
phase "assembling $PKG"
VERSION=$(awk -F'"' '/^\[workspace.package\]/ { p = 1 } p && /^version *=/ { print $2; exit }' Cargo.toml)
for m in "${MODULES[@]}"; do
    cp "$BW/js/web.d.ts" "$PKG/$m/web/index.d.ts"
    cp "$BW/js/noop.d.ts" "$PKG/$m/bundler/index.d.ts"
    cp "$BW/js/noop.d.ts" "$PKG/$m/node/index.d.mts"
    cp "$BW/js/web.js" "$PKG/$m/web/index.js"
    cp "$BW/js/bundler.js" "$PKG/$m/bundler/index.js"
    cp "$BW/js/node.mjs" "$PKG/$m/node/index.mjs"
    # Each folder says how Node must read its .js files.
    echo '{ "type": "module" }' >"$PKG/$m/web/package.json"
    echo '{ "type": "module" }' >"$PKG/$m/bundler/package.json"
    echo '{ "type": "commonjs" }' >"$PKG/$m/node/package.json"
done
cp "$BW/js/README.md" "$PKG/README.md"
node "$BW/js/package-json.mjs" "$VERSION" >"$PKG/package.json" \
    || wasm_die "cannot write $PKG/package.json"

# --- 7. Sizes ------------------------------------------------------------------------------
size_line() {
    printf '  %-34s %9d bytes  %8d gzip -9\n' "$1" "$(stat -c %s "$2")" "$(gzip -9c "$2" | wc -c)"
}
phase "sizes (after wasm-opt $OPT_FLAGS):"
for m in "${MODULES[@]}"; do
    size_line "$m/*/${LIB}_bg.wasm" "$PKG/$m/web/${LIB}_bg.wasm"
    size_line "$m/web/$LIB.js (glue)" "$PKG/$m/web/$LIB.js"
    size_line "$m/node/$LIB.js (glue)" "$PKG/$m/node/$LIB.js"
    size_line "$m/bundler/${LIB}_bg.js (glue)" "$PKG/$m/bundler/${LIB}_bg.js"
done
phase "OK: route=$WASM_ROUTE, wasm-bindgen $WB_VERSION, package shequ@$VERSION in $PKG"
