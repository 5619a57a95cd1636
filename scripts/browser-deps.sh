#!/usr/bin/env bash
# browser-deps.sh — what the browser test of the wasm package needs, installed idempotently:
#   * Debian's `chromium` (playwright cannot download its own browsers on these machines;
#     the test launches /usr/bin/chromium through playwright-core's `executablePath`);
#   * `fonts-noto-cjk`, without which a fresh machine has no Chinese font and screenshots
#     show empty boxes (checked below with `fc-list :lang=zh`);
#   * playwright-core from npm, a devDependency of bindings-wasm/package.json (with
#     binaryen and typescript), installed by `npm ci` when node_modules is not current.
#
# Usage: bash scripts/browser-deps.sh       (or `make browser-deps`; needs root or sudo)
set -euo pipefail

WASM_LOG_PREFIX=browser-deps
# shellcheck source=scripts/wasm-env.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/wasm-env.sh"

CHROMIUM=/usr/bin/chromium
BW="$REPO_ROOT/bindings-wasm"

wasm_apt_install chromium fonts-noto-cjk fontconfig

[ -x "$CHROMIUM" ] || wasm_die "$CHROMIUM missing after installing the chromium package"
wasm_log "$("$CHROMIUM" --version 2>/dev/null || echo "chromium (version unknown)")"

zh_fonts=$(fc-list :lang=zh family 2>/dev/null || true)
[ -n "$zh_fonts" ] || wasm_die "fc-list :lang=zh finds no Chinese font after installing fonts-noto-cjk"
wasm_log "Chinese fonts: $(head -n 3 <<<"$zh_fonts" | tr '\n' ';')"

command -v npm >/dev/null 2>&1 || wasm_die "npm not found: install Node.js 20 or later"
if [ -f "$BW/node_modules/playwright-core/package.json" ] \
    && [ "$BW/node_modules/.package-lock.json" -nt "$BW/package-lock.json" ]; then
    wasm_log "npm dev tools already installed"
else
    wasm_log "npm ci in bindings-wasm (playwright-core, binaryen, typescript)"
    (cd "$BW" && npm ci --no-audit --no-fund) || wasm_die "npm ci in bindings-wasm failed"
fi
wasm_log "playwright-core $(node -p "require('$BW/node_modules/playwright-core/package.json').version")"
