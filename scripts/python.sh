#!/usr/bin/env bash
# The Python package, as a new user gets it.
#
#   bash scripts/python.sh test      install ./bindings-python[test] into a fresh virtual
#                                    environment (a PEP 517 build from source: maturin, then
#                                    cargo) and run its tests against the installed wheel
#   bash scripts/python.sh wheel     a portable wheel (manylinux2014, glibc 2.17+, through
#                                    `maturin --zig`; zig comes from PyPI) in target/wheels
#   bash scripts/python.sh notebook  re-run the example notebook, keeping its outputs
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${PYTHON_VENV:-$ROOT/target/python-venv}
PY=${PYTHON:-python3}

fresh_venv() {
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
}

case "${1:-test}" in
test)
    start=$SECONDS
    fresh_venv
    echo "python: pip install ./bindings-python[test] into $VENV"
    "$VENV/bin/python" -m pip install -q "./bindings-python[test]"
    echo "python: installed in $((SECONDS - start)) s"
    # the command built from the same sources, to compare outputs with
    cargo build -q -p shequ-cli --locked
    export SHEQU_BIN=$ROOT/target/debug/shequ
    cd bindings-python/tests
    "$VENV/bin/python" -m pytest -q -p no:cacheprovider
    echo "python: tests passed ($((SECONDS - start)) s in all)"
    ;;
wheel)
    fresh_venv
    "$VENV/bin/python" -m pip install -q "maturin>=1.16,<2" ziglang
    (cd bindings-python && "$VENV/bin/maturin" build --release --zig --compatibility manylinux2014 -o "$ROOT/target/wheels")
    ls -la "$ROOT/target/wheels"
    ;;
notebook)
    [ -x "$VENV/bin/python" ] || { fresh_venv; "$VENV/bin/python" -m pip install -q "./bindings-python[test]"; }
    (cd bindings-python/examples && "$VENV/bin/python" make_notebook.py)
    ;;
*)
    echo "usage: bash scripts/python.sh test|wheel|notebook" >&2
    exit 2
    ;;
esac
