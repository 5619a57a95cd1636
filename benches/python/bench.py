#!/usr/bin/env python3
"""The Python package on large rosters: time and peak memory of `shequ.check(...)` from a
pandas frame and from an Arrow table to `.wide`, and of `.findings` (without and with the
sentences), side by side with the Rust columnar batch on the same rows (`shequ-bench
evaluate`, from in-memory columns) and with the pandas and OpenFisca implementations of
`benches/compare/` — one thread everywhere. The workload is the comparison's: eight 西安
2023 rules and the 毕节 2017 funding split.

Each measurement runs in its own process, so its peak memory (the maximum resident set)
is its own; the size of the output tables is Arrow's count of their buffers.

  python benches/python/bench.py --n 100000 1000000     # (run.sh sets up the venv)
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "benches" / "compare"))

POLICIES = ["xian-2023", "bijie-2017"]
AS_OF = "2024-06-30"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(case: str, roster: str, reps: int) -> dict:
    """Runs one measurement in this process and returns its figures."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

    import compare
    import shequ

    rules = compare.SHEQU_RULES
    if case.startswith("pandas") or case in ("pandas-rules", "openfisca"):
        data = compare.load_roster(Path(roster))
    else:
        data = pacsv.read_csv(roster)
    base = peak_mb()
    times = []
    size = 0
    for _ in range(reps):
        t0 = time.perf_counter()
        if case in ("pandas-wide", "arrow-wide"):
            out = shequ.check(data, policies=POLICIES, rules=rules, as_of=AS_OF, threads=1).wide
        elif case == "arrow-wide+findings":
            res = shequ.check(data, policies=POLICIES, rules=rules, as_of=AS_OF, threads=1)
            out = res.wide
            t1 = time.perf_counter()
            out = res.findings
            times.append(("findings", time.perf_counter() - t1))
        elif case == "arrow-messages":
            res = shequ.check(data, policies=POLICIES, rules=rules, as_of=AS_OF, threads=1)
            out = res.messages()
        elif case == "pandas-rules":
            out = compare.pandas_rules(data)
        elif case == "openfisca":
            tbs, kind = compare.openfisca_system()
            sim = compare.openfisca_simulation(tbs, kind, data)
            t0 = time.perf_counter()
            out = compare.openfisca_run(sim)
        else:
            raise SystemExit(f"unknown case {case}")
        times.append(("total", time.perf_counter() - t0))
        if isinstance(out, pa.Table):
            size = out.nbytes
        elif isinstance(out, pd.DataFrame):
            size = int(out.memory_usage(deep=True).sum())
    totals = [t for k, t in times if k == "total"]
    finds = [t for k, t in times if k == "findings"]
    return {
        "case": case,
        "rows": len(data),
        "seconds": statistics.median(totals),
        "findings_seconds": statistics.median(finds) if finds else None,
        "peak_mb": peak_mb(),
        "input_mb": base,
        "output_mb": size / 2**20,
    }


def rust_batch_ns(binary: str, roster: Path, reps: int) -> float:
    import compare

    return statistics.median(compare.rust_evaluate(Path(binary), roster, "shequ", None) for _ in range(reps))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--bin", default=str(REPO / "target" / "release" / "shequ-bench"))
    ap.add_argument("--case", help=argparse.SUPPRESS)
    ap.add_argument("--roster", help=argparse.SUPPRESS)
    ap.add_argument("--skip", default="", help="cases to leave out: openfisca,arrow-messages,…")
    args = ap.parse_args()
    if args.case:
        print(json.dumps(one(args.case, args.roster, args.reps)))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    work = REPO / "target" / "python-bench"
    work.mkdir(parents=True, exist_ok=True)
    lines = [
        "| communities | what | seconds | ns per community | × Rust batch | peak memory (MB) | output (MB) |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for n in args.n:
        roster = work / f"roster-{n}-{args.seed}.csv"
        if not roster.exists():
            subprocess.run([args.bin, "generate", "--n", str(n), "--seed", str(args.seed), "--out", str(roster)], check=True)
        rust = rust_batch_ns(args.bin, roster, args.reps)
        lines.append(f"| {n:,} | Rust columnar batch (`shequ-bench evaluate --engine shequ --threads 1`, from in-memory columns) | {rust * n / 1e9:.3f} | {rust:,.0f} | 1.00 | | |")
        cases = ["pandas-wide", "arrow-wide", "arrow-wide+findings", "arrow-messages", "pandas-rules", "openfisca"]
        for case in cases:
            if case in skip:
                continue
            p = subprocess.run(
                [sys.executable, __file__, "--case", case, "--roster", str(roster), "--reps", str(args.reps)],
                capture_output=True, text=True,
            )
            if p.returncode != 0:
                print(p.stderr, file=sys.stderr)
                lines.append(f"| {n:,} | {case} | failed | | | | |")
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            ns = r["seconds"] * 1e9 / n
            what = {
                "pandas-wide": "`shequ.check(pandas frame).wide` (conversion in and out, joined to the input)",
                "arrow-wide": "`shequ.check(pyarrow table).wide`",
                "arrow-wide+findings": "`.wide` then `.findings` (the long table, no sentences)",
                "arrow-messages": "`.messages()` (the long table with the sentences)",
                "pandas-rules": "the same rules in pandas (benches/compare)",
                "openfisca": "the same rules in OpenFisca-core (benches/compare; simulation set-up not timed)",
            }[case]
            lines.append(f"| {n:,} | {what} | {r['seconds']:.3f} | {ns:,.0f} | {ns / rust:.2f} | {r['peak_mb']:,.0f} | {r['output_mb']:,.0f} |")
            if r.get("findings_seconds") is not None:
                fns = r["findings_seconds"] * 1e9 / n
                lines.append(f"| {n:,} | … of which `.findings` alone | {r['findings_seconds']:.3f} | {fns:,.0f} | {fns / rust:.2f} | | |")
    text = "\n".join(lines) + "\n"
    (work / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
