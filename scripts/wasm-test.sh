#!/usr/bin/env bash
# wasm-test.sh — test the npm package that `make wasm` built in bindings-wasm/pkg, as a user
# gets it: packs it (`npm pack`, so only what `files` ships), installs the tarball into
# bindings-wasm/tests/node_modules/shequ, then runs node's test runner over
# bindings-wasm/tests/*.test.mjs:
#   node.test.mjs     ESM import and require by package name, policies/compile/check, errors
#   types.test.mjs    tsc --noEmit -p on tests/types (a good program passes, a bad one fails)
#   browser.test.mjs  the demo page in headless Chromium (playwright-core); a screenshot in
#                     target/wasm-test/screenshot-zh.png
#
# Usage: bash scripts/wasm-test.sh    (or `make wasm-test`, which builds and installs first)
set -euo pipefail

WASM_LOG_PREFIX=wasm-test
# shellcheck source=scripts/wasm-env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/wasm-env.sh"

BW="$REPO_ROOT/bindings-wasm"
OUT="$REPO_ROOT/target/wasm-test"
[ -f "$BW/pkg/package.json" ] || wasm_die "no package in $BW/pkg: run make wasm first"
[ -x "$BW/node_modules/.bin/tsc" ] || wasm_die "the npm dev tools are missing: run make wasm (npm ci in bindings-wasm)"

mkdir -p "$OUT"
rm -f "$OUT"/shequ-*.tgz
tgz=$(cd "$BW/pkg" && npm pack --silent --pack-destination "$OUT")
wasm_log "packed $OUT/$tgz ($(stat -c %s "$OUT/$tgz") bytes)"
rm -rf "$BW/tests/node_modules"
# The package has no dependencies: the install needs no registry.
(cd "$BW/tests" && npm install --no-save --no-package-lock --offline --no-audit --no-fund "$OUT/$tgz" >/dev/null) \
    || wasm_die "npm install of $OUT/$tgz into $BW/tests failed"
[ -f "$BW/tests/node_modules/shequ/package.json" ] || wasm_die "shequ is not in $BW/tests/node_modules after npm install"
wasm_log "installed into $BW/tests/node_modules/shequ"

cd "$BW"
node --test --test-reporter=spec tests/*.test.mjs
