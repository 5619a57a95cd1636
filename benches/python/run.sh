#!/usr/bin/env bash
# The Python package on large rosters (see bench.py): sets up benches/compare/.venv with
# the comparison's packages and this checkout's package, then runs bench.py.
#   bash benches/python/run.sh                 # 10^5 and 10^6 communities
#   bash benches/python/run.sh --n 100000      # other sizes; other options go to bench.py
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/benches/compare/.venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet -r "$REPO/benches/compare/requirements.txt"
"$VENV/bin/python" -m pip install --quiet "$REPO/bindings-python"
(cd "$REPO" && cargo build --release --quiet -p shequ-bench)
exec taskset -c 0 "$VENV/bin/python" "$HERE/bench.py" "$@"
