#!/usr/bin/env bash
# Rerun the comparison of shequ with pandas, OpenFisca-core, zen-engine and JsonLogic.
#
#   benches/compare/run.sh                      # 100000 communities, seed 42
#   benches/compare/run.sh --n 20000 --seed 7   # other sizes; every other option goes to compare.py
#   benches/compare/run.sh --reps 9 --subset 20000
#
# Creates benches/compare/.venv (CPython 3.11, packages from requirements.txt), builds the
# release shequ-bench binary, generates the roster with it and runs compare.py. Writes the
# roster, the verdict CSVs, the rule files it built (JDM graph, JsonLogic) and results.md
# to benches/compare/out/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
N=100000
SEED=42
PASS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    *) PASS+=("$1"); shift ;;
  esac
done

PYTHON="${PYTHON:-}"
if [ -z "$PYTHON" ]; then
  if command -v python3.11 >/dev/null 2>&1; then PYTHON=python3.11; else PYTHON=python3; fi
fi
if [ ! -x "$HERE/.venv/bin/python" ]; then
  echo "creating $HERE/.venv with $PYTHON ($("$PYTHON" --version))" >&2
  "$PYTHON" -m venv "$HERE/.venv"
  "$HERE/.venv/bin/python" -m pip install --quiet --upgrade pip
fi
"$HERE/.venv/bin/python" -m pip install --quiet -r "$HERE/requirements.txt"
# shequ's own Python package, built from this checkout (release, as a user installs it)
"$HERE/.venv/bin/python" -m pip install --quiet "$REPO/bindings-python"

echo "building shequ-bench (release)" >&2
(cd "$REPO" && cargo build --release --quiet -p shequ-bench)
BIN="${CARGO_TARGET_DIR:-$REPO/target}/release/shequ-bench"

mkdir -p "$HERE/out"
ROSTER="$HERE/out/roster-$N-$SEED.csv"
"$BIN" generate --n "$N" --seed "$SEED" --out "$ROSTER"

exec "$HERE/.venv/bin/python" "$HERE/compare.py" --bin "$BIN" --input "$ROSTER" --n "$N" --seed "$SEED" "${PASS[@]}"
